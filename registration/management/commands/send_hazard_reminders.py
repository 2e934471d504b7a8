"""Remind owners and contractors of hazard deadlines (see registration/field/reminders.py).

Celery beat runs the same function hourly in the daytime
(registration.tasks.send_hazard_reminders); without a worker, run this from
cron. The messages go out through the outbox. Running it again, or twice at
once, sends nothing twice.
"""

from django.core.management.base import BaseCommand

from registration.field.reminders import send_hazard_reminders


class Command(BaseCommand):
    help = "Queue messages about hazards due tomorrow and hazards past their deadline."

    def handle(self, *args, **options):
        before, overdue = send_hazard_reminders()
        self.stdout.write(f"reminders queued: {before} before the deadline, {overdue} overdue")
