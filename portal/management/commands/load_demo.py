"""Load the launch-day demo content. Safe to run again: nothing changes."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Create the demo site, pages and logins (idempotent; refused in production)."

    def handle(self, *args, **options):
        if not getattr(settings, "ALLOW_DEMO_CONTENT", False):
            raise CommandError("Demo content is disabled in these settings (ALLOW_DEMO_CONTENT).")
        report = []
        with transaction.atomic():
            for dotted in settings.DEMO_LOADERS:
                report.extend(import_string(dotted)() or [])
        report.extend(import_string("portal.demo.summary")())
        for line in report:
            self.stdout.write(line)
