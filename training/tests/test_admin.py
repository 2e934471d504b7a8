"""The roster and session lists: exports in Chinese (CSV with a BOM, XLSX,
local times), filters, the session page, bounded queries, and the demo."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from portal.exports import BOM
from training.models import Attendance, AttendanceStatus, SessionStatus, Trainee, TraineeRole, TrainingSession

from .conftest import HULI, JIANGTOU, make_session, make_trainee

pytestmark = pytest.mark.django_db


def csv_rows(response):
    raw = b"".join(response.streaming_content)
    assert raw.startswith(BOM.encode("utf-8"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_roster_csv_export_is_chinese_with_bom_and_local_times(people, login):
    trainee = make_trainee(HULI, name="陈志强", organisation="湖里社区居委会")
    Trainee.objects.filter(pk=trainee.pk).update(created_at=datetime.datetime(2026, 3, 1, 16, 30, tzinfo=datetime.UTC))
    make_trainee(JIANGTOU, name="林丽华", community=None, active=False)
    rows = csv_rows(login(people["district_admin"]).get(reverse("trainees:index"), {"export": "csv"}))
    assert rows[0] == ["姓名", "角色", "街道", "社区", "单位", "手机号码", "有效", "创建于"]
    assert rows[1][:4] == ["陈志强", "社区网格员", "湖里街道", trainee.community.name]
    assert rows[1][6:] == ["是", "2026-03-02 00:30"]  # Xiamen time, not UTC
    assert rows[2][:4] == ["林丽华", "社区网格员", "江头街道", ""] and rows[2][6] == "否"


def test_roster_xlsx_export(people, login):
    make_trainee(JIANGTOU, name="林丽华", role=TraineeRole.SAFETY_INSPECTOR)
    response = login(people["trainer_a"]).get(reverse("trainees:index"), {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and rows[1][:3] == ("林丽华", "专职安全员", "江头街道")


def test_roster_filters_and_search(people, roster, login):
    client = login(people["district_admin"])

    def listed(**params):
        return {t.name for t in client.get(reverse("trainees:index"), params).context["object_list"]}

    assert listed(role="safety_inspector") == {"湖里安全员"}
    assert listed(street=roster["jiangtou"][0].street_id) == {"江头学员0", "江头学员1"}
    assert listed(q="江头学员1") == {"江头学员1"}
    assert listed(q=roster["huli"][0].mobile) == {roster["huli"][0].name}


def test_session_list_counts_person_times_and_offers_the_sheet(people, roster, session_a, login):
    for trainee, status in zip(
        roster["huli"], [AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT]
    ):
        Attendance.objects.create(session=session_a, trainee=trainee, status=status)
    response = login(people["trainer_a"]).get(reverse("training_sessions:index"))
    [row] = response.context["object_list"]
    assert row.attended_count == 2
    assert reverse("training:sheet", args=[session_a.pk]) in response.content.decode()
    rows = csv_rows(login(people["trainer_a"]).get(reverse("training_sessions:index"), {"export": "csv"}))
    assert rows[0][-1] == "培训人次（出席或迟到）" and rows[1][-1] == "2"


def test_session_filters(people, roster, login):
    past = make_session([people["trainer_a"]], days=-20, title="过去的培训", status=SessionStatus.HELD)
    make_session([people["trainer_a"]], days=5, title="将来的培训", roles_=[TraineeRole.SAFETY_INSPECTOR])
    client = login(people["trainer_a"])

    def listed(**params):
        return {s.title for s in client.get(reverse("training_sessions:index"), params).context["object_list"]}

    assert listed(status="held") == {"过去的培训"}
    assert listed(audience_roles__code="safety_inspector") == {"将来的培训"}
    day = timezone.localtime(past.starts_at).date().isoformat()
    assert listed(starts_at_from=day, starts_at_to=day) == {"过去的培训"}


def test_session_page_shows_only_the_attendance_the_user_may_see(people, roster, session_a, login):
    Attendance.objects.create(session=session_a, trainee=roster["huli"][0], status=AttendanceStatus.PRESENT)
    Attendance.objects.create(session=session_a, trainee=roster["jiangtou"][0], status=AttendanceStatus.LATE)
    url = reverse("training_sessions:inspect", args=[session_a.pk])
    page = login(people["officer_jiangtou"]).get(url)
    assert [r.trainee.name for r in page.context["records"]] == ["江头学员0"]
    assert not page.context["can_mark"] and reverse("training:sheet", args=[session_a.pk]) not in page.content.decode()
    page = login(people["trainer_a"]).get(url)
    assert len(page.context["records"]) == 2 and page.context["can_mark"]
    assert session_a.checkin_code in page.content.decode()


@pytest.mark.parametrize("size", [3, 40])
def test_lists_use_a_bounded_number_of_queries(people, login, django_assert_max_num_queries, size):
    for index in range(size):
        session = make_session([people["trainer_a"]], title=f"培训{index}")
        Attendance.objects.create(session=session, trainee=make_trainee(HULI), status=AttendanceStatus.PRESENT)
    client = login(people["trainer_a"])
    client.get(reverse("training_sessions:index"))
    with django_assert_max_num_queries(16):
        client.get(reverse("training_sessions:index"))
    with django_assert_max_num_queries(16):
        client.get(reverse("trainees:index"))


def test_demo_content(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-for-tests")
    call_command("load_demo", stdout=io.StringIO())
    assert Trainee.objects.count() == 60
    assert set(Trainee.objects.values_list("street__code", flat=True).distinct()) == {
        "350206001",
        "350206002",
        "350206003",
        "350206004",
        "350206005",
    }
    assert set(Trainee.objects.values_list("role", flat=True)) == set(TraineeRole.values)
    held = TrainingSession.objects.filter(status=SessionStatus.HELD, starts_at__lt=timezone.now())
    planned = TrainingSession.objects.filter(status=SessionStatus.PLANNED, starts_at__gt=timezone.now())
    assert held.count() == 6 and planned.count() == 3
    for session in held:
        assert set(session.attendances.values_list("status", flat=True)) == set(AttendanceStatus.values)
    trainer_a = TrainingSession.objects.filter(trainers__username="trainer_a")
    trainer_b = TrainingSession.objects.filter(trainers__username="trainer_b")
    assert trainer_a.exists() and trainer_b.exists() and trainer_a.exclude(pk__in=trainer_b).exists()
    assert not Attendance.objects.filter(session__status=SessionStatus.PLANNED).exists()
