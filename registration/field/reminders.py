"""Hazard deadlines followed up: a message to the owner and the contractor
the day before a hazard must be put right, and another once the deadline
has passed. Each is sent once per hazard (reminded_at, overdue_notified_at),
so running the command again, or twice at once, sends nothing more.

The street officers' list of hazards due and overdue is the hazards view
(backoffice/hazards.py); the inspectors' round puts overdue ones first.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from ..backoffice.actions import ACTIVE
from ..backoffice.notifications import message_body, queue_message
from ..models import Hazard

BATCH = 500


def _days_before():
    return getattr(settings, "HAZARD_REMINDER_DAYS_BEFORE", 1)


def _recipients(registration):
    """The owner and whoever registered, and the contractor's site manager."""
    mobiles = [*registration.contact_mobiles, registration.site_manager_mobile]
    return [mobile for mobile in dict.fromkeys(mobiles) if mobile]


def _news(hazard, overdue):
    values = {"category": hazard.get_category_display(), "date": f"{hazard.deadline:%Y-%m-%d}"}
    if overdue:
        return gettext("the hazard “%(category)s” was due to be put right by %(date)s and is overdue") % values
    return gettext("the hazard “%(category)s” must be put right by %(date)s") % values


def _notify(queryset, stamp_field, overdue, now):
    """Queue one message per hazard of ``queryset`` not yet stamped, and stamp it, row by row locked."""
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                queryset.filter(**{f"{stamp_field}__isnull": True})
                .select_related("registration")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")[:BATCH]
            )
            if not batch:
                return sent
            for hazard in batch:
                work = hazard.registration
                queue_message(work, message_body(work.reference, news=_news(hazard, overdue)), _recipients(work))
                setattr(hazard, stamp_field, now)
            Hazard.objects.bulk_update(batch, [stamp_field])
            sent += len(batch)


def send_hazard_reminders(now=None):
    """Queue the reminders due now; returns (before the deadline, overdue) counts."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    open_hazards = Hazard.objects.open().filter(registration__status__in=ACTIVE)
    soon = open_hazards.filter(deadline__gte=today, deadline__lte=today + datetime.timedelta(days=_days_before()))
    overdue = open_hazards.filter(deadline__lt=today)
    return _notify(soon, "reminded_at", False, now), _notify(overdue, "overdue_notified_at", True, now)
