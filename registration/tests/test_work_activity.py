"""The WorkActivity rows that PostgreSQL's triggers keep (migration 0019):
after works, status changes and inspections are created, bulk-created,
edited, deleted or moved, each row agrees with the work's own records."""

import datetime

import pytest
from django.db import connection
from django.db.models import Min, Q
from django.db.models.functions import TruncDate

from portal.exports import LOCAL_TZ
from portal.models import Street
from registration.models import Inspection, Registration, Status, StatusChange, WorkActivity
from registration.tests.staff import HULI, JIANGTOU, make_work, staff  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="WorkActivity is kept by PostgreSQL triggers"),
]
ENDED = (Status.COMPLETED, Status.WITHDRAWN)


def inspected_days(activity):
    """The days in a row's datemultirange, as a set of dates."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d::date FROM registration_workactivity w, unnest(w.inspected_days) AS r, "
            "generate_series(lower(r), upper(r) - 1, interval '1 day') AS d WHERE w.registration_id = %s",
            [activity.pk],
        )
        return {row[0] for row in cursor.fetchall()}


def kept():
    return {
        row.pk: (row.street_id, row.planned_start, row.accepted_at, row.ended_at, inspected_days(row))
        for row in WorkActivity.objects.all()
    }


def counted():
    works = Registration.objects.annotate(
        accepted=Min("status_changes__created_at", filter=Q(status_changes__to_status=Status.UNDER_WAY)),
        ended=Min("status_changes__created_at", filter=Q(status_changes__to_status__in=ENDED)),
    )
    days = {}
    for work, day in Inspection.objects.annotate(day=TruncDate("inspected_at", tzinfo=LOCAL_TZ)).values_list(
        "registration_id", "day"
    ):
        days.setdefault(work, set()).add(day)
    return {w.pk: (w.street_id, w.planned_start, w.accepted, w.ended, days.get(w.pk, set())) for w in works}


def at(day, hour=10):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LOCAL_TZ)


def test_rows_follow_every_change(staff):
    inspector = staff["inspector_huli"]
    huli, jiangtou = make_work(HULI), make_work(JIANGTOU)
    assert kept() == counted()
    assert kept()[huli.pk][2] is None  # submitted, not accepted yet

    first = datetime.date(2025, 3, 1)
    StatusChange.objects.bulk_create(
        StatusChange(registration=work, from_status=frm, to_status=to)
        for work, frm, to in (
            (huli, Status.SUBMITTED, Status.UNDER_WAY),
            (jiangtou, Status.SUBMITTED, Status.UNDER_WAY),
            (jiangtou, Status.UNDER_WAY, Status.COMPLETED),
        )
    )
    assert kept() == counted()
    # created_at is set on insert: backdate them (an update of status changes)
    StatusChange.objects.filter(to_status=Status.UNDER_WAY).update(created_at=at(first))
    StatusChange.objects.filter(to_status=Status.COMPLETED).update(created_at=at(first + datetime.timedelta(days=30)))
    assert kept() == counted()
    assert kept()[huli.pk][2] == at(first)

    late = datetime.datetime(2025, 3, 1, 23, 30, tzinfo=LOCAL_TZ)  # 15:30 UTC: the day is Xiamen's
    Inspection.objects.create(registration=huli, inspector=inspector, inspected_at=late, result="no_hazard")
    Inspection.objects.bulk_create(
        Inspection(
            registration=work, inspector=inspector, inspected_at=late + datetime.timedelta(days=d), result="no_hazard"
        )
        for work in (huli, jiangtou)
        for d in (0, 1, 5)
    )
    assert kept() == counted()
    assert inspected_days(WorkActivity.objects.get(pk=huli.pk)) == {
        first,
        first + datetime.timedelta(days=1),
        first + datetime.timedelta(days=5),
    }

    # an edit, a deletion, an earlier acceptance, a withdrawn write-off
    Inspection.objects.filter(registration=jiangtou).update(inspected_at=late - datetime.timedelta(days=40))
    Inspection.objects.filter(registration=huli, inspected_at__gt=late + datetime.timedelta(days=2)).delete()
    StatusChange.objects.filter(registration=huli).update(created_at=at(first - datetime.timedelta(days=3)))
    StatusChange.objects.filter(registration=jiangtou, to_status=Status.COMPLETED).delete()
    assert kept() == counted()
    assert kept()[jiangtou.pk][3] is None

    # a work moved to another street, re-planned, then deleted
    Registration.objects.filter(pk=huli.pk).update(street=Street.objects.get(code=JIANGTOU))
    huli.refresh_from_db()
    huli.planned_start = datetime.date(2025, 2, 1)
    huli.save()
    assert kept() == counted()
    huli.delete()
    assert kept() == counted()
    assert set(kept()) == {jiangtou.pk}


def test_a_status_change_through_the_service_is_kept(staff):
    from registration import services

    work = make_work(HULI)
    services.change_status(work, Status.UNDER_WAY, by=staff["officer_huli"])
    row = WorkActivity.objects.get(pk=work.pk)
    assert row.accepted_at == work.status_changes.get(to_status=Status.UNDER_WAY).created_at
    assert kept() == counted()
