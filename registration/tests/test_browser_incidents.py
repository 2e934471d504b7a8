"""Browser test of issue 15's back-office records at phone width: a street
officer records an incident (a mistake first, then fixed), finds it in the
register, reads a contractor's record; an officer of another street cannot
open the incident. axe-core on every page."""

import datetime

import pytest
from django.urls import reverse

from registration import roles
from registration.models import Incident, Registration
from registration.tests.test_backoffice_actions import HULI, JIANGTOU, staff
from registration.tests.test_browser_backoffice import log_in

pytestmark = [pytest.mark.browser]


@pytest.fixture
def officers(demo_site):
    users = {}
    for name, code in (("inc_huli", HULI), ("inc_jiangtou", JIANGTOU)):
        user = staff(name, roles.STREET_OFFICER, code)
        user.set_password("bo-pass-123")
        user.save()
        users[code] = user
    return users


def test_an_officer_records_an_incident_and_reads_a_contractors_record(
    officers, live_server, phone_page, desktop_page, assert_accessible
):
    base, page = live_server.url, phone_page
    log_in(page, base, "inc_huli")
    page.goto(base + reverse("incidents:add"))
    assert_accessible(page)

    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    page.locator("#id_occurred_on").fill(yesterday.isoformat())
    page.locator("#id_street").select_option(label="湖里街道")
    page.locator("#id_community").select_option(index=1)
    page.locator("#id_kind").select_option("sporadic")
    page.locator("#id_incident_type").select_option("fall")
    page.locator("#id_severity").select_option("no_injury")
    page.locator("#id_injuries").fill("1")
    page.locator("#id_summary").fill("安装空调外机时从二楼坠落，左腿骨折")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    # someone was hurt but "no injury" was chosen: a clear error, nothing saved
    assert page.get_by_text("有人员伤亡，请选择相应的事件等级。").is_visible()
    assert not Incident.objects.filter(summary__startswith="安装空调外机").exists()
    assert page.locator("#id_summary").input_value() == "安装空调外机时从二楼坠落，左腿骨折"
    assert_accessible(page)

    page.locator("#id_severity").select_option("minor")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**" + reverse("incidents:index"))
    incident = Incident.objects.get(summary__startswith="安装空调外机")
    assert (incident.street.code, incident.injuries, incident.recorded_by.username) == (HULI, 1, "inc_huli")
    assert page.locator("table").get_by_text("高处坠落").first.is_visible()
    assert_accessible(page)

    # a contractor's record: from the list to one contractor's page
    page.goto(base + reverse("registration_parties:index", args=["contractor"]))
    assert_accessible(page)
    page.locator("main table tbody a").first.click()
    page.wait_for_url("**/admin/parties/contractor/*/")
    assert page.locator("h1").is_visible()
    assert_accessible(page)

    # 江头's officer cannot open 湖里's incident, nor see it listed
    other = desktop_page
    log_in(other, base, "inc_jiangtou")
    answer = other.goto(base + reverse("incidents:edit", args=[incident.pk]))
    assert answer.status == 404
    other.goto(base + reverse("incidents:index"))
    assert other.get_by_text("安装空调外机").count() == 0
    assert Registration.objects.exists()
