from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Anonymise the personal data whose retention period has passed (settings.RETENTION_TASKS); run daily."

    def handle(self, *args, **options):
        for path in settings.RETENTION_TASKS:
            count = import_string(path)()
            self.stdout.write(f"{path}: {count}")
