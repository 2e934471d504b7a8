from django.core.management.base import BaseCommand

from portal.tasks import anonymise_expired


class Command(BaseCommand):
    help = "Anonymise the personal data whose retention period has passed (settings.RETENTION_TASKS); run daily."

    def handle(self, *args, **options):
        for path, count in anonymise_expired().items():
            self.stdout.write(f"{path}: {count}")
