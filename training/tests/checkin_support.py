"""Sessions placed in time for the check-in tests: every test passes ``now``
into the rules, or creates the session relative to the real clock."""

import datetime

from django.utils import timezone

from training.models import CheckinRequest, TraineeRole

from .conftest import HULI, make_session, street

MINUTE = datetime.timedelta(minutes=1)


def timed_session(trainers, starts_in_minutes, *, length_minutes=120, base=None, **extra):
    """A session starting ``starts_in_minutes`` after ``base`` (default: now),
    with the default window: opens 30 minutes before, late after 15."""
    base = base or timezone.now()
    venue = extra.pop("venue", None)
    session = make_session(trainers, **extra)
    session.starts_at = base + starts_in_minutes * MINUTE
    session.ends_at = session.starts_at + length_minutes * MINUTE
    session.venue = venue or session.venue
    session.save(update_fields=["starts_at", "ends_at", "venue"])
    return session


def join_data(**overrides):
    """What an unknown number types into the request form."""
    data = {
        "name": "新学员",
        "mobile": "13705920001",
        "role": TraineeRole.GRID_WORKER,
        "street": street(HULI),
        "community": None,
        "organisation": "湖里社区居委会",
    }
    data.update(overrides)
    return data


def pending_count(session=None):
    queryset = CheckinRequest.objects.filter(status="pending")
    return queryset.filter(session=session).count() if session else queryset.count()


def join_post(**overrides):
    """The same, as the browser posts it."""
    data = join_data(**overrides)
    return {
        **data,
        "street": data["street"].pk if data["street"] else "",
        "community": data["community"].pk if data["community"] else "",
    }
