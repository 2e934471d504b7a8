"""Retention (PIPL): trainees who left the roster (inactive) and attended
nothing for ``TRAINEE_RETENTION_YEARS`` years lose their name, mobile number
and organisation; their attendance records stay, with role and street, so
person-times and every report keep their figures. Check-in requests decided
that long ago are deleted. Run daily by ``manage.py anonymise_expired``.
"""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .models import Attendance, CheckinRequest, RequestStatus, Trainee

ANONYMISED = "（已匿名）"


def due(now=None):
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=365 * settings.TRAINEE_RETENTION_YEARS)
    recent = Attendance.objects.filter(trainee=OuterRef("pk"), marked_at__gte=cutoff)
    return Trainee.objects.filter(active=False, anonymised_at__isnull=True, created_at__lt=cutoff).exclude(
        Exists(recent)
    )


def anonymise_due(now=None):
    """Anonymise every trainee due and delete old decided requests; returns how many trainees."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=365 * settings.TRAINEE_RETENTION_YEARS)
    count = 0
    for pk in due(now).values_list("pk", flat=True).iterator():
        # The mobile must stay unique and can never match a real number (they start with 1).
        # anonymised_at: a concurrent run may have done this one already.
        count += Trainee.objects.filter(pk=pk, anonymised_at__isnull=True).update(
            name=ANONYMISED, mobile=f"x{pk}", organisation="", anonymised_at=now
        )
    CheckinRequest.objects.filter(~Q(status=RequestStatus.PENDING), decided_at__lt=cutoff).delete()
    return count
