"""Roster import in a real browser, with the upload progress script: a bad
sheet is reported row by row and imports nothing; the corrected sheet
imports every row; a re-imported sheet shows its updates (更新, old → new)
before they are saved. axe-core checks the upload and preview pages."""

import pytest

from portal.models import Community
from training.models import Trainee

from .sheets import BAD_ROWS, GOOD_ROWS, csv_upload, xlsx_upload
from .test_browser_sheet import accessible, log_in

pytestmark = [pytest.mark.browser]


def save(upload, folder):
    path = folder / upload.name
    path.write_bytes(upload.read())
    return str(path)


def test_import_reports_bad_rows_then_imports_the_corrected_sheet(
    demo_site, live_server, tablet_page, assert_accessible, tmp_path
):
    base, page = live_server.url, tablet_page
    before = Trainee.objects.count()
    log_in(page, base, "trainer_a")
    page.goto(base + "/admin/training/trainees/")
    page.get_by_role("link", name="从表格导入").click()
    page.wait_for_url("**/trainees/import/")
    accessible(page, assert_accessible)

    bad = save(csv_upload(GOOD_ROWS + [row for row, _word in BAD_ROWS], name="有错误的名单.csv"), tmp_path)
    page.set_input_files("#id_sheet", bad)
    with page.expect_request(lambda request: request.method == "POST") as upload:
        page.get_by_role("button", name="上传并核对").click()
    # sent by the progress script, which then follows the server's answer
    assert upload.value.headers.get("x-requested-with") == "XMLHttpRequest"
    page.wait_for_url("**/trainees/import/*/")
    summary = page.get_by_role("alert").inner_text()
    for _row, word in BAD_ROWS:
        assert word in summary
    assert page.get_by_role("button", name="导入").count() == 0
    accessible(page, assert_accessible)
    assert Trainee.objects.count() == before

    page.get_by_role("link", name="上传更正后的表格").click()
    page.set_input_files("#id_sheet", save(xlsx_upload(GOOD_ROWS, name="名单.xlsx"), tmp_path))
    page.get_by_role("button", name="上传并核对").click()
    page.wait_for_url("**/trainees/import/*/")
    page.get_by_role("button", name="导入 4 名学员").click()
    page.wait_for_url("**/admin/training/trainees/")
    assert "导入完成：新增 4 名学员，更新 0 名，无变化 0 名" in page.locator(".messages").inner_text()
    assert Trainee.objects.count() == before + 4


def sheet_row(trainee, community=None):
    """A trainee as a row of the roster sheet, with another community if given."""
    return [
        trainee.name,
        str(trainee.get_role_display()),
        trainee.street.name,
        (community or trainee.community).name,
        trainee.organisation,
        trainee.mobile,
    ]


def test_reimport_on_a_phone_shows_the_update_then_saves_it(
    demo_site, live_server, phone_page, assert_accessible, tmp_path
):
    base, page = live_server.url, phone_page
    moving, staying = Trainee.objects.filter(street__code="350206001", community__isnull=False).order_by("pk")[:2]
    other = Community.objects.filter(street=moving.street).exclude(pk=moving.community_id).first()
    old_community = moving.community.name
    before = Trainee.objects.count()
    sheet = [sheet_row(moving, other), sheet_row(staying), ["郑晓东", "社区网格员", "湖里街道", "", "", "13800009001"]]
    log_in(page, base, "trainer_a")
    page.goto(base + "/admin/training/trainees/import/")
    page.set_input_files("#id_sheet", save(xlsx_upload(sheet, name="更新后的名单.xlsx"), tmp_path))
    page.get_by_role("button", name="上传并核对").click()
    page.wait_for_url("**/trainees/import/*/")

    assert "新增 1 行 · 更新 1 行 · 无变化 1 行 · 有错误 0 行" in page.locator("#import-summary").inner_text()
    row = page.locator("tr", has_text=moving.mobile)
    assert "更新" in row.inner_text() and f"社区：{old_community} → {other.name}" in row.inner_text()
    assert "无变化" in page.locator("tr", has_text=staying.mobile).inner_text()
    assert "社区或单位留空时保留学员的原值" in page.locator("main").inner_text()
    accessible(page, assert_accessible)
    assert Trainee.objects.get(pk=moving.pk).community.name == old_community  # nothing saved yet

    page.get_by_role("button", name="导入 2 名学员").click()
    page.wait_for_url("**/admin/training/trainees/")
    assert "新增 1 名学员，更新 1 名，无变化 1 名" in page.locator(".messages").inner_text()
    page.goto(base + f"/admin/training/trainees/?q={moving.mobile}")
    assert other.name in page.locator("tr", has_text=moving.name).inner_text()
    assert Trainee.objects.count() == before + 1
