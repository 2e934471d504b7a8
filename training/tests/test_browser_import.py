"""Roster import in a real browser, with the upload progress script: a bad
sheet is reported row by row and imports nothing; the corrected sheet
imports every row. axe-core checks the upload and preview pages."""

import pytest

from training.models import Trainee

from .sheets import BAD_ROWS, GOOD_ROWS, csv_upload, xlsx_upload
from .test_browser_sheet import accessible, log_in

pytestmark = [pytest.mark.browser]


def save(upload, folder):
    path = folder / upload.name
    path.write_bytes(upload.read())
    return str(path)


def test_import_reports_bad_rows_then_imports_the_corrected_sheet(demo_site, live_server, tablet_page,
                                                                   assert_accessible, tmp_path):
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
    assert "已向培训名单添加 4 名学员" in page.locator(".messages").inner_text()
    assert Trainee.objects.count() == before + 4
