from django.core.management.base import BaseCommand

from portal import backups


class Command(BaseCommand):
    help = "Write the database and both media roots to one .tar.gz with a manifest and checksums."

    def add_arguments(self, parser):
        parser.add_argument("--output", default="backups", help="folder for the archive (default: ./backups)")

    def handle(self, *args, output, **options):
        path = backups.create(output)
        self.stdout.write(str(path))
