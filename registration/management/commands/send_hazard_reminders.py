"""Remind owners and contractors of hazard deadlines (see registration/field/reminders.py).

Run it from cron once an hour (or daily in the morning); the messages go
out through the outbox (send_notifications). Running it again sends nothing twice.
"""

from django.core.management.base import BaseCommand

from registration.field.reminders import send_hazard_reminders


class Command(BaseCommand):
    help = "Queue messages about hazards due tomorrow and hazards past their deadline."

    def handle(self, *args, **options):
        before, overdue = send_hazard_reminders()
        self.stdout.write(f"reminders queued: {before} before the deadline, {overdue} overdue")
