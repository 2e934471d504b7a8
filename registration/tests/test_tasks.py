"""The task queue (Celery): each periodic job is a task that does the same
work as its command; a status change hands its messages to the queue once it
commits; without a broker the tasks run in-process; with one, a real worker
sends them."""

import datetime
import logging
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.utils import timezone

from portal import tasks as portal_tasks
from portal.celery import app
from registration import services, tasks
from registration.models import OutboundMessage, OutboxStatus, RegistrantRole, Registration, Status, StatusChange
from registration.tests.factories import registration_data
from registration.tests.test_backoffice_actions import work
from registration.tests.test_reminders import hazard

pytestmark = pytest.mark.django_db

OWNER = "13800000001"


class RecordingSender:
    sent = []

    def send(self, message):
        RecordingSender.sent.append((message.pk, message.recipient))


@pytest.fixture
def recording_sender(settings):
    settings.NOTIFICATION_SENDER = "registration.tests.test_tasks.RecordingSender"
    RecordingSender.sent = []
    return RecordingSender


@pytest.fixture
def celery_conf():
    """Change the Celery app's configuration for one test, then put it back."""
    saved = {}

    def reconnect():  # producers connect anew, to the broker and queue configured now
        app._pool = None
        app.__dict__.pop("amqp", None)

    def configure(**values):
        for key in values:
            saved.setdefault(key, app.conf[key])
        app.conf.update(values)
        reconnect()

    yield configure
    app.conf.update(saved)
    reconnect()


def one_recipient():
    return registration_data(registrant_role=RegistrantRole.OWNER)


def test_a_status_change_sends_its_message_once_committed(recording_sender, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        registration = services.create_registration(one_recipient())
    assert len(callbacks) == 1
    message = OutboundMessage.objects.get()
    assert message.status == OutboxStatus.SENT and message.attempts == 1
    assert recording_sender.sent == [(message.pk, OWNER)]

    with django_capture_on_commit_callbacks(execute=True):
        services.change_status(registration, Status.WITHDRAWN, reason="业主取消施工")
    assert OutboundMessage.objects.filter(status=OutboxStatus.SENT).count() == 2
    assert len(recording_sender.sent) == 2
    # the catch-up finds nothing left to send, so nothing goes twice
    assert tasks.send_messages.delay().get() == (0, 0)
    assert len(recording_sender.sent) == 2


def test_nothing_is_handed_to_the_queue_before_the_commit(recording_sender, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.create_registration(one_recipient())
    assert len(callbacks) == 1
    assert OutboundMessage.objects.get().status == OutboxStatus.PENDING and recording_sender.sent == []


def test_a_broker_that_is_down_only_delays_the_message(
    recording_sender, celery_conf, django_capture_on_commit_callbacks
):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    celery_conf(
        task_always_eager=False,
        broker_url=f"redis://127.0.0.1:{port}/0",
        task_publish_retry=False,
        broker_connection_retry=False,
        broker_connection_timeout=1,
    )
    errors = []
    handler = logging.Handler(logging.ERROR)
    handler.emit = errors.append
    logger = logging.getLogger("django")  # Django logs a robust on-commit hook's failure here
    logger.addHandler(handler)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            registration = services.create_registration(one_recipient())
    finally:
        logger.removeHandler(handler)
    assert Registration.objects.filter(pk=registration.pk).exists()  # the registration is kept
    assert any("hand_to_queue" in record.getMessage() and "onnect" in record.getMessage() for record in errors)
    assert OutboundMessage.objects.get().status == OutboxStatus.PENDING
    # the periodic catch-up (beat, or the cron command) sends it
    celery_conf(task_always_eager=True)
    assert tasks.send_messages.delay().get() == (1, 0)
    assert OutboundMessage.objects.get().status == OutboxStatus.SENT


def test_hazard_reminders_task_queues_the_reminders():
    registration = work(Status.UNDER_WAY)
    hazard(registration, 1)
    hazard(registration, -2, "fire")
    assert tuple(tasks.send_hazard_reminders.delay().get()) == (1, 1)
    queued = OutboundMessage.objects.filter(registration=registration).count()
    assert queued >= 2
    assert tuple(tasks.send_hazard_reminders.delay().get()) == (0, 0)  # idempotent
    assert OutboundMessage.objects.filter(registration=registration).count() == queued


def test_purge_task_deletes_only_old_staged_uploads(settings):
    storage = storages["private"]
    old = storage.save("staging/draft1/old", ContentFile(b"old"))
    new = storage.save("staging/draft2/new", ContentFile(b"new"))
    long_ago = time.time() - settings.SESSION_COOKIE_AGE - 60
    os.utime(storage.path(old), (long_ago, long_ago))  # the disk storage of the tests
    assert tasks.purge_staged_uploads.delay().get() == 1
    assert not storage.exists(old) and storage.exists(new)
    assert tasks.purge_staged_uploads.delay().get() == 0


def test_retention_task_anonymises_what_is_due_once():
    work_ = services.create_registration(registration_data())
    services.change_status(work_, Status.WITHDRAWN, actor_label="街道", reason="不再施工")
    StatusChange.objects.filter(registration=work_).update(created_at=timezone.now() - datetime.timedelta(days=365 * 6))
    counts = portal_tasks.anonymise_expired.delay().get()
    assert counts == {"registration.retention.anonymise_due": 1, "training.retention.anonymise_due": 0}
    work_.refresh_from_db()
    assert work_.anonymised_at is not None and work_.owner_mobile == ""
    assert portal_tasks.anonymise_expired.delay().get()["registration.retention.anonymise_due"] == 0


def test_every_scheduled_job_is_a_registered_task():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled == {
        "registration.tasks.send_messages",
        "registration.tasks.send_hazard_reminders",
        "registration.tasks.purge_staged_uploads",
        "portal.tasks.anonymise_expired",
    }
    assert scheduled <= set(app.tasks)


# --- a real broker and a real worker ------------------------------------------

BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/3")
WORKER_SECONDS = 90  # the whole exchange is bounded: start, deliver, send


def _redis_reachable(url):
    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def _database_url():
    db = connection.settings_dict
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_sends_a_message_enqueued_by_a_status_change(celery_conf, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker process must open the test database (CI runs this on PostgreSQL)")
    if not _redis_reachable(BROKER_URL):
        pytest.skip(f"no Redis at {BROKER_URL}")
    queue = f"test-{uuid.uuid4().hex}"  # this run's own queue: no other worker takes its tasks
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER_URL,
    }
    log = (tmp_path / "worker.log").open("w+")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo", "-Q", queue, "-l", "info"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{queue}@%h"],
        cwd=Path(django_settings.BASE_DIR),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        celery_conf(task_always_eager=False, broker_url=BROKER_URL, task_default_queue=queue)
        registration = services.create_registration(one_recipient())  # commits: the task is enqueued
        message = OutboundMessage.objects.get(registration=registration)
        deadline = time.monotonic() + WORKER_SECONDS
        while time.monotonic() < deadline and worker.poll() is None:
            message.refresh_from_db()
            if message.status == OutboxStatus.SENT:
                break
            time.sleep(0.5)
        log.seek(0)
        output = log.read()
        assert message.status == OutboxStatus.SENT, f"not sent within {WORKER_SECONDS} s; worker said:\n{output}"
        assert message.attempts == 1 and "registration.tasks.send_messages" in output
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()
        broker = redis.Redis.from_url(BROKER_URL)  # kombu's bookkeeping of this run's queue
        for name in broker.keys(f"*{queue}*"):
            broker.delete(name)
