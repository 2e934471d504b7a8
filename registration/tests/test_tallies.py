"""The daily tallies that PostgreSQL's triggers keep, of inspections
(migration 0016) and of status changes (0023): after inserts, bulk inserts,
updates, deletes and a work moving street, they agree with a count of the
rows themselves."""

import datetime

import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate

from portal.exports import LOCAL_TZ
from portal.models import Street
from registration.kept import rebuild
from registration.models import Inspection, InspectionTally, Registration, Status, StatusChange, StatusTally
from registration.tests.staff import HULI, JIANGTOU, make_work, staff  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the tallies are kept by PostgreSQL triggers"),
]


def counted():
    rows = (
        Inspection.objects.annotate(day=TruncDate("inspected_at", tzinfo=LOCAL_TZ))
        .values_list("registration__street_id", "day")
        .annotate(n=Count("pk"))
    )
    return {(street, day): n for street, day, n in rows}


def tallied():
    rows = InspectionTally.objects.exclude(inspections=0).values_list("street_id", "day").annotate(n=Sum("inspections"))
    return {(street, day): n for street, day, n in rows}


def test_tallies_follow_every_change(staff):
    inspector = staff["inspector_huli"]
    huli, jiangtou = make_work(HULI), make_work(JIANGTOU)
    late = datetime.datetime(2025, 3, 1, 23, 30, tzinfo=LOCAL_TZ)  # 15:30 UTC: the day is Xiamen's
    Inspection.objects.create(registration=huli, inspector=inspector, inspected_at=late, result="no_hazard")
    Inspection.objects.bulk_create(
        Inspection(
            registration=work, inspector=inspector, inspected_at=late + datetime.timedelta(hours=h), result="no_hazard"
        )
        for work in (huli, jiangtou)
        for h in range(3)
    )
    assert tallied() == counted()
    assert tallied()[(huli.street_id, datetime.date(2025, 3, 1))] == 2

    Inspection.objects.filter(registration=jiangtou).update(inspected_at=late - datetime.timedelta(days=40))
    Inspection.objects.filter(pk=Inspection.objects.filter(registration=huli).order_by("pk")[0].pk).delete()
    assert tallied() == counted()

    Registration.objects.filter(pk=huli.pk).update(street=Street.objects.get(code=JIANGTOU))
    assert tallied() == counted()
    assert not any(street == huli.street_id for street, _day in tallied())
    huli.delete()
    assert tallied() == counted()


def counted_changes():
    rows = (
        StatusChange.objects.annotate(day=TruncDate("created_at", tzinfo=LOCAL_TZ))
        .values_list("registration__street_id", "day", "to_status")
        .annotate(n=Count("pk"))
    )
    return {(street, day, status): n for street, day, status, n in rows}


def tallied_changes():
    rows = (
        StatusTally.objects.exclude(changes=0).values_list("street_id", "day", "to_status").annotate(n=Sum("changes"))
    )
    return {(street, day, status): n for street, day, status, n in rows}


def test_status_tallies_follow_every_change(staff):
    huli, jiangtou = make_work(HULI), make_work(JIANGTOU)
    late = datetime.datetime(2025, 3, 1, 23, 30, tzinfo=LOCAL_TZ)  # 15:30 UTC: the day is Xiamen's
    StatusChange.objects.bulk_create(
        StatusChange(registration=work, to_status=status, actor_label="湖里街道")
        for work in (huli, jiangtou)
        for status in (Status.UNDER_WAY, Status.STOPPED, Status.UNDER_WAY, Status.COMPLETED)
    )
    StatusChange.objects.filter(to_status__in=(Status.STOPPED, Status.COMPLETED)).update(created_at=late)
    assert tallied_changes() == counted_changes()
    assert tallied_changes()[(huli.street_id, datetime.date(2025, 3, 1), Status.COMPLETED)] == 1

    StatusChange.objects.filter(registration=jiangtou, to_status=Status.STOPPED).update(to_status=Status.WITHDRAWN)
    StatusChange.objects.filter(registration=huli, to_status=Status.COMPLETED).delete()
    assert tallied_changes() == counted_changes()

    Registration.objects.filter(pk=huli.pk).update(street=Street.objects.get(code=JIANGTOU))
    assert tallied_changes() == counted_changes()
    assert not any(street == huli.street_id for street, _day, _status in tallied_changes())
    StatusTally.objects.update(changes=0)
    rebuild(StatusTally._meta.db_table)  # after a restore
    assert tallied_changes() == counted_changes()
    huli.delete()
    assert tallied_changes() == counted_changes()
