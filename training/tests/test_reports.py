"""The report rules (training/reports/figures.py) against the ground truth: the
attendance records themselves, counted independently of the report code."""

import datetime

import pytest

from training.models import Attendance, SessionLevel, SessionStatus, Trainee, TraineeRole, TrainingSettings
from training.reports import figures as reports
from training.reports.figures import GROUPINGS, NO_RECORD, ReportFilters

from .conftest import HULI, JIANGTOU, make_user, street
from .report_data import counted, held_sessions, report_data  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def distinct_people(records):
    return records.values("trainee").distinct().count()


@pytest.mark.parametrize("group_by", list(GROUPINGS))
@pytest.mark.parametrize("year", [2025, 2026])
def test_a_years_total_is_the_count_of_its_records(report_data, group_by, year):
    admin = report_data.people["district_admin"]
    result = reports.person_times(admin, ReportFilters(year=year), group_by)
    truth = counted(year)
    assert truth.count() > 0
    assert result.total.person_times == truth.count()
    assert sum(row.person_times for row in result.rows) == truth.count()
    assert result.total.people == distinct_people(truth)


@pytest.mark.parametrize(
    "group_by, path",
    [
        ("street", "trainee__street_id"),
        ("role", "trainee__role"),
        ("topic", "session__topic_id"),
    ],
)
def test_each_row_counts_its_own_records(report_data, group_by, path):
    admin = report_data.people["district_admin"]
    result = reports.person_times(admin, ReportFilters(year=2026), group_by)
    assert len(result.rows) >= 2
    for row in result.rows:
        truth = counted(2026, **{path: row.key})
        assert (row.person_times, row.people) == (truth.count(), distinct_people(truth)), row
    # every group that has records is listed
    assert {row.key for row in result.rows} == set(counted(2026).values_list(path, flat=True))


def test_streets_are_the_trainees_not_the_sessions(report_data):
    """The 江头 walk-in at a 湖里 street session counts for 江头."""
    admin = report_data.people["district_admin"]
    rows = {row.label: row for row in reports.person_times(admin, ReportFilters(year=2026), "street").rows}
    assert set(rows) == {"湖里街道", "江头街道"}
    jiangtou = counted(2026, trainee__street__code=JIANGTOU)
    assert jiangtou.filter(session=report_data.sessions["mar_end"]).exists()
    assert rows["江头街道"].person_times == jiangtou.count()


def test_months_quarters_and_years_follow_xiamen_time(report_data):
    admin, s = report_data.people["district_admin"], report_data.sessions
    months = {row.label: row.person_times for row in reports.person_times(admin, ReportFilters(), "month").rows}
    # 2026-03-31 23:30 local is March; 2026-04-01 07:00 local (still 31 March in UTC) is April
    assert months["2026-03"] == counted(session=s["mar_end"]).count()
    assert months["2026-04"] == counted(session=s["apr_start"]).count()
    # 2026-01-01 06:00 local (2025 in UTC) is January 2026; 2025-12-31 23:30 local is December 2025
    assert months["2026-01"] == counted(session__in=[s["jan"], s["new_year"]]).count()
    assert months["2025-12"] == counted(session=s["old_year"]).count()
    assert list(months) == ["2025-12", "2026-01", "2026-03", "2026-04"]

    quarters = {row.label: row.person_times for row in reports.person_times(admin, ReportFilters(), "quarter").rows}
    assert list(quarters.values()) == [
        counted(session=s["old_year"]).count(),
        counted(session__in=[s["jan"], s["new_year"], s["mar_end"]]).count(),
        counted(session=s["apr_start"]).count(),
    ]
    years = {row.label: row.person_times for row in reports.person_times(admin, ReportFilters(), "year").rows}
    assert years == {"2025": counted(2025).count(), "2026": counted(2026).count()}


def test_date_range_ends_are_local_days_included(report_data):
    admin, s = report_data.people["district_admin"], report_data.sessions
    march = ReportFilters(date_from=datetime.date(2026, 3, 31), date_to=datetime.date(2026, 3, 31))
    assert reports.person_times(admin, march).total.person_times == counted(session=s["mar_end"]).count()
    april_first = ReportFilters(date_from=datetime.date(2026, 4, 1), date_to=datetime.date(2026, 4, 1))
    assert reports.person_times(admin, april_first).total.person_times == counted(session=s["apr_start"]).count()
    # a year and a range combine: both must hold
    both = ReportFilters(year=2026, date_to=datetime.date(2026, 1, 1))
    assert reports.person_times(admin, both).total.person_times == counted(session=s["new_year"]).count()


def test_cancelled_and_planned_sessions_never_count(report_data):
    admin, s = report_data.people["district_admin"], report_data.sessions
    assert Attendance.objects.filter(session=s["cancelled"], status="present").count() == 2
    february = ReportFilters(date_from=datetime.date(2026, 2, 1), date_to=datetime.date(2026, 2, 28))
    result = reports.person_times(admin, february)
    assert result.total.person_times == 0 and result.rows == []
    may = reports.person_times(admin, ReportFilters(date_from=datetime.date(2026, 5, 1)))
    assert may.total.person_times == 0
    # the planned session's mark is reported as not counted, so it can be confirmed
    assert may.unconfirmed == Attendance.objects.filter(session=s["planned"]).count() == 1
    s["planned"].status = SessionStatus.HELD
    s["planned"].save()
    assert reports.person_times(admin, ReportFilters(date_from=datetime.date(2026, 5, 1))).total.person_times == 1


def test_filters_narrow_to_the_matching_records(report_data):
    admin, topics = report_data.people["district_admin"], report_data.topics
    huli = street(HULI)
    cases = [
        (ReportFilters(year=2026, role=TraineeRole.GRID_WORKER), {"trainee__role": TraineeRole.GRID_WORKER}),
        (ReportFilters(year=2026, street_id=huli.pk), {"trainee__street": huli}),
        (ReportFilters(year=2026, topic_id=topics["shock"].pk), {"session__topic": topics["shock"]}),
        (ReportFilters(year=2026, level=SessionLevel.STREET), {"session__level": SessionLevel.STREET}),
        (
            ReportFilters(year=2026, street_id=huli.pk, topic_id=topics["fall"].pk, role=TraineeRole.SAFETY_INSPECTOR),
            {"trainee__street": huli, "session__topic": topics["fall"], "trainee__role": TraineeRole.SAFETY_INSPECTOR},
        ),
    ]
    for filters, conditions in cases:
        truth = counted(2026, **conditions)
        assert truth.exists(), conditions
        result = reports.person_times(admin, filters, "topic")
        assert (result.total.person_times, result.total.people) == (truth.count(), distinct_people(truth))


def test_street_officer_counts_only_their_streets_trainees(report_data):
    officer = report_data.people["officer_huli"]
    for group_by in GROUPINGS:
        result = reports.person_times(officer, ReportFilters(year=2026), group_by)
        assert result.total.person_times == counted(2026, trainee__street__code=HULI).count()
    rows = reports.person_times(officer, ReportFilters(year=2026), "street").rows
    assert [row.label for row in rows] == ["湖里街道"]
    # asking for the other street gives nothing, not the other street's figures
    jiangtou = ReportFilters(year=2026, street_id=street(JIANGTOU).pk)
    assert reports.person_times(officer, jiangtou).total.person_times == 0


def test_trainer_counts_only_their_own_sessions(report_data):
    trainer = report_data.people["trainer_a"]
    result = reports.person_times(trainer, ReportFilters(year=2026), "street")
    truth = counted(2026, session__trainers=trainer)
    assert result.total.person_times == truth.count() < counted(2026).count()
    # all streets' trainees of their sessions
    assert {row.label for row in result.rows} == {"湖里街道", "江头街道"}


def test_trainee_history_lists_every_visible_record(report_data):
    t, s, people = report_data.trainees, report_data.sessions, report_data.people
    history = reports.trainee_history(people["district_admin"], t["hg1"])
    assert [record.session for record in history.records] == sorted(
        (record.session for record in Attendance.objects.filter(trainee=t["hg1"])),
        key=lambda session: session.starts_at,
        reverse=True,
    )
    assert {record.session.status for record in history.records} == set(SessionStatus.values)
    assert history.attended_held == counted(trainee=t["hg1"]).count()
    # a trainer sees the trainee's records of their own sessions only
    mine = reports.trainee_history(people["trainer_a"], t["hg1"])
    assert {record.session for record in mine.records} == {s["jan"], s["mar_end"], s["cancelled"], s["planned"]}


def absentee_keys(result):
    return {(row.session.pk, row.trainee_id, row.status) for row in result.rows}


def test_absentees_include_audience_members_without_a_record(report_data):
    t, s, admin = report_data.trainees, report_data.sessions, report_data.people["district_admin"]
    result = reports.absentees(admin, ReportFilters(year=2026))
    assert absentee_keys(result) == {
        (s["jan"].pk, t["hi1"].pk, "absent"),
        (s["mar_end"].pk, t["hg2"].pk, "absent"),
        # the January audience: grid workers and inspectors of every street
        (s["jan"].pk, t["hg3"].pk, NO_RECORD),
        (s["jan"].pk, t["jg2"].pk, NO_RECORD),
        # the 湖里 street session's audience: 湖里 grid workers only
        (s["mar_end"].pk, t["hg3"].pk, NO_RECORD),
    }
    assert len(result.rows) == len(absentee_keys(result))
    assert result.sessions == held_sessions(2026).count()
    # newest session first
    starts = [row.session.starts_at for row in result.rows]
    assert starts == sorted(starts, reverse=True)
    with_excused = reports.absentees(admin, ReportFilters(year=2026), include_excused=True)
    assert absentee_keys(with_excused) - absentee_keys(result) == {(s["jan"].pk, t["ji1"].pk, "excused")}
    # the cancelled session's absent mark and the inactive trainee never appear
    everything = reports.absentees(admin, ReportFilters(), include_excused=True)
    assert s["cancelled"].pk not in {row.session.pk for row in everything.rows}
    assert t["hg_gone"].pk not in {row.trainee_id for row in everything.rows}
    assert (s["old_year"].pk, t["jg2"].pk, NO_RECORD) in absentee_keys(everything)


def test_absentees_follow_filters_and_scoping(report_data):
    t, s, people = report_data.trainees, report_data.sessions, report_data.people
    officer = reports.absentees(people["officer_huli"], ReportFilters(year=2026), include_excused=True)
    assert {row.street for row in officer.rows} == {"湖里街道"}
    assert t["jg2"].pk not in {row.trainee_id for row in officer.rows}
    trainer = reports.absentees(people["trainer_b"], ReportFilters(), include_excused=True)
    assert {row.session for row in trainer.rows} <= {s["apr_start"], s["new_year"], s["old_year"]}
    assert {row.session for row in trainer.rows} == {s["old_year"]}
    streets = reports.absentees(people["district_admin"], ReportFilters(year=2026, street_id=street(JIANGTOU).pk))
    assert absentee_keys(streets) == {(s["jan"].pk, t["jg2"].pk, NO_RECORD)}
    roles = reports.absentees(people["district_admin"], ReportFilters(year=2026, role=TraineeRole.SAFETY_INSPECTOR))
    assert absentee_keys(roles) == {(s["jan"].pk, t["hi1"].pk, "absent")}


def set_required(n):
    settings = TrainingSettings.load()
    settings.compliance_min_sessions_per_year = n
    settings.save()


def test_compliance_uses_n_from_the_settings(report_data):
    t, admin = report_data.trainees, report_data.people["district_admin"]
    active = Trainee.objects.filter(active=True)

    def expected(n):
        return {trainee.pk for trainee in active if counted(2026, trainee=trainee).count() < n}

    for n in (1, 2, 3):
        set_required(n)
        result = reports.compliance(admin, 2026)
        assert result.required == n
        assert {trainee.pk for trainee in result.rows} == expected(n)
        for trainee in result.rows:
            assert trainee.attended == counted(2026, trainee=trainee).count()
        assert result.population == active.count()
    set_required(1)
    assert [trainee.pk for trainee in reports.compliance(admin, 2026).rows] == [t["hg3"].pk]
    set_required(3)
    rows = reports.compliance(admin, 2026).rows
    assert t["hg1"].pk in {trainee.pk for trainee in rows}
    assert rows[0].attended == 0  # the untrained first
    assert t["hg_gone"].pk not in {trainee.pk for trainee in rows}


def test_compliance_by_role_and_street_and_for_a_street_officer(report_data):
    t, people = report_data.trainees, report_data.people
    set_required(2)
    grid = reports.compliance(people["district_admin"], 2026, role=TraineeRole.GRID_WORKER)
    assert {trainee.pk for trainee in grid.rows} == {t["hg2"].pk, t["hg3"].pk, t["jg2"].pk}
    huli = reports.compliance(people["district_admin"], 2026, street_id=street(HULI).pk)
    officer = reports.compliance(people["officer_huli"], 2026)
    assert {trainee.pk for trainee in officer.rows} == {trainee.pk for trainee in huli.rows}
    assert {trainee.street.code for trainee in officer.rows} == {HULI}
    assert reports.compliance(people["officer_huli"], 2026, street_id=street(JIANGTOU).pk).rows == []
    # 2025: only the December session counts
    assert {trainee.pk for trainee in reports.compliance(people["district_admin"], 2025, required=1).rows} == (
        set(Trainee.objects.filter(active=True).values_list("pk", flat=True)) - {t["hg1"].pk, t["jg1"].pk}
    )


def test_who_may_see_the_reports(people):
    allowed = {key: (reports.can_view_reports(user), reports.can_view_compliance(user)) for key, user in people.items()}
    assert allowed == {
        "trainer_a": (True, False),
        "trainer_b": (True, False),
        "officer_huli": (True, True),
        "officer_jiangtou": (True, True),
        "district_admin": (True, True),
        "superuser": (True, True),
        "editor": (False, False),
    }
    staff_without_role = make_user("someone_else")
    assert not reports.can_view_reports(staff_without_role)


def test_absentees_are_the_same_whatever_the_union_chunk(report_data, monkeypatch):
    """Over 200 held sessions the absentee query is split; the rows and their
    order must not change."""
    admin = report_data.people["district_admin"]
    whole = reports.absentees(admin, ReportFilters(), include_excused=True).rows
    monkeypatch.setattr(reports, "UNION_CHUNK", 1)
    assert reports.absentees(admin, ReportFilters(), include_excused=True).rows == whole
    assert len({row.session for row in whole}) > 1


def test_report_workbook_writes_formula_like_text_as_text():
    """A trainee named "=HYPERLINK(…)" on an imported sheet stays a name in the export."""
    from portal.tables import Cell, Table
    from portal.xlsx import workbook

    table = Table("人次", ["姓名", "人次"], rows=[[Cell('=HYPERLINK("http://evil.example")'), Cell(3)]])
    book = workbook(table, "人次", [("搜索", "=1+1")])
    name, count = book.worksheets[0]["A2"], book.worksheets[0]["B2"]
    assert name.data_type == "s" and name.value.startswith("=HYPERLINK")
    assert count.data_type == "n"
    assert book.worksheets[1]["B2"].data_type == "s"
