from django.core.management.base import BaseCommand

from portal import backups


class Command(BaseCommand):
    help = "Write the database and both media storages to one .tar.gz with a manifest and checksums."

    def add_arguments(self, parser):
        parser.add_argument("--output", default="backups", help="folder for the archive (default: ./backups)")
        parser.add_argument(
            "--no-media",
            action="store_true",
            help="the database only: media in S3 are kept by the object store (versioning, replication)",
        )

    def handle(self, *args, output, no_media=False, **options):
        path = backups.create(output, media=not no_media)
        self.stdout.write(str(path))
