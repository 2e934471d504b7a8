from django.core.management.base import BaseCommand, CommandError

from portal import backups


class Command(BaseCommand):
    help = (
        "Replace this database's rows and both media roots with a backup made by `manage.py backup`. "
        "Run `manage.py migrate` first; every checksum is verified before anything is changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="do not ask: everything here is replaced")

    def handle(self, *args, archive, yes, **options):
        if not yes and input(f"Replace ALL data and media here with {archive}? Type yes: ").strip() != "yes":
            raise CommandError("Nothing restored.")
        try:
            manifest = backups.restore(archive)
        except backups.BackupError as error:
            raise CommandError(f"Nothing restored: {error}") from error
        total = sum(manifest["rows"].values())
        self.stdout.write(f"Restored {total} rows and {len(manifest['files'])} files from {manifest['created_at']}.")
