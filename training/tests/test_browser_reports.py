"""The reports in a real browser: a district administrator at tablet width
filters the person-times by year, groups them by street, reads the right
numbers, downloads the XLSX export and goes on to the absentees, the
compliance list and a trainee's history; a 湖里 street officer on a phone
sees only 湖里. axe-core checks every page visited."""

import pytest
from openpyxl import load_workbook

from .conftest import HULI, PASSWORD
from .report_data import counted, report_data  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser]

REPORTS = "/admin/training/reports/"


def log_in(page, base, username):
    page.goto(base + "/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(base + "/admin/")


def table_rows(page):
    """The report table as text: (row heading, numbers…) per body row."""
    return [
        (row.locator("th").inner_text().strip(), [int(cell.strip()) for cell in row.locator("td").all_inner_texts()])
        for row in page.locator("#report-table tbody tr").all()
    ]


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def expected_by_street(year):
    truth = counted(year)
    streets = truth.order_by("trainee__street__sort_order").values_list("trainee__street__name", flat=True).distinct()
    return [
        (
            name,
            [
                counted(year, trainee__street__name=name).count(),
                counted(year, trainee__street__name=name).values("trainee").distinct().count(),
            ],
        )
        for name in streets
    ]


def test_district_admin_filters_groups_and_exports(report_data, live_server, tablet_page, assert_accessible, tmp_path):
    page, base = tablet_page, live_server.url
    log_in(page, base, "district_admin")
    page.goto(base + REPORTS)
    assert page.locator("h1").first.is_visible()
    assert_accessible(page)

    page.locator("#id_year").fill("2026")
    page.locator("#id_group_by").select_option("street")
    page.locator("form.training-report-filters button[type=submit]").click()
    page.wait_for_url("**group_by=street**")
    assert "year=2026" in page.url

    expected = expected_by_street(2026)
    assert table_rows(page) == expected
    total = counted(2026)
    footer = [int(text) for text in page.locator("#report-table tfoot td").all_inner_texts()]
    assert footer == [total.count(), total.values("trainee").distinct().count()]
    assert fits(page)
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.locator("[data-report-export]").click()
    download = download_info.value
    assert download.suggested_filename.startswith("person-times-") and download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    sheet = load_workbook(saved).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert [(row[0], row[1:]) for row in rows[1:-1]] == expected
    assert rows[-1][1:] == footer
    assert "湖里街道" in {row[0] for row in rows}

    # on to the other reports through the tabs
    page.locator(".training-report-tabs a[href$='/absentees/']").click()
    page.wait_for_url("**/absentees/")
    assert page.locator("#report-table tbody tr").count() > 0
    assert fits(page)
    assert_accessible(page)

    page.locator(".training-report-tabs a[href$='/compliance/']").click()
    page.wait_for_url("**/compliance/")
    never_trained = report_data.trainees["hg3"]
    assert page.locator("#report-table tbody tr").first.locator("th").inner_text().strip() == never_trained.name
    assert_accessible(page)

    page.locator(f"#report-table a:text-is('{never_trained.name}')").click()
    page.wait_for_url(f"**/trainees/{never_trained.pk}/")
    assert_accessible(page)

    trained = report_data.trainees["hg1"]
    page.locator(".training-report-tabs a[href$='/trainees/']").click()
    page.wait_for_url("**/trainees/")
    page.locator("#trainee-q").fill(trained.name)
    page.locator("#trainee-q").press("Enter")
    page.wait_for_url("**q=**")
    assert_accessible(page)
    page.locator(f"a:text-is('{trained.name}')").click()
    page.wait_for_url(f"**/trainees/{trained.pk}/")
    assert page.locator("#report-table tbody tr").count() == trained.attendances.count()
    assert_accessible(page)


def test_street_officer_on_a_phone_sees_only_their_street(report_data, live_server, phone_page, assert_accessible):
    page, base = phone_page, live_server.url
    log_in(page, base, "officer_huli")
    page.goto(base + REPORTS + "?year=2026&group_by=street")
    assert table_rows(page) == [row for row in expected_by_street(2026) if row[0] == "湖里街道"]
    assert "江头" not in page.content()
    assert counted(2026, trainee__street__code=HULI).count() == table_rows(page)[0][1][0]
    assert fits(page)
    assert_accessible(page)
    page.goto(base + REPORTS + "compliance/?year=2026")
    assert "江头" not in page.content()
    assert fits(page)
    assert_accessible(page)
