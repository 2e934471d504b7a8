from django.core.management.base import BaseCommand

from portal.page_cache import purge


class Command(BaseCommand):
    help = (
        "Make every page and the site data in the page cache stale (portal/page_cache.py); "
        "run after a deploy, so that no page keeps the old templates."
    )

    def handle(self, *args, **options):
        purge()
        self.stdout.write("Page cache purged.")
