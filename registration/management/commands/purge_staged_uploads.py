"""Delete uploads staged for drafts that were never submitted.

A draft lives in the session, so a staged file older than the session
lifetime can no longer be submitted. Celery beat runs the same function
daily (registration.tasks.purge_staged_uploads); this command is for cron
or by hand.
"""

from django.core.management.base import BaseCommand

from registration.public.drafts import purge_staged


class Command(BaseCommand):
    help = "Delete staged registration uploads older than the session lifetime."

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {purge_staged()} staged upload(s).")
