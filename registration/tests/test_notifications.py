"""The outbox: a message is queued with each status change and sent later,
with retries, by `manage.py send_notifications`."""

import datetime
import logging
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone, translation

from registration import services
from registration.backoffice import notifications
from registration.models import OutboundMessage, OutboxStatus, RegistrantRole, Status
from registration.tests.factories import registration_data

pytestmark = pytest.mark.django_db

MOBILE = "13900000002"  # the contractor registers in registration_data()
OWNER = "13800000001"  # ... for this owner


def one_recipient(**overrides):
    """The owner registers their own work: one contact mobile, so one message a change."""
    return registration_data(registrant_role=RegistrantRole.OWNER, **overrides)


class FailingSender:
    """Fails the first ``failures`` sends, with an error that quotes the number, like some gateways do."""

    def __init__(self, failures=10**6):
        self.failures = failures
        self.sent = []

    def send(self, message):
        if self.failures:
            self.failures -= 1
            raise ConnectionError(f"gateway refused {message.recipient}")
        self.sent.append(message.pk)


@pytest.fixture
def officer():
    return get_user_model().objects.create_user("officer", first_name="湖里街道纳管员")


def test_submission_and_each_change_queue_a_message_to_the_registrant_and_the_owner(officer):
    registration = services.create_registration(registration_data())
    services.change_status(registration, Status.RETURNED, by=officer, reason="施工单位信用代码与执照不符")
    messages = list(OutboundMessage.objects.order_by("pk"))
    assert [m.recipient for m in messages] == [MOBILE, OWNER, MOBILE, OWNER]
    assert all(m.status == OutboxStatus.PENDING and m.attempts == 0 for m in messages)
    with translation.override("zh-hans"):
        submitted, returned = str(Status.SUBMITTED.label), str(Status.RETURNED.label)
    assert messages[0].body == messages[1].body
    assert registration.reference in messages[0].body and submitted in messages[0].body
    assert returned in messages[2].body and "施工单位信用代码与执照不符" in messages[2].body
    assert "http://testserver-base.example/register/status/" in messages[2].body


def test_an_owner_who_registers_gets_one_message(officer):
    services.create_registration(one_recipient())
    assert list(OutboundMessage.objects.values_list("recipient", flat=True)) == [OWNER]


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.WAGTAILADMIN_BASE_URL = "http://testserver-base.example/"


def test_body_is_in_the_site_language_whatever_the_officer_uses(officer):
    registration = services.create_registration(registration_data())
    with translation.override("en"):
        services.change_status(registration, Status.UNDER_WAY, by=officer)
    expected = notifications.message_body(registration.reference, Status.UNDER_WAY)
    assert OutboundMessage.objects.latest("pk").body == expected


def test_long_reasons_are_shortened():
    body = notifications.message_body("HL-2026-000001", Status.STOPPED, "临边防护缺失" * 40)
    assert "临边防护缺失" * 9 + "临边防护缺…" in body  # 59 characters and an ellipsis
    assert "临边防护缺失" * 10 not in body


def test_a_rolled_back_change_queues_nothing(officer):
    registration = services.create_registration(registration_data())
    before = OutboundMessage.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.change_status(registration, Status.UNDER_WAY, by=officer)
        raise RuntimeError("the caller fails after the change")
    assert OutboundMessage.objects.count() == before
    assert not OutboundMessage.objects.filter(body__contains=str(Status.UNDER_WAY.label)).exists()


def test_an_invalid_change_queues_nothing(officer):
    registration = services.create_registration(one_recipient())
    with pytest.raises(services.TransitionError):
        services.change_status(registration, Status.COMPLETED, by=officer)
    assert OutboundMessage.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_queueing_outside_a_transaction_is_refused(officer):
    registration = services.create_registration(registration_data())
    change = registration.status_changes.get()
    with pytest.raises(RuntimeError):
        notifications.queue_status_message(registration, change)


def test_a_failed_send_is_retried_with_backoff_until_sent():
    services.create_registration(one_recipient())
    sender = FailingSender(failures=2)
    start = timezone.now()
    assert notifications.send_due(sender, now=start) == (0, 1)
    message = OutboundMessage.objects.get()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 1)
    assert message.next_attempt_at == start + notifications.RETRY_DELAYS[0]
    assert "ConnectionError" in message.last_error
    # not due yet: nothing is tried
    assert notifications.send_due(sender, now=start + datetime.timedelta(seconds=30)) == (0, 0)
    later = start + notifications.RETRY_DELAYS[0]
    assert notifications.send_due(sender, now=later) == (0, 1)
    message.refresh_from_db()
    assert message.next_attempt_at == later + notifications.RETRY_DELAYS[1]
    assert notifications.send_due(sender, now=message.next_attempt_at) == (1, 0)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 3, "")
    assert message.sent_at is not None and sender.sent == [message.pk]
    # a sent message is never sent again
    assert notifications.send_due(sender, now=later + datetime.timedelta(days=2)) == (0, 0)


def test_dead_after_the_last_attempt_with_an_error_logged_and_no_phone_number(caplog):
    services.create_registration(one_recipient())
    sender = FailingSender()
    now = timezone.now()
    with caplog.at_level(logging.INFO, logger="registration.backoffice.notifications"):
        for _ in range(notifications.MAX_ATTEMPTS):
            notifications.send_due(sender, now=now)
            now += datetime.timedelta(days=1)
    message = OutboundMessage.objects.get()
    assert (message.status, message.attempts) == (OutboxStatus.DEAD, notifications.MAX_ATTEMPTS)
    assert any(record.levelno == logging.ERROR for record in caplog.records)
    assert notifications.send_due(sender, now=now + datetime.timedelta(days=30)) == (0, 0)
    assert OWNER not in caplog.text and OWNER not in message.last_error
    assert "138****0001" in message.last_error


def test_email_sender_in_development(settings, caplog):
    settings.NOTIFICATION_EMAIL_TO = "sms-test@huli.example.cn"
    registration = services.create_registration(one_recipient())
    call_command("send_notifications", "--once", stdout=open("/dev/null", "w"))
    assert OutboundMessage.objects.get().status == OutboxStatus.SENT
    (email,) = mail.outbox
    assert email.to == ["sms-test@huli.example.cn"] and registration.reference in email.subject
    assert OWNER not in email.subject
    # without an address it only logs, still without the number
    settings.NOTIFICATION_EMAIL_TO = ""
    services.change_status(registration, Status.WITHDRAWN, reason="业主取消施工")
    with caplog.at_level(logging.INFO, logger="registration.backoffice.notifications"):
        call_command("send_notifications", "--once", stdout=open("/dev/null", "w"))
    assert "业主取消施工" in caplog.text and OWNER not in caplog.text
    assert len(mail.outbox) == 1


def test_the_sender_is_pluggable(settings):
    settings.NOTIFICATION_SENDER = "registration.tests.test_notifications.FailingSender"
    services.create_registration(one_recipient())
    call_command("send_notifications", "--once", stdout=open("/dev/null", "w"))
    assert OutboundMessage.objects.get().status == OutboxStatus.FAILED


def test_a_claimed_message_is_not_offered_to_another_worker():
    """What the SQLite fallback relies on: claiming leases the row."""
    services.create_registration(one_recipient())
    now = timezone.now()
    assert len(notifications.claim_due(now, 10)) == 1
    assert notifications.claim_due(now, 10) == []
    # a worker that died mid-send: the message is due again after the lease
    assert len(notifications.claim_due(now + notifications.CLAIM_LEASE, 10)) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_workers_do_not_double_send(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no SKIP LOCKED and serialises writers (CI runs this on PostgreSQL)")
    settings.NOTIFICATIONS_SEND_ON_COMMIT = False  # leave them all to the two workers below
    for _ in range(30):
        services.create_registration(one_recipient())

    class SlowSender:
        sent = []

        def send(self, message):
            time.sleep(0.005)
            self.sent.append(message.pk)

    sender = SlowSender()
    barrier = threading.Barrier(2)
    errors = []

    def work():
        try:
            barrier.wait()
            notifications.send_due(sender, batch_size=5)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(sender.sent) == sorted(OutboundMessage.objects.values_list("pk", flat=True))
    assert OutboundMessage.objects.filter(status=OutboxStatus.SENT, attempts=1).count() == 30


def test_messages_start_with_the_signature_and_never_end_a_sentence_twice(officer):
    from portal.models import PortalSettings

    settings_row = PortalSettings.load()
    settings_row.sms_signature = "湖里区住建局"
    settings_row.save()
    registration = services.create_registration(one_recipient())
    services.change_status(registration, Status.RETURNED, by=officer, reason="请补充施工合同。")
    bodies = list(OutboundMessage.objects.order_by("pk").values_list("body", flat=True))
    assert all(body.startswith("【湖里区住建局】") for body in bodies)
    assert "请补充施工合同。" in bodies[1]
    assert not any("。。" in body for body in bodies)


def test_the_signature_is_checked(officer):
    from django.core.exceptions import ValidationError

    from portal.models import PortalSettings

    settings_row = PortalSettings.load()
    settings_row.sms_signature = "【湖里】"
    with pytest.raises(ValidationError):
        settings_row.full_clean()
