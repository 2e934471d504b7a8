"""The works list: filters, Chinese search, ledger export and the detail view,
each in a bounded number of queries."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.widgets import Button

from registration import services
from registration.models import HighRiskOperation, Registration, Status
from registration.tests.staff import HULI, JIANGTOU, add_overdue_hazard, make_work, staff, works  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

UTC_TIME = datetime.datetime(2026, 3, 1, 16, 30, tzinfo=datetime.UTC)  # 2026-03-02 00:30 in Xiamen


@pytest.fixture
def officer_client(client, staff):
    client.force_login(staff["officer_huli"])
    return client


def listed(client, **params):
    response = client.get(reverse("works:index"), params)
    assert response.status_code == 200
    return {work.reference for work in response.context["object_list"]}


def test_filters(officer_client, staff):
    pending = make_work(HULI, address="湖里区兴隆路1号", high_risk_operations=[])
    under_way = make_work(
        HULI,
        address="湖里区兴隆路2号",
        kind="sporadic",
        high_risk_operations=list(HighRiskOperation.objects.filter(code="height")),
    )
    services.change_status(under_way, Status.UNDER_WAY, by=staff["officer_huli"])
    Registration.objects.filter(pk=pending.pk).update(submitted_at=UTC_TIME)
    add_overdue_hazard(under_way, staff["inspector_huli"])

    assert listed(officer_client, status="submitted") == {pending.reference}
    assert listed(officer_client, status="under_way") == {under_way.reference}
    assert listed(officer_client, overdue_hazards="yes") == {under_way.reference}
    assert listed(officer_client, overdue_hazards="no") == {pending.reference}
    assert listed(officer_client, submitted_at_from="2026-03-02", submitted_at_to="2026-03-02") == {pending.reference}
    assert listed(officer_client, high_risk_operations=HighRiskOperation.objects.get(code="height").pk) == {
        under_way.reference
    }
    assert listed(officer_client, community=pending.community_id) == {pending.reference, under_way.reference}


def test_street_filter_offers_only_own_streets(officer_client, works):
    form = officer_client.get(reverse("works:index")).context["filters"].form
    assert [street.code for street in form.fields["street"].queryset] == [HULI]
    assert {c.street.code for c in form.fields["community"].queryset} == {HULI}


def test_search_by_chinese_substring_reference_and_names(officer_client, works):
    huli = works[HULI]
    assert listed(officer_client, q="华昌") == {huli.reference}
    assert listed(officer_client, q="陈湖") == {huli.reference}
    assert listed(officer_client, q=huli.reference[-6:]) == {huli.reference}
    assert listed(officer_client, q="示例装饰") == {huli.reference}
    assert listed(officer_client, q="江头花园") == set()


def test_csv_export_has_bom_chinese_text_and_local_times(officer_client, works):
    Registration.objects.filter(pk=works[HULI].pk).update(submitted_at=UTC_TIME)
    response = officer_client.get(reverse("works:index"), {"export": "csv", "status": "submitted"})
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    assert len(rows) == 2
    record = dict(zip(header, row))
    assert row[0] == works[HULI].reference
    assert "湖里区华昌路88号湖里小区" in row
    assert "湖里街道" in row
    assert "2026-03-02 00:30" in row
    assert record[header[0]] == works[HULI].reference


def test_xlsx_export_has_chinese_text_and_local_times(officer_client, works):
    Registration.objects.filter(pk=works[HULI].pk).update(submitted_at=UTC_TIME)
    response = officer_client.get(reverse("works:index"), {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert "湖里区华昌路88号湖里小区" in rows[1]
    assert datetime.datetime(2026, 3, 2, 0, 30) in rows[1]


def test_detail_shows_history_hazards_and_attachments(officer_client, works, staff):
    work = works[HULI]
    services.change_status(work, Status.RETURNED, by=staff["officer_huli"], reason="请补充合同")
    response = officer_client.get(reverse("works:inspect", args=[work.pk]))
    page = response.content.decode()
    for text in ["湖里区华昌路88号湖里小区", "请补充合同", "灭火器过期", "现场照片.jpg", 'id="works-detail"']:
        assert text in page, text


def test_detail_shows_buttons_from_the_actions_hook(officer_client, works):
    def accept_button(request, registration):
        return [Button("ACCEPT-THIS-WORK", url=f"/admin/accept/{registration.pk}/")]

    with hooks.register_temporarily("register_registration_actions", accept_button):
        page = officer_client.get(reverse("works:inspect", args=[works[HULI].pk])).content.decode()
    assert "ACCEPT-THIS-WORK" in page and f"/admin/accept/{works[HULI].pk}/" in page


def make_many(count, staff):
    for index in range(count):
        work = make_work(HULI if index % 2 else JIANGTOU, address=f"湖里区测试路{index}号")
        add_overdue_hazard(work, staff["superuser"])


@pytest.mark.parametrize("user", ["officer_huli", "district_admin"])
@pytest.mark.parametrize(
    "params",
    [{}, {"status": "submitted", "overdue_hazards": "yes"}, {"q": "测试路"}],
    ids=["list", "filtered", "search"],
)
def test_list_queries_do_not_grow_with_rows(client, staff, user, params, django_assert_max_num_queries):
    client.force_login(staff[user])
    make_many(5, staff)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("works:index"), params)
    make_many(55, staff)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("works:index"), params)
    assert len(response.context["object_list"]) >= 25


def test_a_page_is_cut_before_its_works_meet_their_street_community_and_category(client, staff):
    """Joined in the page's query, a search matching many works was planned
    as nested loops over every match (bench/README.md); fetched apart, the
    page's query reads the works' table alone."""
    client.force_login(staff["district_admin"])
    make_many(3, staff)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("works:index"), {"q": "测试路"})
    listed = '"registration_registration"."reference"'
    page = [query["sql"] for query in queries if listed in query["sql"] and "ORDER BY" in query["sql"]]
    assert len(page) == 1 and "JOIN" not in page[0]
    assert "湖里街道 · " in response.content.decode()  # the street and community, fetched for the page


def test_detail_queries_are_bounded(officer_client, staff, django_assert_max_num_queries):
    work = make_work(HULI)
    for _hazard in range(10):
        add_overdue_hazard(work, staff["inspector_huli"])
    with django_assert_max_num_queries(30):
        assert officer_client.get(reverse("works:inspect", args=[work.pk])).status_code == 200


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_exports_never_carry_a_formula(officer_client, works, export_format):
    """OWASP CSV injection: text a registrant typed is written as text."""
    Registration.objects.filter(pk=works[HULI].pk).update(address='=HYPERLINK("http://evil.example","点此")')
    response = officer_client.get(reverse("works:index"), {"export": export_format, "status": "submitted"})
    raw = b"".join(response.streaming_content)
    if export_format == "csv":
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert '\'=HYPERLINK("http://evil.example","点此")' in rows[1]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(raw)).active
        cells = [cell for cell in next(sheet.iter_rows(min_row=2, max_row=2)) if "HYPERLINK" in str(cell.value)]
        assert cells and all(cell.data_type == "s" for cell in cells)


def test_search_matches_like_icontains_for_every_length(client, staff):
    """One, two and more characters, any case; never across two fields (the
    index of search.py on PostgreSQL narrows, icontains decides)."""
    client.force_login(staff["district_admin"])
    first = make_work(HULI, address="湖里区枋湖北二路8号Abc", owner_name="陈一")
    second = make_work(
        JIANGTOU, address="江头街道吕岭路66号", owner_name="王二", contractor_name="厦门鑫盛装饰工程有限公司"
    )
    assert listed(client, q="陈") == {first.reference}
    assert listed(client, q="二") == {first.reference, second.reference}
    assert listed(client, q="二路") == {first.reference}
    assert listed(client, q="枋湖北") == {first.reference}
    assert listed(client, q="aBC") == {first.reference}
    assert listed(client, q="bc湖") == set()
    assert listed(client, q=second.reference.lower()) == {second.reference}
    # the end of the address and the start of the owner's name are not one text
    assert listed(client, q="号陈") == set()
    assert listed(client, q="鑫盛装饰") == {second.reference}


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_export_queries_do_not_grow_with_rows(officer_client, staff, export_format, django_assert_max_num_queries):
    """The ledger export streams in chunks (portal.exports.EXPORT_CHUNK): no query per row."""
    height = list(HighRiskOperation.objects.all()[:2])

    def export():
        response = officer_client.get(reverse("works:index"), {"export": export_format})
        raw = b"".join(response.streaming_content)
        if export_format == "csv":
            return len(list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))) - 1
        return openpyxl.load_workbook(io.BytesIO(raw)).active.max_row - 1

    for index in range(3):
        add_overdue_hazard(
            make_work(HULI, address=f"湖里区测试路{index}号", high_risk_operations=height), staff["superuser"]
        )
    with django_assert_max_num_queries(30) as few:
        assert export() == 3
    for index in range(40):
        make_work(HULI, address=f"湖里区测试路{index}号", high_risk_operations=height)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert export() == 43
