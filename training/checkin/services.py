"""Self check-in, without HTTP: a trainee scans the session's QR code (or
types its short code), enters their mobile number and is marked present, or
late after the grace period. The public views (views.py), the admin views
(admin.py), the demo and the tests call these functions.

The rules, decided here and tested in tests/test_checkin.py:

- The window runs from ``starts_at - checkin_opens_minutes_before`` until
  ``ends_at`` (both ends included). Outside it no mobile number is looked up
  and nothing is written.
- Checking in after ``starts_at + late_after_minutes`` marks the trainee late.
- A self check-in only ever *creates* a record. When the pair already has
  one (an earlier check-in, or any mark a trainer set: present, late,
  excused, even absent) it stays exactly as it is and the trainee is told
  what it says. So a second check-in changes nothing and a trainer's mark
  is never overwritten, even by a check-in racing the trainer's save.
- A check-in needs the mobile number *and* the name on the roster: a
  guesser has numbers, not names. Only *active* trainees check in. A
  wrong name, an unknown number and an inactive entry all answer the same
  (UNKNOWN): the person may ask to be added, and the trainer's confirmation
  makes an inactive entry active again.
- A trainee outside the session's audience (another role or street) may
  check in: they were in the room, and the attendance sheet lists everyone
  marked. For the same reason the capacity never refuses a check-in.
- A cancelled session refuses check-ins and requests.
"""

import datetime
import enum
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from portal.validators import normalise_mobile, validate_mobile

from ..models import (
    CHECKIN_ALPHABET,
    CHECKIN_CODE_LENGTH,
    Attendance,
    AttendanceSource,
    AttendanceStatus,
    CheckinRequest,
    RequestStatus,
    SessionStatus,
    Trainee,
    TrainingSession,
)
from ..services import TraineeRefused, create_trainee
from ..validation import check_trainee


class Outcome(enum.StrEnum):
    PRESENT = "present"
    LATE = "late"
    ALREADY = "already"  # a record existed: nothing changed
    UNKNOWN = "unknown"  # no active trainee has this number: they may ask to be added
    NOT_OPEN = "not_open"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    WRONG_CODE = "wrong_code"
    INVALID_MOBILE = "invalid_mobile"


# The outcomes that wrote a new attendance record.
RECORDED = (Outcome.PRESENT, Outcome.LATE)


@dataclass(frozen=True)
class CheckinResult:
    outcome: Outcome
    session: TrainingSession | None = None
    record: Attendance | None = None  # the new record, or the existing one for ALREADY
    mobile: str = ""  # normalised, for the request form of an unknown number


class RequestRefused(TraineeRefused):
    """A request to be added that the rules refuse; ``errors`` maps a field
    name (or ``"__all__"``) to one message. Nothing was saved."""


# --- codes and windows -------------------------------------------------------


def normalise_code(value):
    """What people type from a poster: lower case, spaces, a hyphen in the
    middle, full-width letters from a Chinese input method."""
    text = unicodedata.normalize("NFKC", value or "").upper()
    return "".join(char for char in text if not char.isspace() and char not in "-_－")


def normalise_typed_mobile(value):
    """A mobile number as typed, full-width digits included, in the roster's spelling."""
    return normalise_mobile(unicodedata.normalize("NFKC", value or ""))


def find_session(code):
    """The session with this check-in code, or None. A string that cannot be
    a code costs no query."""
    code = normalise_code(code)
    if len(code) != CHECKIN_CODE_LENGTH or any(char not in CHECKIN_ALPHABET for char in code):
        return None
    return TrainingSession.objects.select_related("topic", "street").filter(checkin_code=code).first()


def opens_at(session):
    return session.starts_at - datetime.timedelta(minutes=session.checkin_opens_minutes_before)


def late_after(session):
    """Check-ins after this moment are late."""
    return session.starts_at + datetime.timedelta(minutes=session.late_after_minutes)


def window_refusal(session, now):
    """Why a check-in at ``now`` is refused (CANCELLED, NOT_OPEN or CLOSED), or None while it is open."""
    if session.status == SessionStatus.CANCELLED:
        return Outcome.CANCELLED
    if now < opens_at(session):
        return Outcome.NOT_OPEN
    if now > session.ends_at:
        return Outcome.CLOSED
    return None


def status_at(session, moment):
    return AttendanceStatus.LATE if moment > late_after(session) else AttendanceStatus.PRESENT


def record_if_absent(session, trainee, status, *, at, by=None):
    """Create the pair's record as a self check-in unless one exists; return
    ``(record, created)``. Unlike services.mark_attendance (an upsert, right
    for the trainer's sheet) this never changes an existing row:
    get_or_create inserts, and when a concurrent save won the race it reads
    that row back instead."""
    return Attendance.objects.get_or_create(
        session=session,
        trainee=trainee,
        defaults={"status": status, "marked_by": by, "marked_at": at, "source": AttendanceSource.SELF_CHECKIN},
    )


# --- checking in ---------------------------------------------------------------


def same_name(typed, on_roster):
    """Names as people type them: full-width letters, spaces and the middle
    dot of minority names (·, •) do not matter."""

    def plain(name):
        return "".join(
            char for char in unicodedata.normalize("NFKC", name or "") if not char.isspace() and char not in "·•."
        )

    return bool(plain(typed)) and plain(typed).casefold() == plain(on_roster).casefold()


def check_in(session_code, mobile, name, now=None):
    """Check the trainee with this mobile number *and* this name in to the
    session with ``session_code`` at ``now`` (default: the current time).

    A guesser has numbers, not the names that go with them: a number that is
    not on the roster and a number with another name get the same answer
    (UNKNOWN), so the answer never tells whether a number is on the roster."""
    now = now or timezone.now()
    session = find_session(session_code)
    if session is None:
        return CheckinResult(Outcome.WRONG_CODE)
    if refusal := window_refusal(session, now):
        return CheckinResult(refusal, session)
    mobile = normalise_typed_mobile(mobile)
    try:
        validate_mobile(mobile)
    except ValidationError:
        return CheckinResult(Outcome.INVALID_MOBILE, session)
    trainee = Trainee.objects.filter(mobile=mobile, active=True).first()
    if trainee is None or not same_name(name, trainee.name):
        return CheckinResult(Outcome.UNKNOWN, session, mobile=mobile)
    status = status_at(session, now)
    record, created = record_if_absent(session, trainee, status, at=now)
    if not created:
        return CheckinResult(Outcome.ALREADY, session, record, mobile)
    return CheckinResult(Outcome(status), session, record, mobile)


# --- unknown numbers: the request to be added ------------------------------------


def request_to_join(session, name, mobile, role, street, community=None, organisation="", now=None):
    """Ask, during the session's check-in window, to be added to the roster
    and checked in. Returns ``(request, created)``: a second request for the
    same session and number while one is pending returns that one.

    The details are checked with the roster's rules (validation.py), except
    that a number already on the roster is accepted, active or not: refusing
    it would tell a guesser the number is there. The trainer sees the
    roster's entry when confirming (confirming reactivates an inactive one).
    """
    now = now or timezone.now()
    if refusal := window_refusal(session, now):
        raise RequestRefused({"__all__": refusal_message(session, refusal)})
    values, errors = check_trainee(
        {
            "name": name,
            "mobile": normalise_typed_mobile(mobile),
            "role": role,
            "street": street,
            "community": community,
            "organisation": organisation,
        },
        mobile_taken=lambda mobile: False,
    )
    if errors:
        raise RequestRefused(errors)
    pending = CheckinRequest.objects.filter(session=session, mobile=values["mobile"], status=RequestStatus.PENDING)
    if existing := pending.first():
        return existing, False
    try:
        with transaction.atomic():
            return CheckinRequest.objects.create(session=session, **values), True
    except IntegrityError:  # the same number asked at the same moment
        return pending.get(), False


def confirm_request(request, by, now=None):
    """The trainer confirms that the person was there: find the trainee by
    number (making an inactive entry active) or add them to the roster, and
    record them present or late as of the moment they asked. An existing
    record of the pair is kept, as for any self check-in. Returns
    ``(record, created)``; raises RequestRefused when the request was decided
    already or the session is cancelled, and then nothing changes."""
    now = now or timezone.now()
    with transaction.atomic():
        request = _lock_pending(request)
        session = request.session
        if session.status == SessionStatus.CANCELLED:
            raise RequestRefused({"__all__": refusal_message(session, Outcome.CANCELLED)})
        trainee = Trainee.objects.filter(mobile=request.mobile).first()
        if trainee is None:
            trainee = create_trainee(
                {
                    "name": request.name,
                    "mobile": request.mobile,
                    "role": request.role,
                    "street": request.street,
                    "community": request.community,
                    "organisation": request.organisation,
                }
            )
        elif not trainee.active:
            trainee.active = True
            trainee.save(update_fields=["active"])
        record, created = record_if_absent(
            session, trainee, status_at(session, request.created_at), at=request.created_at, by=by
        )
        _decide(request, RequestStatus.CONFIRMED, by, now, trainee=trainee)
    return record, created


def reject_request(request, by, now=None):
    """The person was not there, or is not one of the trainees: nothing is
    added; the request keeps who decided and when."""
    with transaction.atomic():
        request = _lock_pending(request)
        _decide(request, RequestStatus.REJECTED, by, now or timezone.now())
    return request


def _lock_pending(request):
    """The request's row, locked, so two trainers cannot both decide it."""
    # No select_related: PostgreSQL cannot lock the nullable side of an outer join (the community).
    locked = CheckinRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != RequestStatus.PENDING:
        raise RequestRefused(
            {"__all__": gettext("This request was already %(decision)s.") % {"decision": locked.get_status_display()}}
        )
    return locked


def _decide(request, status, by, now, trainee=None):
    request.status, request.decided_by, request.decided_at = status, by, now
    fields = ["status", "decided_by", "decided_at"]
    if trainee is not None:
        request.trainee = trainee
        fields.append("trainee")
    request.save(update_fields=fields)


# --- wording shared by the pages ---------------------------------------------------


def refusal_message(session, outcome):
    local = timezone.localtime
    if outcome == Outcome.CANCELLED:
        return gettext("This session has been cancelled.")
    if outcome == Outcome.NOT_OPEN:
        return gettext("Check-in has not opened yet. It opens at %(time)s.") % {
            "time": f"{local(opens_at(session)):%Y-%m-%d %H:%M}"
        }
    if outcome == Outcome.CLOSED:
        return gettext("Check-in has closed: the session ended at %(time)s.") % {
            "time": f"{local(session.ends_at):%Y-%m-%d %H:%M}"
        }
    raise ValueError(outcome)


def masked_name(name):
    """张** : enough for a trainee to see it is them, little for anyone else."""
    name = (name or "").strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""
