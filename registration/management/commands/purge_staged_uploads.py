"""Delete uploads staged for drafts that were never submitted.

A draft lives in the session, so a staged file older than the session
lifetime can no longer be submitted. Run it daily (cron or a systemd timer).
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from registration.public.drafts import STAGING_DIR, private_storage


class Command(BaseCommand):
    help = "Delete staged registration uploads older than the session lifetime."

    def handle(self, *args, **options):
        storage = private_storage()
        cutoff = timezone.now() - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
        if not storage.exists(STAGING_DIR):
            return
        deleted = 0
        for folder in storage.listdir(STAGING_DIR)[0]:
            for filename in storage.listdir(f"{STAGING_DIR}/{folder}")[1]:
                name = f"{STAGING_DIR}/{folder}/{filename}"
                if storage.get_modified_time(name) < cutoff:
                    storage.delete(name)
                    deleted += 1
        self.stdout.write(f"Deleted {deleted} staged upload(s).")
