"""Attendance rules, without HTTP: the sheet views, the demo and the tests
call these functions.

Marking is an upsert on the (session, trainee) pair, one statement for the
whole batch, and only for the marks that actually change. So saving the same
sheet twice writes nothing the second time, and two trainers saving the same
sheet at once both keep their marks: neither save reads and rewrites rows
the other one changed.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from .models import Attendance, AttendanceSource, AttendanceStatus, SessionLevel, SessionStatus, Trainee
from .validation import check_trainee


class AttendanceRefused(Exception):
    """A marking the rules refuse; nothing was saved."""


@dataclass(frozen=True)
class Mark:
    status: str
    remarks: str = ""


def audience_filter(session):
    """The trainees a session is meant for: active, in its audience roles,
    and for a street-level session, of that street."""
    condition = Q(active=True, role__in=session.audience_roles.values("code"))
    if session.level == SessionLevel.STREET and session.street_id:
        condition &= Q(street_id=session.street_id)
    return condition


def sheet_trainees(session):
    """Everyone on the session's attendance sheet: its audience, plus anyone
    already marked (walk-ins, trainees who have since left). One query."""
    return (
        Trainee.objects.filter(audience_filter(session) | Q(attendances__session=session))
        .distinct()
        .select_related("street", "community")
        .order_by("street__sort_order", "street__code", "community__sort_order", "name", "pk")
    )


def attendance_by_trainee(session):
    return {record.trainee_id: record for record in Attendance.objects.filter(session=session)}


def _check_open(session):
    if session.status == SessionStatus.CANCELLED:
        raise AttendanceRefused(gettext("This session is cancelled: its attendance cannot be changed."))


def mark_attendance(session, marks, by, source=AttendanceSource.SHEET):
    """Record ``marks`` ({trainee id: Mark}) for ``session``; return the number
    of records written. Marks equal to what is stored are skipped, so the
    call is idempotent; other trainees' records are never touched."""
    _check_open(session)
    for mark in marks.values():
        if mark.status not in AttendanceStatus.values:
            raise AttendanceRefused(gettext("Choose present, late, excused or absent for every person marked."))
        if len(mark.remarks) > 200:
            raise AttendanceRefused(gettext("Remarks are limited to 200 characters."))
    with transaction.atomic():
        stored = {
            row["trainee_id"]: Mark(row["status"], row["remarks"])
            for row in Attendance.objects.filter(session=session, trainee_id__in=list(marks)).values(
                "trainee_id", "status", "remarks"
            )
        }
        now = timezone.now()
        changed = [
            Attendance(
                session=session,
                trainee_id=trainee_id,
                status=mark.status,
                remarks=mark.remarks,
                marked_by=by,
                marked_at=now,
                source=source,
            )
            for trainee_id, mark in marks.items()
            if stored.get(trainee_id) != mark
        ]
        if changed:
            # INSERT … ON CONFLICT (session, trainee) DO UPDATE: atomic per row,
            # so a concurrent save of the same row cannot fail or be lost halfway.
            Attendance.objects.bulk_create(
                changed,
                update_conflicts=True,
                unique_fields=["session", "trainee"],
                update_fields=["status", "remarks", "marked_by", "marked_at"],
            )
    return len(changed)


def add_walk_in(session, trainee, by):
    """Put a roster trainee who was not expected on the sheet, as present.
    Returns the record and whether it was created; an existing mark is kept."""
    _check_open(session)
    record, created = Attendance.objects.get_or_create(
        session=session,
        trainee=trainee,
        defaults={"status": AttendanceStatus.PRESENT, "marked_by": by, "source": AttendanceSource.WALK_IN},
    )
    return record, created


class TraineeRefused(Exception):
    """The details of a new trainee break the roster rules."""

    def __init__(self, errors):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def create_trainee(data):
    """Add a trainee after checking ``data`` with the shared roster rules."""
    values, errors = check_trainee(data)
    if errors:
        raise TraineeRefused(errors)
    try:
        with transaction.atomic():
            return Trainee.objects.create(**values)
    except IntegrityError:
        # Someone added the same number between the check and the insert.
        raise TraineeRefused({"mobile": str(Trainee._meta.get_field("mobile").error_messages["unique"])}) from None


def add_new_walk_in(session, data, by):
    """A walk-in who is not on the roster yet: add them and mark them present,
    both or neither."""
    _check_open(session)
    with transaction.atomic():
        trainee = create_trainee(data)
        record, _created = add_walk_in(session, trainee, by)
    return record
