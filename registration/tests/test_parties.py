"""The records of contractors and property companies: exact counts and
demerit points, the star-rating export, street scoping and bounded queries."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from registration import parties, roles
from registration.models import DemeritSettings, Hazard, Incident, Inspection, Registration, Status, StatusChange
from registration.tests.test_backoffice_actions import HULI, JIANGTOU, staff, work

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def with_property_company(registration, name="厦门鹭岛物业服务有限公司"):
    Registration.objects.filter(pk=registration.pk).update(property_company_name=name)
    registration.refresh_from_db()
    return registration


@pytest.fixture
def scene():
    inspector = staff("inspector", roles.SAFETY_INSPECTOR, HULI)
    first, second = work(street_code=HULI), work(street_code=HULI)
    other = work(street_code=JIANGTOU)  # same contractor, another street
    with_property_company(first)
    with_property_company(other)
    found = Inspection.objects.create(registration=first, inspector=inspector, result="hazards")
    Inspection.objects.create(registration=second, inspector=inspector, result="no_hazard")
    common = {"inspection": found, "registration": first, "description": "x"}
    Hazard.objects.create(category="fall_protection", deadline=TODAY, rectified_on=TODAY, **common)  # on time: 3
    late = TODAY - datetime.timedelta(days=5)
    Hazard.objects.create(category="fire", deadline=late, rectified_on=TODAY, **common)  # late: 3 + 2
    Hazard.objects.create(category="other", deadline=late, **common)  # overdue: 1 + 2
    StatusChange.objects.create(registration=first, to_status=Status.STOPPED, actor_label="湖里街道")  # 5
    Incident.objects.create(
        occurred_on=TODAY,
        street=first.street,
        community=first.community,
        registration=first,
        kind=first.kind,
        incident_type="fall",
        severity="minor",
        injuries=1,
        summary="坠落",
    )  # 10
    return {"first": first, "second": second, "other": other}


def test_a_contractors_record_is_exact(scene):
    officer = staff("officer", roles.STREET_OFFICER, HULI)
    from registration.backoffice.permissions import scope_registrations

    works = scope_registrations(Registration.objects.all(), officer)
    (record,) = parties.records(works, parties.CONTRACTOR)
    assert (record.works, record.inspections, record.hazards, record.rectified, record.rectified_on_time) == (
        2,
        2,
        3,
        2,
        1,
    )
    assert (record.overdue, record.stop_work_orders, record.incidents) == (1, 1, 1)
    assert record.demerits == 3 + (3 + 2) + (1 + 2) + 5 + 10
    assert record.on_time_rate == 50.0
    # the district sees the same contractor's work in 江头 too
    assert parties.records(Registration.objects.all(), parties.CONTRACTOR)[0].works == 3


def test_demerit_points_follow_the_setting(scene):
    settings = DemeritSettings.load()
    settings.fire, settings.late = 10, 0
    settings.save()
    (record,) = parties.records(Registration.objects.filter(street__code=HULI), parties.CONTRACTOR)
    assert record.demerits == 3 + 10 + 1 + 5 + 10


def test_the_pages_for_an_officer(client, scene):
    client.force_login(staff("officer", roles.STREET_OFFICER, HULI))
    listing = client.get(reverse("registration_parties:index", args=["contractor"]))
    assert listing.status_code == 200
    assert "厦门示例装饰工程有限公司" in listing.content.decode()
    detail = client.get(reverse("registration_parties:detail", args=["contractor", scene["first"].pk]))
    text = detail.content.decode()
    assert detail.status_code == 200 and scene["second"].reference in text and scene["other"].reference not in text
    # another street's work as the key: 404
    assert client.get(reverse("registration_parties:detail", args=["contractor", scene["other"].pk])).status_code == 404
    assert client.get(reverse("registration_parties:index", args=["nobody"])).status_code == 404


def test_the_star_rating_export_lists_the_property_companies_of_the_street(client, scene):
    client.force_login(staff("officer", roles.STREET_OFFICER, HULI))
    response = client.get(reverse("registration_parties:index", args=["property_company"]), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "物业服务企业" and rows[0][-1] == "扣分"
    assert rows[1][0] == "厦门鹭岛物业服务有限公司" and rows[1][1] == 1  # only the 湖里 work
    assert len(rows) == 2


@pytest.mark.parametrize("group", [roles.GRID_WORKER, roles.CONTENT_EDITOR])
def test_roles_without_the_works_are_refused(client, scene, group):
    client.force_login(staff("someone", group, HULI))
    assert client.get(reverse("registration_parties:index", args=["contractor"])).status_code == 403


def test_the_list_costs_the_same_queries_whatever_the_rows(client, scene):
    client.force_login(staff("officer", roles.STREET_OFFICER, HULI))
    url = reverse("registration_parties:index", args=["contractor"])
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    for index in range(6):
        extra = work(street_code=HULI)
        Registration.objects.filter(pk=extra.pk).update(contractor_uscc=f"9135020{index}MA2XXXXX0{index}")
    assert count() == before
