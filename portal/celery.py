"""The Celery application: the task queue for the outbox and the periodic jobs.

Configured from Django settings (``CELERY_*``, see settings/base.py); each
app's ``tasks.py`` is found by autodiscovery, so portal imports no app.
Without ``CELERY_BROKER_URL`` tasks run at once in-process (eager), so
``make run`` needs nothing but Python. Start a worker with beat::

    celery -A portal worker -B -l info       # make worker (one machine)
    celery -A portal worker -l info          # production: workers on any server
    celery -A portal beat -l info            # production: exactly one beat
"""

import os

from celery import Celery

# Like wsgi.py: a server process runs production settings unless told otherwise.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
