"""Roster import: every bad row reported, all or nothing, XLSX and CSV,
through the functions and through the admin's upload → preview → confirm.
Re-imports that update the roster: test_reimport.py."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from training.models import Trainee, TraineeRole
from training.roster import importing

from .conftest import HULI, make_trainee
from .sheets import BAD_ROWS, GOOD_ROWS, HEADINGS, csv_upload, xlsx_upload

pytestmark = pytest.mark.django_db

BAD_SHEET = GOOD_ROWS + [row for row, _word in BAD_ROWS]


@pytest.fixture(params=["xlsx", "csv"])
def upload(request):
    return xlsx_upload if request.param == "xlsx" else csv_upload


def confirmed(table, user):
    """Check ``table`` as the preview does, then import it with that plan."""
    return importing.import_rows(table, user, importing.plan_of(importing.check_rows(table, user)))


def test_good_sheet_is_read_checked_and_imported(upload, people):
    table = importing.read_sheet(upload(GOOD_ROWS))
    assert [row["number"] for row in table] == [2, 3, 4, 5]
    checked = importing.check_rows(table, people["trainer_a"])
    assert all(row.ok and row.action == importing.NEW for row in checked)
    assert confirmed(table, people["trainer_a"]) == {"new": 4, "update": 0, "unchanged": 0, "error": 0}
    imported = {t.mobile: t for t in Trainee.objects.select_related("street", "community")}
    assert set(imported) == {"13800001001", "13800001002", "13800001003", "13800001004"}
    lin = imported["13800001002"]
    assert (lin.role, lin.street.name, lin.community.name) == (TraineeRole.SAFETY_INSPECTOR, "江头街道", "吕厝社区")
    assert imported["13800001003"].street.code == "350206005" and imported["13800001003"].community is None
    assert imported["13800001004"].role == TraineeRole.PROPERTY_STAFF


def test_bad_sheet_reports_every_row_and_imports_nothing(upload, people):
    on_roster = make_trainee(HULI, mobile="13800001003")  # row 4 updates someone on the roster
    table = importing.read_sheet(upload(BAD_SHEET))
    checked = {row.number: row for row in importing.check_rows(table, people["trainer_a"])}
    assert [number for number, row in checked.items() if row.ok] == [2, 3, 4, 5]
    assert checked[4].action == importing.UPDATE
    for number, (_row, word) in enumerate(BAD_ROWS, start=len(GOOD_ROWS) + 2):
        assert any(word in message for message in checked[number].error_list()), (number, checked[number].errors)
    assert "领导" in checked[10].errors["role"]
    with pytest.raises(importing.ImportRefused) as refusal:
        confirmed(table, people["trainer_a"])
    assert refusal.value.has_errors
    assert len([row for row in refusal.value.rows if not row.ok]) == 5
    assert Trainee.objects.count() == 1
    on_roster.refresh_from_db()
    assert on_roster.street.code == HULI  # the row updating them was not written either


def test_excel_number_cells_and_gbk_csv_are_read():
    table = importing.read_sheet(xlsx_upload(GOOD_ROWS[2:3], number_mobiles=True))
    assert table[0]["mobile"] == "13800001003"
    table = importing.read_sheet(csv_upload(GOOD_ROWS, encoding="gb18030"))
    assert table[0]["name"] == "陈志强"


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: csv_upload(GOOD_ROWS, headings=["姓名", "角色", "街道"]), "手机号码"),
        (lambda: csv_upload([]), "没有"),
        (lambda: csv_upload(GOOD_ROWS, name="old.xls"), ".xlsx"),
    ],
)
def test_sheets_that_cannot_be_imported_say_why(make, message):
    with pytest.raises(importing.SheetError, match=message):
        importing.read_sheet(make())


def test_row_limit(monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    with pytest.raises(importing.SheetError, match="3"):
        importing.read_sheet(csv_upload(GOOD_ROWS))


def test_template_has_the_chinese_headings_and_accepted_values(people, login):
    response = login(people["trainer_a"]).get(reverse("training:import_template"))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in workbook.worksheets[0][1]] == HEADINGS
    values = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert values[0] == ("角色", "街道", "社区")
    assert values[1][:2] == ("街道小散纳管员", "湖里街道") and "湖里社区" in values[1][2]
    assert [row[0] for row in values[1:7]] == [
        "街道小散纳管员",
        "社区网格员",
        "专职安全员",
        "物业人员",
        "施工人员",
        "其他",
    ]
    # the template itself imports: its headings are recognised
    assert importing.read_sheet(xlsx_upload(GOOD_ROWS[:1], headings=[c.value for c in workbook.worksheets[0][1]]))


# Through the admin


def post_upload(client, file):
    return client.post(reverse("training:import"), {"sheet": file})


def plan_on(page):
    """The plan fingerprint carried by a preview page's confirm form."""
    return re.search(r'name="plan" value="([0-9a-f]{64})"', page.content.decode()).group(1)


def confirm(client, preview):
    """Open the preview, then press its confirm button."""
    return client.post(preview, {"plan": plan_on(client.get(preview))})


def test_admin_import_preview_then_confirm(people, login, upload):
    client = login(people["trainer_a"])
    response = post_upload(client, upload(GOOD_ROWS))
    assert response.status_code == 302
    preview = response["Location"]
    page = client.get(preview)
    assert page.status_code == 200 and "陈志强" in page.content.decode()
    assert not Trainee.objects.exists()  # the preview saves nothing
    response = client.post(preview, {"plan": plan_on(page)})
    assert response.status_code == 302 and response["Location"] == reverse("trainees:index")
    assert Trainee.objects.count() == 4
    # the same upload cannot be imported twice
    assert client.post(preview, {"plan": plan_on(page)}).status_code == 302 and Trainee.objects.count() == 4


def test_admin_preview_of_a_bad_sheet_lists_every_error_and_offers_no_import(people, login, upload):
    client = login(people["trainer_a"])
    preview = post_upload(client, upload(BAD_SHEET))["Location"]
    page = client.get(preview).content.decode()
    for _row, word in BAD_ROWS:
        assert word in page
    assert 'type="submit"' not in page.split('id="import-rows-title"')[0]  # no confirm button
    response = client.post(preview)  # a hand-made confirm is refused too
    assert response.status_code == 400
    assert not Trainee.objects.exists()


def test_file_errors_show_on_the_upload_form(people, login):
    response = post_upload(login(people["trainer_a"]), csv_upload(GOOD_ROWS, headings=["名字", "电话"]))
    assert response.status_code == 400
    assert "第一行" in response.content.decode()


def test_upload_with_xhr_gets_the_preview_address(people, login):
    response = login(people["trainer_a"]).post(
        reverse("training:import"), {"sheet": csv_upload(GOOD_ROWS)}, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert response.json()["redirect"].startswith("/admin/training/trainees/import/")


def test_an_upload_is_only_for_the_user_who_made_it(people, login, client):
    preview = post_upload(login(people["trainer_a"]), csv_upload(GOOD_ROWS))["Location"]
    client.force_login(people["district_admin"])
    assert client.post(preview, {"plan": "0" * 64}).status_code == 302
    assert not Trainee.objects.exists()
    assert client.get("/admin/training/trainees/import/..%2F..%2Fetc/").status_code in (302, 404)
    assert client.get(reverse("training:import_preview", args=["not-a-token"])).status_code == 302


def test_roles_without_add_permission_cannot_import(people, login):
    for key in ("officer_huli", "editor"):
        client = login(people[key])
        assert client.get(reverse("training:import")).status_code == 403
        assert post_upload(client, csv_upload(GOOD_ROWS)).status_code == 403
        assert client.get(reverse("training:import_template")).status_code == 403
    assert not Trainee.objects.exists()
