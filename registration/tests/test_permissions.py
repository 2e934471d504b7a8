"""The permission matrix: every role × every back-office view × own/other street.

Requests from the wrong side are refused (login redirect, 403 or 404) and
no list, count, search, export or download shows another street's works.
"""

import csv
import io

import openpyxl
import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from registration.backoffice.permissions import can_view_registration, scope_registrations, user_streets
from registration.models import Attachment, Registration
from registration.tests.staff import HULI, JIANGTOU, staff, works  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

# role -> (streets whose works it sees, may edit)
EXPECTED = {
    "anonymous": (set(), False),
    "editor": (set(), False),
    "inspector_huli": ({HULI}, False),
    "officer_huli": ({HULI}, True),
    "officer_jiangtou": ({JIANGTOU}, True),
    "district_admin": ({HULI, JIANGTOU}, True),
    "superuser": ({HULI, JIANGTOU}, True),
}


def refused(response, anonymous):
    if anonymous:
        return response.status_code == 302 and "/admin/login/" in response["Location"]
    if response.status_code == 302:
        return "/admin/works/" not in response["Location"]  # Wagtail sends refused users to the dashboard
    return response.status_code in (403, 404)


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_references(response):
    text = body(response).decode("utf-8-sig")
    return {row[0] for row in list(csv.reader(io.StringIO(text)))[1:]}


def xlsx_references(response):
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    return {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}


@pytest.fixture(params=list(EXPECTED))
def role(request, client, staff, works):
    name = request.param
    if name != "anonymous":
        client.force_login(staff[name])
    visible, may_edit = EXPECTED[name]
    return {
        "name": name,
        "client": client,
        "anonymous": name == "anonymous",
        "visible": {works[code].reference for code in visible},
        "hidden": {work.reference for code, work in works.items() if code not in visible},
        "own": [works[code] for code in sorted(visible)],
        "other": [work for code, work in works.items() if code not in visible],
        "may_edit": may_edit,
    }


def test_list_search_and_filters_show_only_own_streets(role):
    client = role["client"]
    for query in ["", "?q=路", "?q=湖里", "?q=江头", "?overdue_hazards=yes", "?status=submitted"]:
        response = client.get(reverse("works:index") + query)
        if not role["visible"]:
            assert refused(response, role["anonymous"]), query
            continue
        assert response.status_code == 200, query
        page = response.content.decode()
        for reference in role["hidden"]:
            assert reference not in page, (query, reference)
        if query in ("", "?q=路", "?overdue_hazards=yes", "?status=submitted"):
            for reference in role["visible"]:
                assert reference in page, (query, reference)


def test_another_streets_filter_value_leaks_nothing(role, works):
    if not role["visible"]:
        return
    for work in role["other"]:
        response = role["client"].get(reverse("works:index"), {"street": work.street_id})
        assert work.reference not in response.content.decode()


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_exports_contain_exactly_own_streets(role, export_format):
    response = role["client"].get(reverse("works:index"), {"export": export_format, "q": "路"})
    if not role["visible"]:
        assert refused(response, role["anonymous"])
        return
    assert response.status_code == 200
    references = csv_references(response) if export_format == "csv" else xlsx_references(response)
    assert references == role["visible"]


def test_detail_edit_history_and_attachment(role):
    client = role["client"]
    for work in role["own"]:
        assert client.get(reverse("works:inspect", args=[work.pk])).status_code == 200
        attachment = Attachment.objects.get(registration=work)
        response = client.get(reverse("registration_attachment", args=[attachment.pk]))
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        assert body(response).endswith(work.street.code.encode())
        edit = client.get(reverse("works:edit", args=[work.pk]))
        assert edit.status_code == 200 if role["may_edit"] else refused(edit, role["anonymous"])
        # the history (办理记录) is for everyone who may see the work, not only editors
        assert client.get(reverse("works:history", args=[work.pk])).status_code == 200
        assert client.get(reverse("works:usage", args=[work.pk])).status_code == 200
        hazard = work.hazards.get()
        assert client.get(reverse("registration_hazard_photo", args=[hazard.pk, "found"])).status_code == 404  # none
    for work in role["other"]:
        attachment = Attachment.objects.get(registration=work)
        for url in [
            reverse("works:inspect", args=[work.pk]),
            reverse("works:edit", args=[work.pk]),
            reverse("works:history", args=[work.pk]),
            reverse("works:usage", args=[work.pk]),
            reverse("works:delete", args=[work.pk]),
            reverse("registration_attachment", args=[attachment.pk]),
            reverse("registration_attachment", args=[attachment.pk]) + "?size=thumb",
            reverse("registration_hazard_photo", args=[work.hazards.get().pk, "found"]) + "?size=thumb",
        ]:
            response = client.get(url)
            assert refused(response, role["anonymous"]), url
            assert work.reference not in response.content.decode() if not response.streaming else True
        post = client.post(reverse("works:edit", args=[work.pk]), {"address": "篡改"})
        assert refused(post, role["anonymous"])
        assert Registration.objects.get(pk=work.pk).address != "篡改"


def test_dashboard_counts_only_own_streets(role):
    response = role["client"].get(reverse("wagtailadmin_home"))
    if role["anonymous"]:
        assert refused(response, True)
        return
    assert response.status_code == 200
    panels = response.context["panels"]
    summary = [panel for panel in panels if panel.name == "works_summary"]
    if not role["visible"]:
        assert not summary
        return
    context = summary[0].get_context_data({})
    assert context["total"] == len(role["visible"])
    assert context["overdue_hazards"] == len(role["visible"])


def test_rules_module(staff, works):
    assert user_streets(AnonymousUser()) == frozenset()
    assert user_streets(staff["superuser"]) is None
    assert user_streets(staff["district_admin"]) is None
    assert user_streets(staff["editor"]) == frozenset()
    officer = staff["officer_huli"]
    assert list(scope_registrations(Registration.objects.all(), officer)) == [works[HULI]]
    assert can_view_registration(officer, works[HULI])
    assert not can_view_registration(officer, works[JIANGTOU])
    assert not can_view_registration(staff["editor"], works[HULI])
