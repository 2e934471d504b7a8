"""The report pages in the admin: the page and its XLSX export agree with
each other and with the records, street scoping holds from the wrong side,
bad filters get a clear error, and the query count does not grow with the
number of rows."""

import datetime
import io

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from portal.xlsx import XLSX_TYPE
from training import services
from training.models import AttendanceStatus, Trainee, TraineeRole

from .conftest import HULI, JIANGTOU, make_trainee, street
from .report_data import counted, report_data  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

PAGES = ["person_times", "absentees", "compliance", "trainee_search"]


def url(name, *args):
    return reverse(f"training_reports:{name}", args=args)


def sheet_rows(response, index=0):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    book = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.worksheets[index].iter_rows(values_only=True)]


def all_text(rows):
    return " ".join(str(value) for row in rows for value in row if value is not None)


def translated(message):
    """``message`` in the admin's language (a msgid, or Django's lazy text)."""
    with translation.override("zh-hans"):
        return str(translation.gettext(message) if isinstance(message, str) else message)


@pytest.fixture
def as_user(client, report_data):
    def log_in(key):
        client.force_login(report_data.people[key])
        return client

    return log_in


def test_person_times_page_and_export_show_the_records(as_user, report_data):
    client = as_user("district_admin")
    query = {"year": "2026", "group_by": "street"}
    page = client.get(url("person_times"), query)
    assert page.status_code == 200
    table = page.context["table"]
    html = page.content.decode()
    truth = counted(2026)
    assert [cell.value for cell in table.total[1:]] == [truth.count(), truth.values("trainee").distinct().count()]
    for row in table.rows:
        records = counted(2026, trainee__street__name=row[0].value)
        assert [cell.value for cell in row[1:]] == [records.count(), records.values("trainee").distinct().count()]
        assert row[0].value in html
    assert {row[0].value for row in table.rows} == {"湖里街道", "江头街道"}
    assert "<caption" in html and 'scope="col"' in html and 'id="report-table"' in html

    rows = sheet_rows(client.get(url("person_times"), {**query, "format": "xlsx"}))
    assert rows[0] == [str(heading) for heading in table.headings]
    assert rows[1:-1] == [[cell.value for cell in row] for row in table.rows]
    assert rows[-1] == [cell.value for cell in table.total]
    assert rows[-1][1] == truth.count()
    assert "湖里街道" in all_text(rows)
    about = all_text(sheet_rows(client.get(url("person_times"), {**query, "format": "xlsx"}), index=1))
    assert "2026" in about


def test_the_export_link_repeats_the_query(as_user, report_data):
    client = as_user("district_admin")
    page = client.get(url("person_times"), {"year": "2026", "group_by": "topic", "street": street(HULI).pk})
    link = page.context["export_url"]
    assert "format=xlsx" in link and "group_by=topic" in link and f"street={street(HULI).pk}" in link
    assert link in page.content.decode().replace("&amp;", "&")
    rows = sheet_rows(client.get(url("person_times") + link))
    assert rows[-1][1] == counted(2026, trainee__street__code=HULI).count()


def test_an_empty_query_reports_this_year_by_month(as_user, report_data):
    client = as_user("district_admin")
    page = client.get(url("person_times"))
    assert page.status_code == 200
    year = datetime.date.today().year
    assert page.context["form"].cleaned_data["year"] == year
    assert page.context["result"].group_by == "month"
    assert page.context["table"].total[1].value == counted(year).count()


def test_absentee_export_writes_xiamen_wall_clock_times(as_user, report_data):
    client = as_user("district_admin")
    page = client.get(url("absentees"), {"year": "2026", "include_excused": "on"})
    rows = sheet_rows(client.get(url("absentees"), {"year": "2026", "include_excused": "on", "format": "xlsx"}))
    assert len(rows) - 1 == len(page.context["table"].rows) == len(page.context["result"].rows)
    march = [row for row in rows[1:] if row[1] == report_data.sessions["mar_end"].title]
    assert march and {row[0] for row in march} == {datetime.datetime(2026, 3, 31, 23, 30)}
    assert "2026-03-31 23:30" in page.content.decode()
    assert translated("No record") in {row[9] for row in rows[1:]}
    # absentee names lead to their history
    assert url("trainee_history", report_data.trainees["hg3"].pk) in page.content.decode()


def test_compliance_page_and_export(as_user, report_data):
    client = as_user("district_admin")
    page = client.get(url("compliance"), {"year": "2026", "role": TraineeRole.GRID_WORKER})
    assert page.status_code == 200
    names = [row[0].value for row in page.context["table"].rows]
    assert names[0] == report_data.trainees["hg3"].name  # never trained, first
    rows = sheet_rows(
        client.get(url("compliance"), {"year": "2026", "role": TraineeRole.GRID_WORKER, "format": "xlsx"})
    )
    assert [row[0] for row in rows[1:]] == names
    assert [row[-1] for row in rows[1:]] == [counted(2026, trainee__name=name).count() for name in names]


def test_trainee_history_page_and_export(as_user, report_data):
    client = as_user("district_admin")
    trainee = report_data.trainees["hg1"]
    page = client.get(url("trainee_history", trainee.pk))
    assert page.status_code == 200
    assert len(page.context["table"].rows) == trainee.attendances.count()
    html = page.content.decode()
    for session in report_data.sessions.values():
        if session.attendances.filter(trainee=trainee).exists():
            assert session.title in html
    rows = sheet_rows(client.get(url("trainee_history", trainee.pk), {"format": "xlsx"}))
    assert [row[1] for row in rows[1:]] == [row[1].value for row in page.context["table"].rows]
    assert trainee.name in all_text(
        sheet_rows(client.get(url("trainee_history", trainee.pk), {"format": "xlsx"}), index=1)
    )
    # found by name or by mobile number on the search page
    found = client.get(url("trainee_search"), {"q": trainee.mobile[-6:]})
    assert url("trainee_history", trainee.pk) in found.content.decode()


OFFICER_PAGES = [
    ("person_times", {"year": "2026", "group_by": group_by})
    for group_by in ("street", "role", "topic", "month", "quarter", "year")
] + [
    ("person_times", {"year": ""}),
    ("absentees", {"year": "", "include_excused": "on"}),
    ("compliance", {"year": "2026"}),
    ("compliance", {"year": "2025"}),
    ("trainee_search", {"q": "网格员"}),
]


@pytest.mark.parametrize("name, query", OFFICER_PAGES)
def test_huli_officer_never_sees_jiangtou_trainees(as_user, report_data, name, query):
    client = as_user("officer_huli")
    page = client.get(url(name), query)
    assert page.status_code == 200
    html = page.content.decode()
    assert "江头" not in html
    assert "湖里" in html
    if name != "trainee_search":
        assert "江头" not in all_text(sheet_rows(client.get(url(name), {**query, "format": "xlsx"})))


def test_huli_officer_history_and_wrong_street(as_user, report_data):
    client = as_user("officer_huli")
    jiangtou_trainee = report_data.trainees["jg1"]
    assert client.get(url("trainee_history", jiangtou_trainee.pk)).status_code == 404
    assert client.get(url("trainee_history", jiangtou_trainee.pk), {"format": "xlsx"}).status_code == 404
    own = client.get(url("trainee_history", report_data.trainees["hg1"].pk))
    assert own.status_code == 200 and "江头" not in own.content.decode()
    # asking for the other street by its id is refused like an unknown street
    for name in ("person_times", "absentees", "compliance"):
        refused = client.get(url(name), {"year": "2026", "street": street(JIANGTOU).pk, "format": "xlsx"})
        assert refused.status_code == 400 and refused.context["table"] is None
        assert "选择一个有效的选项" in refused.content.decode()


@pytest.mark.parametrize("name", PAGES + ["trainee_history"])
def test_content_editor_and_anonymous_are_refused(client, as_user, report_data, name):
    args = [report_data.trainees["hg1"].pk] if name == "trainee_history" else []
    anonymous = client.get(url(name, *args), {"format": "xlsx"})
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    editor = as_user("editor")
    for query in ({}, {"format": "xlsx"}):
        response = editor.get(url(name, *args), query)
        assert response.status_code == 403
        assert response["Content-Type"].startswith("text/html")
        assert "湖里" not in response.content.decode()


def test_trainer_sees_their_own_sessions_but_not_compliance(as_user, report_data):
    client = as_user("trainer_a")
    trainer = report_data.people["trainer_a"]
    page = client.get(url("person_times"), {"year": "2026", "group_by": "street"})
    assert page.context["table"].total[1].value == counted(2026, session__trainers=trainer).count()
    absentees = client.get(url("absentees"), {"year": ""})
    assert {row.session for row in absentees.context["result"].rows} <= set(trainer.training_sessions.all())
    assert client.get(url("compliance")).status_code == 403
    assert client.get(url("compliance"), {"format": "xlsx"}).status_code == 403
    history = client.get(url("trainee_history", report_data.trainees["hg1"].pk))
    assert report_data.sessions["old_year"].title not in history.content.decode()  # trainer_b's session


def test_menu_shows_the_reports_a_role_may_open(as_user, report_data):
    admin = as_user("district_admin").get(reverse("wagtailadmin_home")).content.decode()
    assert url("person_times") in admin and url("compliance") in admin
    trainer = as_user("trainer_a").get(reverse("wagtailadmin_home")).content.decode()
    assert url("person_times") in trainer and url("compliance") not in trainer


BAD_FILTERS = [
    ("person_times", {"year": "abc"}, "输入整数"),
    ("person_times", {"year": "1999"}, "确保该值大于或等于2000"),
    ("person_times", {"date_from": "2026-02-30"}, "输入一个有效的日期"),
    ("person_times", {"date_to": "2026/13/01"}, "输入一个有效的日期"),
    ("person_times", {"date_from": "2026-05-01", "date_to": "2026-04-01"}, None),
    (
        "person_times",
        {"date_to": "9999-12-31"},
        lambda: translated("Choose a date between the years %(min)d and %(max)d.") % {"min": 2000, "max": 2100},
    ),
    ("person_times", {"street": "999999"}, "选择一个有效的选项"),
    ("person_times", {"street": "湖里"}, "选择一个有效的选项"),
    ("person_times", {"topic": "abc"}, "选择一个有效的选项"),
    ("person_times", {"group_by": "weekday"}, "选择一个有效的选项"),
    ("person_times", {"role": "mayor"}, "选择一个有效的选项"),
    ("absentees", {"date_from": "2026-05-01", "date_to": "2026-04-01"}, None),
    ("absentees", {"level": "city"}, "选择一个有效的选项"),
    ("compliance", {"year": ""}, forms.Field.default_error_messages["required"]),
    ("compliance", {"year": "二〇二六"}, "输入整数"),
    ("compliance", {"year": "2026", "street": "-1"}, "选择一个有效的选项"),
]


@pytest.mark.parametrize("name, query, message", BAD_FILTERS)
@pytest.mark.parametrize("export", [False, True])
def test_bad_filters_get_a_clear_error_and_no_report(as_user, report_data, name, query, message, export):
    client = as_user("district_admin")
    response = client.get(url(name), {**query, **({"format": "xlsx"} if export else {})})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert response.context["table"] is None
    html = response.content.decode()
    assert translated("The report was not run: correct the filters marked below.") in html
    assert 'role="alert"' in html
    expected = message() if callable(message) else translated(message or "The end date is before the start date.")
    assert expected in html


def add_rows(report_data, count):
    """More trainees, more records and more unmarked audience members."""
    admin = report_data.people["district_admin"]
    jan, mar_end = report_data.sessions["jan"], report_data.sessions["mar_end"]
    added = [
        make_trainee(HULI if index % 2 else JIANGTOU, TraineeRole.GRID_WORKER, name=f"补充学员{index}")
        for index in range(count)
    ]
    statuses = [AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT]
    services.mark_attendance(
        jan,
        {trainee.pk: services.Mark(statuses[index % 3]) for index, trainee in enumerate(added[: count // 2])},
        admin,
    )
    services.mark_attendance(
        mar_end, {trainee.pk: services.Mark(AttendanceStatus.PRESENT) for trainee in added[: count // 4]}, admin
    )
    return added


MEASURED = [
    ("person_times", {"year": "2026", "group_by": "street"}),
    ("person_times", {"year": "2026", "group_by": "month", "format": "xlsx"}),
    ("absentees", {"year": "2026", "include_excused": "on"}),
    ("absentees", {"year": "2026", "format": "xlsx"}),
    ("compliance", {"year": "2026"}),
    ("compliance", {"year": "2026", "format": "xlsx"}),
]


@pytest.mark.parametrize("user", ["district_admin", "officer_huli", "trainer_a"])
def test_query_counts_do_not_grow_with_the_rows(as_user, report_data, user, django_assert_max_num_queries):
    client = as_user(user)
    pages = [(name, query) for name, query in MEASURED if name != "compliance" or user != "trainer_a"]
    pages.append(("trainee_history", {}))
    hg1 = report_data.trainees["hg1"].pk

    def measure():
        counts = []
        for name, query in pages:
            target = url(name, hg1) if name == "trainee_history" else url(name)
            client.get(target, query)  # warm the per-process caches
            with CaptureQueriesContext(connection) as queries:
                assert client.get(target, query).status_code == 200
            counts.append(len(queries))
        return counts

    before = measure()
    rows_before = Trainee.objects.count()
    add_rows(report_data, 40)
    assert Trainee.objects.count() == rows_before + 40
    after = measure()
    assert after == before
    for name, query in pages:
        target = url(name, hg1) if name == "trainee_history" else url(name)
        with django_assert_max_num_queries(20):
            client.get(target, query)


def test_long_lists_are_paged_and_the_export_has_every_row(as_user, report_data, monkeypatch):
    from training.reports import views as report_views

    monkeypatch.setattr(report_views, "ROWS_PER_PAGE", 2)
    client = as_user("district_admin")
    query = {"year": "", "include_excused": "on"}
    first = client.get(url("absentees"), query)
    everything = first.context["table"].rows
    assert len(everything) > 4
    assert first.context["rows"] == everything[:2]
    second = client.get(url("absentees"), {**query, "p": "2"})
    assert second.context["rows"] == everything[2:4]
    assert 'aria-label="' in second.content.decode() and "p=3" in second.content.decode()
    # the export ignores the page: every row
    export = sheet_rows(client.get(url("absentees"), {**query, "p": "2", "format": "xlsx"}))
    assert len(export) - 1 == len(everything)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # restore the migrations' rows after
def test_reports_on_the_demo_data(demo_site, client):
    """The launch-day demo: every report opens, and this year's total is
    the count of its records, for the district and for a demo trainer."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from training.models import SessionStatus, TrainingSession

    # the demo's dates are relative to today: take the year of its last held session
    last = TrainingSession.objects.filter(status=SessionStatus.HELD).latest("starts_at")
    year = timezone.localtime(last.starts_at).year
    users = get_user_model().objects
    admin, trainer = users.get(username="admin"), users.get(username="trainer_a")
    client.force_login(admin)
    page = client.get(url("person_times"), {"year": str(year), "group_by": "role"})
    assert page.context["table"].total[1].value == counted(year).count() > 0
    for name in ("absentees", "compliance"):
        assert client.get(url(name)).status_code == 200
    client.force_login(trainer)
    mine = client.get(url("person_times"), {"year": str(year), "group_by": "topic"})
    assert mine.context["table"].total[1].value == counted(year, session__trainers=trainer).count() > 0
