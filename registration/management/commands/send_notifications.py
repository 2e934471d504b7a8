"""Send the registrants' queued messages (the outbox), with retries.

Celery sends each message right after its change commits and beat runs the
same catch-up every minute (registration.tasks.send_messages). Without a
worker, run this from cron every minute with ``--once``; without it, it
keeps polling. Several copies may run at once: each message is claimed by
one of them.
"""

import time

from django.core.management.base import BaseCommand

from registration.backoffice.notifications import send_due


class Command(BaseCommand):
    help = "Send due outbound messages to registrants, retrying failed ones with backoff."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Send what is due now, then exit (for cron).")
        parser.add_argument("--interval", type=float, default=10.0, help="Seconds between polls without --once.")

    def handle(self, *args, once=False, interval=10.0, **options):
        while True:
            sent, failed = send_due()
            if sent or failed or options["verbosity"] > 1:
                self.stdout.write(f"sent {sent}, failed {failed}")
            if once:
                return
            time.sleep(interval)
