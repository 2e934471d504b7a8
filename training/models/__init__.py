"""Training and attendance: the roster of trainees, topics, sessions, the
attendance records, the unknown-number requests of the self check-in, and
the public training calendar page.

Rules (marking, import, scoping) live in services.py, roster/importing.py and
permissions.py; the models only describe the data and its invariants. Each
module here imports its siblings, never this package, so there is no circle.
"""

from .checkin import *  # noqa: F403
from .pages import *  # noqa: F403
from .roster import *  # noqa: F403
from .sessions import *  # noqa: F403
