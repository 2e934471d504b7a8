"""Celery tasks of the registration app (started by ``portal/celery.py``).

Each task calls the same function as its management command, so cron and
the queue share one home for the logic. All are idempotent and safe with
several workers: the outbox claims each message for one worker, reminders
lock and stamp each hazard, and deleting a deleted staged file is a no-op.
The schedule is ``CELERY_BEAT_SCHEDULE`` in settings.
"""

from celery import shared_task


@shared_task(ignore_result=True)
def send_messages(pks=None):
    """Send the outbox messages ``pks`` (queued by a status change), or
    every due one (the periodic catch-up). Returns (sent, failed)."""
    from .backoffice.notifications import send_due

    return send_due(pks=pks)


@shared_task(ignore_result=True)
def send_hazard_reminders():
    from .field.reminders import send_hazard_reminders as queue_reminders

    return queue_reminders()


@shared_task(ignore_result=True)
def purge_staged_uploads():
    from .public.drafts import purge_staged

    return purge_staged()
