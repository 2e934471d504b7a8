"""Browser test of issue 15's journey: an officer opens the dashboard, changes
the period, opens the evaluation figures, prints and exports them; a street
officer sees only their street's figures. axe-core on every page."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from evaluation.figures import Period, figures
from portal.models import Community
from registration import roles
from registration.models import Incident, WorkKind
from registration.tests.test_backoffice_actions import HULI, JIANGTOU, staff
from registration.tests.test_browser_backoffice import log_in

pytestmark = [pytest.mark.browser]


@pytest.fixture
def officer(demo_site):
    cache.clear()
    user = staff("eval_officer", roles.STREET_OFFICER, HULI)
    user.set_password("bo-pass-123")
    user.save()
    today = datetime.date.today()
    for code, kind in ((HULI, WorkKind.SPORADIC), (JIANGTOU, WorkKind.SMALL_WORK), (JIANGTOU, WorkKind.SMALL_WORK)):
        place = Community.objects.filter(street__code=code).first()
        Incident.objects.create(
            occurred_on=today.replace(day=1),
            street=place.street,
            community=place,
            kind=kind,
            incident_type="fall",
            severity="minor",
            injuries=1,
            summary="外墙作业坠落",
        )
    yield user
    cache.clear()


def test_an_officer_reads_prints_and_exports_the_figures(
    officer, live_server, desktop_page, assert_accessible, tmp_path
):
    base, page = live_server.url, desktop_page
    log_in(page, base, "eval_officer")
    assert page.locator("#evaluation-today").is_visible()
    # every chart is drawn (Chart.js keeps an instance per canvas)
    page.wait_for_function(
        "() => window.Chart && [...document.querySelectorAll('canvas[data-evaluation-chart]')]"
        ".every((canvas) => window.Chart.getChart(canvas))"
    )
    assert page.locator("#evaluation-charts figure").count() == 5
    assert_accessible(page)

    # changing the period redraws the charts for it
    page.locator("#evaluation-period").select_option("24m")
    page.wait_for_url("**period=24m**")
    assert page.locator("#evaluation-period").input_value() == "24m"
    rows = page.locator("#chart-inspections table tbody tr").count()
    assert rows >= 24

    # the evaluation figures: this year, 湖里 only
    page.locator('a[href="/admin/evaluation/"]').first.click()
    page.wait_for_url("**/admin/evaluation/")
    streets = page.locator("#id_streets").inner_text()
    assert "湖里街道" in streets and "江头街道" not in streets
    page.locator("form.evaluation-form button[type=submit]").click()
    page.wait_for_load_state()
    table = page.locator("#evaluation-table")
    assert table.is_visible()
    expected = figures(officer, Period(datetime.date(datetime.date.today().year, 1, 1), datetime.date.today()))
    incidents_row = table.locator("tbody tr", has_text="安全事件").first.locator("td").first.inner_text()
    assert int(incidents_row) == expected.incidents == 1  # 江头's two are not counted
    assert_accessible(page)

    # print: a standalone A4 page
    with page.expect_popup() as popup_info:
        page.locator("a", has_text="打印（A4）").click()
    printed = popup_info.value
    printed.wait_for_load_state()
    assert printed.locator("#evaluation-table").is_visible()
    assert printed.locator("button[data-print]").is_visible()
    assert_accessible(printed)
    printed.close()

    # export: the same table as XLSX
    with page.expect_download() as download_info:
        page.locator("a", has_text="下载 XLSX").click()
    path = tmp_path / "figures.xlsx"
    download_info.value.save_as(path)
    rows = list(load_workbook(path).worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("指标", "本期", "上年同期", "同比")
    assert ("安全事件", "1") in [(row[0], str(row[1])) for row in rows]
    assert reverse("evaluation:figures")
