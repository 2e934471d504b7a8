"""The evaluation figures on hand-built fixtures: every figure exact, checked
again against a direct query, for the district and for one street, with the
year-over-year change and a query count that does not grow with rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluation import figures as figures_module
from evaluation.figures import Period, figures, lines
from portal.exports import LOCAL_TZ
from registration import roles
from registration.models import (
    EnforcementReferral,
    Hazard,
    Incident,
    Inspection,
    Origin,
    Registration,
    Status,
    StatusChange,
    WorkCategory,
    WorkKind,
)
from registration.tests.test_backoffice_actions import HULI, JIANGTOU, staff, work
from training.models import (
    Attendance,
    AttendanceStatus,
    SessionStatus,
    Topic,
    Trainee,
    TraineeRole,
    TrainingSession,
)

pytestmark = pytest.mark.django_db

YEAR = 2025
PERIOD = Period.year(YEAR)


def at(month, day, year=YEAR, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=LOCAL_TZ)


def dated_work(street_code, submitted, *, kind=WorkKind.SMALL_WORK, origin=Origin.SELF, status=Status.UNDER_WAY):
    registration = work(street_code=street_code)
    category = WorkCategory.objects.filter(kind=kind).first()
    Registration.objects.filter(pk=registration.pk).update(
        submitted_at=submitted,
        kind=kind,
        category=category,
        origin=origin,
        status=status,
        planned_start=submitted.date() + datetime.timedelta(days=3),
        planned_end=submitted.date() + datetime.timedelta(days=60),
    )
    StatusChange.objects.filter(registration=registration).update(created_at=submitted)
    registration.refresh_from_db()
    return registration


def change(registration, to_status, when):
    made = StatusChange.objects.create(registration=registration, to_status=to_status, actor_label="湖里街道")
    StatusChange.objects.filter(pk=made.pk).update(created_at=when)


def inspection(registration, inspector, when):
    return Inspection.objects.create(
        registration=registration, inspector=inspector, inspected_at=when, result="hazards"
    )


def hazard(found, deadline, rectified_on=None):
    return Hazard.objects.create(
        inspection=found,
        registration=found.registration,
        category="fire",
        description="灭火器过期",
        deadline=deadline,
        rectified_on=rectified_on,
    )


def trained(street_code, role, when, status=AttendanceStatus.PRESENT, session_status=SessionStatus.HELD, n=1):
    from portal.models import Street

    topic, _ = Topic.objects.get_or_create(name="纳管业务")
    session = TrainingSession.objects.create(
        title="培训",
        topic=topic,
        starts_at=when,
        ends_at=when + datetime.timedelta(hours=2),
        venue="区建设局",
        status=session_status,
    )
    for _index in range(n):
        trainee = Trainee.objects.create(
            name=f"学员{Trainee.objects.count()}",
            role=role,
            street=Street.objects.get(code=street_code),
            mobile=f"1370000{Trainee.objects.count():04d}",
        )
        Attendance.objects.create(session=session, trainee=trainee, status=status)


def incident(registration, kind, incident_type, day, **extra):
    return Incident.objects.create(
        occurred_on=day,
        street=registration.street,
        community=registration.community,
        registration=registration,
        kind=kind,
        incident_type=incident_type,
        severity="minor",
        injuries=1,
        summary="高处坠落",
        **extra,
    )


@pytest.fixture
def people():
    return {
        "district": staff("district", roles.DISTRICT_ADMIN),
        "officer_huli": staff("officer_huli", roles.STREET_OFFICER, HULI),
        "officer_jiangtou": staff("officer_jiangtou", roles.STREET_OFFICER, JIANGTOU),
        "inspector": staff("inspector", roles.SAFETY_INSPECTOR, HULI),
    }


@pytest.fixture
def scene(people):
    """Works, inspections, hazards, changes, referrals, training and incidents in 2025 and 2024."""
    inspector = people["inspector"]
    # 2025, 湖里: a small work under way all year, a sporadic one written off in March, one found unregistered
    small = dated_work(HULI, at(1, 5))
    change(small, Status.UNDER_WAY, at(1, 6))
    sporadic = dated_work(HULI, at(2, 1), kind=WorkKind.SPORADIC, status=Status.COMPLETED)
    change(sporadic, Status.UNDER_WAY, at(2, 2))
    change(sporadic, Status.COMPLETED, at(3, 1))
    dated_work(HULI, at(6, 1), origin=Origin.FOUND, status=Status.FOUND_UNREGISTERED)
    # 2025, 江头: one work, accepted, stopped, never inspected
    jiangtou = dated_work(JIANGTOU, at(4, 1), status=Status.STOPPED)
    change(jiangtou, Status.UNDER_WAY, at(4, 2))
    change(jiangtou, Status.STOPPED, at(5, 2))
    # 2024, 湖里: one work, written off in 2024 (not under way in 2025)
    old = dated_work(HULI, at(3, 1, 2024), status=Status.COMPLETED)
    change(old, Status.UNDER_WAY, at(3, 2, 2024))
    change(old, Status.COMPLETED, at(6, 1, 2024))

    # inspections: 3 in 2025 on the small work, 1 on the sporadic one; 2 in 2024 on the old one
    first = inspection(small, inspector, at(2, 1))
    inspection(small, inspector, at(3, 1))
    inspection(small, inspector, at(12, 31, hour=23))  # late on 31 December, Xiamen time
    on_sporadic = inspection(sporadic, inspector, at(2, 10))
    old_first = inspection(old, inspector, at(4, 1, 2024))
    inspection(old, inspector, at(5, 1, 2024))
    # hazards found in 2025: on time, late, still open; one found in 2024 rectified in 2025
    hazard(first, datetime.date(YEAR, 2, 5), rectified_on=datetime.date(YEAR, 2, 4))
    hazard(first, datetime.date(YEAR, 2, 5), rectified_on=datetime.date(YEAR, 2, 9))
    hazard(on_sporadic, datetime.date(YEAR, 2, 12))
    hazard(old_first, datetime.date(2024, 12, 20), rectified_on=datetime.date(YEAR, 1, 3))
    EnforcementReferral.objects.create(
        registration=small, referred_by=people["officer_huli"], department="区执法局", reason="x", referred_at=at(3, 2)
    )
    EnforcementReferral.objects.create(
        registration=old,
        referred_by=people["officer_huli"],
        department="区执法局",
        reason="x",
        referred_at=at(5, 2, 2024),
    )
    # training: 3 grid workers of 湖里 present, 1 late inspector of 江头, an absentee and a planned session not counted
    trained(HULI, TraineeRole.GRID_WORKER, at(4, 10), n=3)
    trained(JIANGTOU, TraineeRole.SAFETY_INSPECTOR, at(4, 11), status=AttendanceStatus.LATE)
    trained(HULI, TraineeRole.GRID_WORKER, at(4, 12), status=AttendanceStatus.ABSENT)
    trained(HULI, TraineeRole.GRID_WORKER, at(4, 13), session_status=SessionStatus.PLANNED)
    trained(HULI, TraineeRole.STREET_OFFICER, at(4, 10, 2024), n=2)
    # incidents: 2025 a fall on the small work, a fall on the sporadic one; 2024 two falls and a mechanical injury
    incident(small, WorkKind.SMALL_WORK, "fall", datetime.date(YEAR, 3, 3))
    incident(sporadic, WorkKind.SPORADIC, "fall", datetime.date(YEAR, 2, 15), deaths=1)
    incident(old, WorkKind.SMALL_WORK, "fall", datetime.date(2024, 4, 3))
    incident(old, WorkKind.SMALL_WORK, "fall", datetime.date(2024, 4, 4))
    incident(old, WorkKind.SMALL_WORK, "mechanical", datetime.date(2024, 4, 5))
    return {"small": small, "sporadic": sporadic, "jiangtou": jiangtou, "old": old}


def test_every_figure_for_the_district(people, scene):
    result = figures(people["district"], PERIOD)
    assert result.works == 4
    assert result.works_by_kind == {WorkKind.SMALL_WORK: 3, WorkKind.SPORADIC: 1}
    assert (result.self_registered, result.found_unregistered, result.registration_rate) == (3, 1, 75.0)
    assert result.inspections == 4
    assert (result.hazards_found, result.hazards_found_rectified, result.hazards_found_on_time) == (3, 2, 1)
    assert result.rectification_rate == 66.7 and result.on_time_rate == 33.3
    assert result.hazards_rectified == 3  # two found in 2025, one found in 2024
    # under way in 2025: the small, the sporadic (until March) and 江头's; inspected: the first two
    assert (result.works_under_way, result.works_inspected, result.coverage) == (3, 2, 66.7)
    assert (result.write_offs, result.stop_work_orders, result.referrals) == (1, 1, 1)
    assert result.person_times == 4
    assert result.person_times_by_role == {TraineeRole.GRID_WORKER: 3, TraineeRole.SAFETY_INSPECTOR: 1}
    assert result.incidents == 2 and (result.deaths, result.injuries) == (1, 2)
    assert result.incidents_by_type_and_kind == {("fall", WorkKind.SMALL_WORK): 1, ("fall", WorkKind.SPORADIC): 1}


def test_the_figures_reconcile_with_direct_queries(people, scene):
    result = figures(people["district"], PERIOD)
    start, end = PERIOD.start, PERIOD.end
    assert result.works == Registration.objects.filter(submitted_at__gte=start, submitted_at__lt=end).count()
    assert result.inspections == Inspection.objects.filter(inspected_at__gte=start, inspected_at__lt=end).count()
    assert result.hazards_rectified == Hazard.objects.filter(rectified_on__year=YEAR).count()
    assert (
        result.hazards_found
        == Hazard.objects.filter(inspection__inspected_at__gte=start, inspection__inspected_at__lt=end).count()
    )
    assert (
        result.write_offs
        == StatusChange.objects.filter(to_status=Status.COMPLETED, created_at__gte=start, created_at__lt=end).count()
    )
    assert result.referrals == EnforcementReferral.objects.filter(referred_at__gte=start, referred_at__lt=end).count()
    assert result.incidents == Incident.objects.filter(occurred_on__year=YEAR).count()
    assert (
        result.person_times
        == Attendance.objects.filter(
            status__in=("present", "late"),
            session__status="held",
            session__starts_at__gte=start,
            session__starts_at__lt=end,
        ).count()
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the kept tables are PostgreSQL's (triggers)")
def test_the_kept_tables_give_the_figures_the_records_give(people, scene, monkeypatch):
    """InspectionTally, WorkActivity and StatusTally against the counts of the rows they keep."""
    roles_ = ("district", "officer_huli", "officer_jiangtou")
    periods = (PERIOD, PERIOD.year_before(), Period(datetime.date(YEAR, 3, 1), datetime.date(YEAR, 3, 31)))
    kept = [figures(people[role], period) for role in roles_ for period in periods]
    monkeypatch.setattr(figures_module, "tallies_kept", lambda: False)
    assert [figures(people[role], period) for role in roles_ for period in periods] == kept


def test_a_street_officer_gets_their_street_only(people, scene):
    huli = figures(people["officer_huli"], PERIOD)
    jiangtou = figures(people["officer_jiangtou"], PERIOD)
    assert (huli.works, jiangtou.works) == (3, 1)
    assert (huli.inspections, jiangtou.inspections) == (4, 0)
    assert (huli.stop_work_orders, jiangtou.stop_work_orders) == (0, 1)
    assert (huli.person_times, jiangtou.person_times) == (3, 1)
    assert (huli.incidents, jiangtou.incidents) == (2, 0)
    # asking for another street's figures gives nothing of it
    from portal.models import Street

    assert figures(people["officer_huli"], PERIOD, [Street.objects.get(code=JIANGTOU).pk]).works == 0


def test_the_district_can_narrow_to_chosen_streets(people, scene):
    from portal.models import Street

    jiangtou = figures(people["district"], PERIOD, [Street.objects.get(code=JIANGTOU).pk])
    assert (jiangtou.works, jiangtou.inspections, jiangtou.person_times, jiangtou.works_under_way) == (1, 0, 1, 1)


def test_year_over_year_lines(people, scene):
    current = figures(people["district"], PERIOD)
    previous = figures(people["district"], PERIOD.year_before())
    assert (previous.works, previous.inspections, previous.write_offs, previous.person_times) == (1, 2, 1, 2)
    by_label = {line.label: line for line in lines(current, previous)}
    works = by_label["登记工程"]
    assert (works.value, works.previous, works.change) == (4, 1, 300.0)
    incidents = by_label["安全事件"]
    assert (incidents.value, incidents.previous, incidents.change) == (2, 3, -33.3)
    # a rate changes by percentage points
    coverage = by_label["巡查覆盖率（%）"]
    assert coverage.previous == 100.0 and coverage.change == -33.3


def test_a_period_on_29_february_compares_with_28_february():
    period = Period(datetime.date(2024, 2, 29), datetime.date(2024, 2, 29))
    assert period.year_before() == Period(datetime.date(2023, 2, 28), datetime.date(2023, 2, 28))


def test_the_queries_do_not_grow_with_rows(people, scene):
    def count():
        with CaptureQueriesContext(connection) as queries:
            figures(people["district"], PERIOD)
        return len(queries)

    count()  # the user's groups and streets are read once, then cached on the user
    before = count()
    for month in range(1, 11):
        more = dated_work(HULI, at(month, 20))
        change(more, Status.UNDER_WAY, at(month, 21))
        hazard(inspection(more, people["inspector"], at(month, 22)), datetime.date(YEAR, month, 25))
        incident(more, WorkKind.SMALL_WORK, "electric_shock", datetime.date(YEAR, month, 23))
    assert count() == before
    assert before <= 15


def test_a_withdrawn_work_is_registered_but_not_in_the_registration_rate(people, scene):
    dated_work(HULI, at(6, 1), kind=WorkKind.SPORADIC, origin=Origin.FOUND, status=Status.WITHDRAWN)
    result = figures(people["district"], PERIOD)
    assert result.works == 5 and result.works_by_kind == {WorkKind.SMALL_WORK: 3, WorkKind.SPORADIC: 2}
    assert (result.self_registered, result.found_unregistered, result.registration_rate) == (3, 1, 75.0)
