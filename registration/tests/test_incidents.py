"""The incident register: recorded by street staff for their own streets,
with clear errors, audited, and out of reach of other streets and roles."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from portal.models import Community, Street
from registration import roles
from registration.models import Incident, WorkKind
from registration.tests.test_backoffice_actions import HULI, JIANGTOU, staff, work

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return staff("officer_huli", roles.STREET_OFFICER, HULI)


def community(code):
    return Community.objects.filter(street__code=code).order_by("sort_order").first()


def post_data(code=HULI, **overrides):
    return {
        "occurred_on": "2026-03-05",
        "street": str(Street.objects.get(code=code).pk),
        "community": str(community(code).pk),
        "reference": "",
        "kind": WorkKind.SPORADIC,
        "incident_type": "fall",
        "severity": "minor",
        "deaths": "0",
        "injuries": "1",
        "summary": "安装空调外机时从二楼坠落，腿部骨折",
        **overrides,
    }


def incident(code=HULI, **extra):
    place = community(code)
    values = {
        "occurred_on": "2026-03-05",
        "kind": WorkKind.SPORADIC,
        "incident_type": "fall",
        "severity": "minor",
        "injuries": 1,
        "summary": "坠落",
    }
    return Incident.objects.create(street=place.street, community=place, **(values | extra))


def test_an_officer_records_an_incident_on_a_work_of_their_street(client, officer):
    registration = work(street_code=HULI)
    client.force_login(officer)
    response = client.post(
        reverse("incidents:add"), post_data(reference=registration.reference.lower(), kind=registration.kind)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    recorded = Incident.objects.get()
    assert recorded.registration == registration and recorded.recorded_by == officer
    assert ModelLogEntry.objects.filter(object_id=str(recorded.pk), action="wagtail.create", user=officer).exists()
    client.post(
        reverse("incidents:edit", args=[recorded.pk]),
        post_data(reference=registration.reference, injuries="2", kind=registration.kind),
    )
    assert ModelLogEntry.objects.filter(object_id=str(recorded.pk), action="wagtail.edit").exists()


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"community": "other-street"}, "community", "选择一个有效的选项"),
        ({"street": "other-street"}, "street", "选择一个有效的选项"),
        ({"reference": "HL-2026-999999"}, "reference", "您负责的街道没有这个登记编号的工程。"),
        ({"reference": "jiangtou-work"}, "reference", "您负责的街道没有这个登记编号的工程。"),
        ({"severity": "no_injury", "injuries": "2"}, "severity", "有人员伤亡，请选择相应的事件等级。"),
        ({"reference": "huli-work"}, "kind", "该工程登记为小散工程，请选择一致的类型。"),
        ({"summary": ""}, "summary", "必需字段"),
        ({"deaths": "-1"}, "deaths", ""),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(client, officer, overrides, field, message):
    huli_work, jiangtou_work = work(street_code=HULI), work(street_code=JIANGTOU)
    values = {
        "other-street": None,
        "jiangtou-work": jiangtou_work.reference,
        "huli-work": huli_work.reference,
    }
    data = post_data()
    for name, value in overrides.items():
        if value == "other-street":
            value = str(community(JIANGTOU).pk if name == "community" else Street.objects.get(code=JIANGTOU).pk)
        data[name] = values.get(value, value) or value
    client.force_login(officer)
    response = client.post(reverse("incidents:add"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in response.content.decode()
    assert not Incident.objects.exists()


def test_the_form_offers_only_the_users_streets(client, officer):
    client.force_login(officer)
    form = client.get(reverse("incidents:add")).context["form"]
    assert list(form.fields["street"].queryset.values_list("code", flat=True)) == [HULI]
    assert set(form.fields["community"].queryset.values_list("street__code", flat=True)) == {HULI}


def test_another_streets_incident_is_not_found(client, officer):
    theirs = incident(JIANGTOU)
    mine = incident(HULI)
    client.force_login(officer)
    listing = client.get(reverse("incidents:index"))
    assert [row.pk for row in listing.context["object_list"]] == [mine.pk]
    for name in ("edit", "delete", "inspect", "history"):
        assert client.get(reverse(f"incidents:{name}", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("incidents:delete", args=[theirs.pk])).status_code == 404
    assert Incident.objects.filter(pk=theirs.pk).exists()


def test_the_export_holds_only_the_users_streets(client, officer):
    incident(JIANGTOU, summary="江头的事件")
    incident(HULI, summary="湖里的事件")
    client.force_login(officer)
    response = client.get(reverse("incidents:index") + "?export=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "湖里的事件" in text and "江头的事件" not in text


def test_an_inspector_may_read_but_not_record(client):
    inspector = staff("inspector_huli", roles.SAFETY_INSPECTOR, HULI)
    mine = incident(HULI)
    client.force_login(inspector)
    assert client.get(reverse("incidents:index")).status_code == 200
    assert client.get(reverse("incidents:add")).status_code in (302, 403)
    assert client.post(reverse("incidents:add"), post_data()).status_code in (302, 403)
    assert client.post(reverse("incidents:edit", args=[mine.pk]), post_data(injuries="9")).status_code in (302, 403)
    assert Incident.objects.count() == 1 and Incident.objects.get().injuries == 1


def test_grid_workers_and_editors_see_no_incidents(client):
    for username, group in (("grid", roles.GRID_WORKER), ("editor", roles.CONTENT_EDITOR)):
        client.force_login(staff(username, group, HULI))
        assert client.get(reverse("incidents:index")).status_code in (302, 403)


def test_the_district_sees_every_street(client):
    district = staff("district", roles.DISTRICT_ADMIN)
    incident(HULI)
    incident(JIANGTOU)
    client.force_login(district)
    assert len(client.get(reverse("incidents:index")).context["object_list"]) == 2
