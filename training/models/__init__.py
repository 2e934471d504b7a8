"""Training and attendance: the roster of trainees, topics, sessions, the
attendance records, the unknown-number requests of the self check-in, and
the public training calendar page.

Rules (marking, import, scoping) live in services.py, roster/importing.py and
permissions.py; the models only describe the data and its invariants. Each
module here imports its siblings, never this package, so there is no circle.
"""

from .checkin import CheckinRequest, RequestStatus
from .pages import TrainingCalendarPage
from .roster import Trainee, TraineeRole
from .sessions import (
    ATTENDED,
    CHECKIN_ALPHABET,
    CHECKIN_CODE_LENGTH,
    Attendance,
    AttendanceSource,
    AttendanceStatus,
    AudienceRole,
    SessionLevel,
    SessionStatus,
    Topic,
    TrainingSession,
    TrainingSettings,
    new_checkin_code,
)

__all__ = [
    "ATTENDED",
    "CHECKIN_ALPHABET",
    "CHECKIN_CODE_LENGTH",
    "Attendance",
    "AttendanceSource",
    "AttendanceStatus",
    "AudienceRole",
    "CheckinRequest",
    "RequestStatus",
    "SessionLevel",
    "SessionStatus",
    "Topic",
    "Trainee",
    "TraineeRole",
    "TrainingCalendarPage",
    "TrainingSession",
    "TrainingSettings",
    "new_checkin_code",
]
