"""Retention: inactive trainees with no attendance for TRAINEE_RETENTION_YEARS
lose name, mobile and organisation; their attendance (and so every figure) stays."""

import datetime

import pytest
from django.db.models import Count
from django.utils import timezone

from training import retention
from training.models import Attendance, AttendanceStatus, Trainee

from .conftest import HULI, make_session, make_trainee

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - datetime.timedelta(days=365 * 3 + 30)


def person_times():
    return sorted(
        Attendance.objects.values_list("trainee__role", "trainee__street_id", "status").annotate(n=Count("pk"))
    )


def test_exactly_the_trainees_due_are_anonymised_and_person_times_stay(people):
    session = make_session([people["trainer_a"]])
    gone = make_trainee(HULI, name="李离职", active=False)
    recent_attender = make_trainee(HULI, name="王新近", active=False)
    active = make_trainee(HULI, name="陈在职")
    Trainee.objects.filter(pk__in=[gone.pk, recent_attender.pk, active.pk]).update(created_at=LONG_AGO)
    Attendance.objects.create(session=session, trainee=gone, status=AttendanceStatus.PRESENT, marked_at=LONG_AGO)
    Attendance.objects.create(session=session, trainee=recent_attender, status=AttendanceStatus.PRESENT)
    Attendance.objects.create(session=session, trainee=active, status=AttendanceStatus.LATE, marked_at=LONG_AGO)
    before = person_times()

    assert retention.anonymise_due() == 1

    assert person_times() == before
    gone.refresh_from_db()
    assert gone.name == retention.ANONYMISED and gone.mobile == f"x{gone.pk}" and gone.anonymised_at
    for kept in (recent_attender, active):
        kept.refresh_from_db()
        assert kept.anonymised_at is None and kept.name in ("王新近", "陈在职")
    assert retention.anonymise_due() == 0


def test_the_check_in_page_states_the_period(client, people, settings):
    from .checkin_support import timed_session

    settings.TRAINEE_RETENTION_YEARS = 2
    session = timed_session([people["trainer_a"]], 10)
    html = client.get(f"/training/checkin/{session.checkin_code}/").content.decode()
    assert "data-privacy-notice" in html and "2 年" in html
