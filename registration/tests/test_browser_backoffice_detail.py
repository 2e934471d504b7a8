"""Issue 10 in a real browser at phone width: photos on a work's page, a
write-off with an override reason seen in the history and the ledger, the
dashboard's overdue count, and the works list as cards that fit the phone."""

import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from registration.models import Hazard, Registration, Status
from registration.tests.test_browser_backoffice import (
    answer_the_checklist,
    detail,
    fits_the_phone,
    follow,
    log_in,
    people,
    submit,
)  # noqa: F401
from registration.tests.test_forms import image_bytes

pytestmark = [pytest.mark.browser]

# Latin words that may stand in a Chinese back office: file types, the reference prefix.
LATIN_ALLOWED = {"JPG", "PNG", "PDF", "XLSX", "CSV", "MB", "HL"}


def english_words(page, logins=("bo_inspector", "bo_officer")):
    """Words of English in the page's main content (there should be none),
    leaving out the staff logins the tests made."""
    text = page.locator("main").inner_text()
    for login in logins:
        text = text.replace(login, "")
    return sorted({word for word in re.findall(r"[A-Za-z]{2,}", text) if word not in LATIN_ALLOWED})


def overdue_on_dashboard(page, base):
    page.goto(base + "/admin/")
    return int(page.locator('#works-summary tr[data-status="overdue"] td').inner_text())


def test_photos_write_off_override_history_and_ledger_on_a_phone(
    people, live_server, phone_page, chromium, assert_accessible, tmp_path
):
    first, _second = people
    base = live_server.url
    Registration.objects.filter(pk=first.pk).update(status=Status.UNDER_WAY)
    photo = tmp_path / "hazard.jpg"
    photo.write_bytes(image_bytes("JPEG"))

    # the inspector records two hazards, each with its photo
    inspector = phone_page
    log_in(inspector, base, "bo_inspector")
    inspector.goto(detail(base, first))
    follow(inspector, f"/works/{first.pk}/inspect/new/")
    inspector.locator('input[name="result"][value="hazards"]').check()
    answer_the_checklist(inspector)
    deadline = inspector.locator("#id_hazards-0-deadline").get_attribute("min")
    inspector.locator("#id_hazards-0-category").select_option("fall_protection")
    inspector.locator("#id_hazards-0-description").fill("三楼临边无防护栏杆")
    inspector.locator("#id_hazards-0-photo").set_input_files(str(photo))
    inspector.locator("#id_hazards-0-deadline").fill(deadline)
    inspector.locator("#id_hazards-1-category").select_option("temporary_power")
    inspector.locator("#id_hazards-1-description").fill("电线拖地未架空")
    inspector.locator("#id_hazards-1-photo").set_input_files(str(photo))
    inspector.locator("#id_hazards-1-deadline").fill(deadline)
    submit(inspector)
    inspector.wait_for_url(detail(base, first))
    fall, power = Hazard.objects.filter(registration=first).order_by("pk")

    # and later the rectification of the first, with a photo
    follow(inspector, f"/works/{first.pk}/hazards/{fall.pk}/rectify/")
    inspector.locator("#id_photo").set_input_files(str(photo))
    submit(inspector)
    inspector.wait_for_url(detail(base, first))
    inspector.context.close()

    # a week passes: the second hazard is overdue
    Hazard.objects.filter(pk=power.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=2))

    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", timezone_id="Asia/Shanghai")
    officer = context.new_page()
    log_in(officer, base, "bo_officer")
    before = overdue_on_dashboard(officer, base)
    assert before >= 1

    # the officer sees both thumbnails, who recorded and who verified
    officer.goto(detail(base, first))
    hazard_card = officer.locator(f"#hazard-{fall.pk}")
    thumbnails = hazard_card.locator("a.works-photo img")
    assert thumbnails.count() == 2
    for index in range(2):
        thumbnail = thumbnails.nth(index)
        thumbnail.scroll_into_view_if_needed()
        officer.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
    assert hazard_card.inner_text().count("bo_inspector") == 2  # recorded by, verified by
    assert fits_the_phone(officer)
    assert english_words(officer) == []
    assert_accessible(officer)

    # the full-size photo opens through the permission check
    full = officer.request.get(base + hazard_card.locator("a.works-photo").first.get_attribute("href"))
    assert full.status == 200 and full.headers["content-type"] == "image/jpeg"

    # write-off: refused without a reason while a hazard is open, then with the reason
    follow(officer, f"/works/{first.pk}/write-off/")
    submit(officer)
    assert officer.locator("#form-errors").is_visible()
    assert_accessible(officer)
    officer.locator("#id_override_reason").fill("业主已自行拆除临时线路，现场停止作业")
    submit(officer)
    officer.wait_for_url(detail(base, first))
    assert Registration.objects.get(pk=first.pk).status == Status.COMPLETED
    assert "未整改，已随核销关闭" in officer.locator(f"#hazard-{power.pk}").inner_text()
    assert "业主已自行拆除临时线路" in officer.locator("#works-status-history").inner_text()

    # the history says who, when and why
    officer.locator("#works-history-link").click()
    officer.wait_for_url(f"**/admin/works/history/{first.pk}/")
    history = officer.locator("main").inner_text()
    assert "业主已自行拆除临时线路，现场停止作业" in history and "bo_officer" in history
    assert timezone.localdate().isoformat() in history
    assert fits_the_phone(officer)
    assert_accessible(officer)

    # the ledger has the reason, and the dashboard no longer counts the hazard as overdue
    ledger = officer.request.get(base + reverse("works:index") + "?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(ledger.body())).active
    row = next(row for row in sheet.iter_rows(values_only=True) if row[0] == first.reference)
    assert "业主已自行拆除临时线路，现场停止作业" in row
    assert overdue_on_dashboard(officer, base) == before - 1
    assert_accessible(officer)
    context.close()


def test_the_works_list_fits_a_phone_and_reads_dates_as_dates(people, live_server, phone_page, assert_accessible):
    first, second = people
    base = live_server.url
    page = phone_page
    log_in(page, base, "bo_officer")
    page.goto(base + reverse("works:index"))
    table = page.locator("table.works-ledger")
    assert table.is_visible()
    widths = page.evaluate("""() => {
        const table = document.querySelector('table.works-ledger');
        return {page: document.documentElement.scrollWidth, table: table.scrollWidth,
                box: table.parentElement.clientWidth, viewport: window.innerWidth};
    }""")
    assert widths["page"] <= widths["viewport"] + 1 and widths["table"] <= widths["box"] + 1, widths
    card = page.locator("table.works-ledger tbody tr", has_text=first.reference)
    text = card.inner_text()
    start = card.locator('td[data-label="计划开工日期"]')
    assert start.inner_text().strip() == first.planned_start.isoformat()
    assert "计划开工日期" in start.evaluate("(td) => getComputedStyle(td, '::before').content")  # the card's label
    assert first.address in text and "待受理" in text
    assert card.locator('td[data-label="未整改隐患"]').inner_text().strip() == "0"
    assert "之前" not in text and "之后" not in text
    # what the phone leaves out is on the work's page
    assert not card.locator(".works-col--desk").first.is_visible()
    # the filters are reachable: the filter button opens them, and a status filter narrows the list
    page.goto(base + reverse("works:index") + "?status=submitted")
    pending = Registration.objects.filter(street__code="350206001", status=Status.SUBMITTED).count()
    assert page.locator("table.works-ledger tbody tr").count() == pending >= 2
    assert fits_the_phone(page)
    assert english_words(page) == []
    assert_accessible(page)


def test_paper_registration_communities_follow_the_street_and_errors_name_the_field(
    people, live_server, phone_page, assert_accessible
):
    from portal.models import Community

    page = phone_page
    base = live_server.url
    page.goto(base + "/admin/login/")
    page.fill("#id_username", "district_admin")
    page.fill("#id_password", "demo-pass-for-tests")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(base + "/admin/")
    page.goto(base + reverse("registration_backoffice:paper"))
    page.locator("#id_street").select_option(label="江头街道")
    offered = set(page.locator("#id_community option").all_inner_texts()) - {"请选择社区"}
    assert offered == set(Community.objects.filter(street__name="江头街道").values_list("name", flat=True))
    page.locator("#id_street").select_option(label="金山街道")
    offered = set(page.locator("#id_community option").all_inner_texts()) - {"请选择社区"}
    assert offered == set(Community.objects.filter(street__name="金山街道").values_list("name", flat=True))
    assert fits_the_phone(page)
    assert_accessible(page)

    page.evaluate("document.querySelectorAll('[required]').forEach((field) => field.removeAttribute('required'))")
    submit(page)
    summary = page.locator("#form-errors").inner_text()
    assert "请填写详细地址。" in summary and "详细地址: " not in summary
    assert "必需字段" not in page.locator("main").inner_text()
    assert page.locator("#id_street").input_value()  # the answers given are kept
    assert english_words(page) == []
    assert_accessible(page)

    # an action that does not apply explains itself; deleting asks why
    first, _second = people
    page.goto(base + f"/admin/works/{first.pk}/release/")
    assert "现在不能“准予复工”" in page.locator("main").inner_text()
    assert_accessible(page)
    page.goto(base + reverse("works:delete", args=[first.pk]))
    page.locator("form button.serious").click()
    page.wait_for_load_state()
    assert "请填写删除这条登记的原因" in page.locator("main").inner_text()
    assert Registration.objects.filter(pk=first.pk).exists()
    assert english_words(page) == []
    assert_accessible(page)
