"""Celery tasks of the portal: retention, run over every app's task of
``settings.RETENTION_TASKS`` (dotted paths, so portal imports no app)."""

from celery import shared_task
from django.conf import settings
from django.utils.module_loading import import_string


@shared_task(ignore_result=True)
def anonymise_expired():
    """Anonymise the personal data past its retention period; returns
    {task path: how many}. Also ``manage.py anonymise_expired``."""
    return {path: import_string(path)() for path in settings.RETENTION_TASKS}
