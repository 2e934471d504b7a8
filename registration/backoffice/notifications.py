"""Telling the registrant about their registration, through an outbox.

A status change and the message about it are written in the same database
transaction (``queue_status_message`` is called inside the atomic blocks of
services.py). So a change is never without its message, and a change that
is rolled back sends nothing. Sending happens later, in
``manage.py send_notifications`` (cron, every minute), which retries a
failed send with a growing delay and gives up, loudly, only after several
attempts: a message is never silently lost.

The sender is pluggable (setting ``NOTIFICATION_SENDER``, a dotted path to a
class). A sender is any class with::

    def send(self, message: OutboundMessage) -> None:
        '''Deliver message.body to message.recipient; raise on any failure.'''

``EmailSender`` (the default) stands in for an SMS gateway in development:
it emails the text through Django's mail (the console backend prints it) to
``NOTIFICATION_EMAIL_TO``, or only logs it when that setting is empty.
"""

import datetime
import logging
import re

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from portal.models import sms_text

from ..models import OutboundMessage, OutboxStatus, Status

logger = logging.getLogger(__name__)

DEFAULT_SENDER = "registration.backoffice.notifications.EmailSender"
# Wait after the 1st, 2nd … failed attempt; one more failure after the
# last delay and the message is dead (an error is logged for staff).
RETRY_DELAYS = [
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=12),
]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A claimed message is not offered to another worker for this long; if the
# worker dies mid-send, the message becomes due again afterwards.
CLAIM_LEASE = datetime.timedelta(minutes=10)
MAX_REASON_CHARS = 60

STATUS_TEMPLATE = _("Registration %(reference)s: %(status)s.")
REASON_TEMPLATE = _("Reason: %(reason)s.")
LOOKUP_TEMPLATE = _("Check it with your mobile number at %(url)s")

_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1\d{2})[- ]?\d{4}[- ]?(\d{4})(?!\d)")


def redact(text):
    """Mask mainland mobile numbers (138****0002): logs and stored errors
    must not collect registrants' phone numbers."""
    return _MOBILE.sub(r"\1****\2", str(text))


def lookup_url():
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("registration:status")


def message_body(reference, status=None, reason="", *, news=None):
    """The SMS text, always in the site language: the registrant reads it,
    not the officer whose admin language happens to be active. It starts
    with the 【signature】 of the portal settings; a reason's own closing
    punctuation is dropped so that no sentence ends twice (。。). ``news``
    replaces the status for news that changes no status (a declined request)."""
    reason = " ".join(reason.split()).rstrip("。.!！;；,，")
    if len(reason) > MAX_REASON_CHARS:
        reason = reason[: MAX_REASON_CHARS - 1] + "…"
    with translation.override(settings.LANGUAGE_CODE):
        parts = [STATUS_TEMPLATE % {"reference": reference, "status": news or Status(status).label}]
        if reason:
            parts.append(REASON_TEMPLATE % {"reason": reason})
        parts.append(LOOKUP_TEMPLATE % {"url": lookup_url()})
    text = ""
    for part in map(str, parts):  # Chinese sentences follow each other without a space
        text += part if not text or text.endswith("。") else " " + part
    return sms_text(text)


def queue_status_message(registration, change):
    """Queue the message about ``change``; call it inside the change's transaction."""
    return queue_message(registration, message_body(registration.reference, change.to_status, change.reason))


def queue_message(registration, body, recipients=None):
    """Queue ``body`` to each of ``recipients`` (default: the registration's
    contact mobiles, the registrant and the owner registered for), inside
    the transaction of what it tells, so that a message is never sent about
    something undone."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("queue_message must run in the transaction of what it tells")
    messages = OutboundMessage.objects.bulk_create(
        OutboundMessage(registration=registration, channel="sms", recipient=mobile, body=body)
        for mobile in (registration.contact_mobiles if recipients is None else recipients)
    )
    send_soon(messages)
    return messages


def send_soon(messages):
    """Hand ``messages`` to the task queue once the current transaction
    commits (at once outside one). A broker that is down only delays them:
    the error is logged and the periodic sender sends them within a minute."""
    pks = [message.pk for message in messages if message.pk is not None]
    if not pks or not settings.NOTIFICATIONS_SEND_ON_COMMIT:
        return
    from ..tasks import send_messages  # the task module imports this one

    def hand_to_queue():  # a named function: Django logs a robust hook's failure by its __qualname__
        send_messages.delay(pks)

    transaction.on_commit(hand_to_queue, robust=True)


class EmailSender:
    """Development stand-in for an SMS gateway (see the module docstring)."""

    def send(self, message):
        to = getattr(settings, "NOTIFICATION_EMAIL_TO", "")
        subject = f"[SMS {redact(message.recipient)}] {message.registration.reference}"
        if to:
            send_mail(subject, message.body, None, [to])
        else:
            logger.info("Outbound message %s: %s %s", message.pk, subject, message.body)


def get_sender():
    return import_string(getattr(settings, "NOTIFICATION_SENDER", DEFAULT_SENDER))()


def _due(now, pks=None):
    due = OutboundMessage.objects.filter(
        status__in=[OutboxStatus.PENDING, OutboxStatus.FAILED], next_attempt_at__lte=now
    )
    if pks is not None:
        due = due.filter(pk__in=pks)
    return due.order_by("next_attempt_at", "pk")


def claim_due(now, limit, pks=None):
    """Take up to ``limit`` due messages for this worker by pushing their
    next attempt past a lease, so no concurrent worker sends them too.

    On PostgreSQL, rows another worker is claiming are skipped
    (SKIP LOCKED). SQLite has no row locks; there each row is claimed with a
    compare-and-set UPDATE that only one worker can win.
    """
    skip_locked = connection.features.has_select_for_update_skip_locked
    claimed = []
    with transaction.atomic():
        candidates = list(
            _due(now, pks).select_for_update(skip_locked=skip_locked).values_list("pk", "next_attempt_at")[:limit]
        )
        for pk, next_attempt_at in candidates:
            won = OutboundMessage.objects.filter(pk=pk, next_attempt_at=next_attempt_at).update(
                next_attempt_at=now + CLAIM_LEASE
            )
            if won:
                claimed.append(pk)
    return list(OutboundMessage.objects.filter(pk__in=claimed).select_related("registration").order_by("pk"))


def _record_failure(message, error, now):
    message.attempts += 1
    message.last_error = redact(f"{type(error).__name__}: {error}")[:1000]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = OutboxStatus.DEAD
        logger.error(
            "Gave up on outbound message %s for %s after %s attempts: %s",
            message.pk,
            message.registration.reference,
            message.attempts,
            message.last_error,
        )
    else:
        message.status = OutboxStatus.FAILED
        message.next_attempt_at = now + RETRY_DELAYS[message.attempts - 1]
        logger.warning(
            "Outbound message %s failed (attempt %s), retrying at %s: %s",
            message.pk,
            message.attempts,
            message.next_attempt_at,
            message.last_error,
        )
    message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])


def send_due(sender=None, now=None, batch_size=100, pks=None):
    """Send every due message (of ``pks`` only, when given) once; return
    (sent, failed) counts. Safe to run in several workers at once: each
    message is claimed by one of them (claim_due)."""
    sender = sender or get_sender()
    sent = failed = 0
    while True:
        now_ = now or timezone.now()
        batch = claim_due(now_, batch_size, pks)
        if not batch:
            return sent, failed
        for message in batch:
            try:
                sender.send(message)
            except Exception as error:  # any failure of any sender is retried
                _record_failure(message, error, timezone.now() if now is None else now)
                failed += 1
            else:
                message.attempts += 1
                message.status = OutboxStatus.SENT
                message.sent_at = timezone.now()
                message.last_error = ""
                message.save(update_fields=["attempts", "status", "sent_at", "last_error"])
                sent += 1
        if len(batch) < batch_size:
            return sent, failed
