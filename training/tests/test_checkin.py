"""The self check-in rules (training/checkin/services.py), without HTTP: every
outcome, the window's edges, the trainer's marks that a check-in never
touches, and the requests of unknown numbers through to the trainer's
decision. ``now`` is passed in, so no test depends on the clock."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from portal.models import Community
from training import services
from training.checkin import services as checkin
from training.checkin.services import Outcome
from training.models import (
    Attendance,
    AttendanceSource,
    AttendanceStatus,
    CheckinRequest,
    SessionLevel,
    SessionStatus,
    Trainee,
    TraineeRole,
)

from .checkin_support import MINUTE, join_data, pending_count, timed_session
from .conftest import HULI, JIANGTOU, make_trainee, make_user, street

pytestmark = pytest.mark.django_db

T0 = timezone.now().replace(microsecond=0)


@pytest.fixture
def session(people, roster):
    """Starts at T0 + 60 min: check-in opens at T0 + 30, late after T0 + 75, closes at T0 + 180."""
    return timed_session([people["trainer_a"]], 60, base=T0)


@pytest.fixture
def trainee(roster):
    return roster["huli"][0]


def at(minutes, seconds=0):
    return T0 + minutes * MINUTE + seconds * MINUTE / 60


def records():
    return list(Attendance.objects.values_list("session_id", "trainee_id", "status", "source", "marked_by_id"))


# --- the window -----------------------------------------------------------------


def test_on_time_marks_present_as_a_self_check_in(session, trainee):
    result = checkin.check_in(session.checkin_code, trainee.mobile, trainee.name, now=at(45))
    assert result.outcome == Outcome.PRESENT
    record = Attendance.objects.get()
    assert (record.session, record.trainee, record.status) == (session, trainee, AttendanceStatus.PRESENT)
    assert record.source == AttendanceSource.SELF_CHECKIN and record.marked_by is None
    assert record.marked_at == at(45)
    assert result.record == record


@pytest.mark.parametrize(
    "minutes, expected",
    [
        (30, Outcome.PRESENT),  # the window opens: 30 minutes before the start
        (75, Outcome.PRESENT),  # the last moment of the grace period
        (75 + 1 / 60, Outcome.LATE),  # one second later
        (180, Outcome.LATE),  # the end of the session still counts
    ],
)
def test_the_edges_of_the_window_and_of_the_grace_period(session, trainee, minutes, expected):
    assert checkin.check_in(session.checkin_code, trainee.mobile, trainee.name, now=at(minutes)).outcome == expected
    assert Attendance.objects.get().status == expected.value


def test_late_after_the_grace_period_the_staff_set(session, trainee):
    session.late_after_minutes = 5
    session.save()
    result = checkin.check_in(session.checkin_code, trainee.mobile, trainee.name, now=at(66))
    assert result.outcome == Outcome.LATE
    assert Attendance.objects.get().status == AttendanceStatus.LATE


@pytest.mark.parametrize(
    "minutes, expected",
    [
        (30 - 1 / 60, Outcome.NOT_OPEN),
        (-600, Outcome.NOT_OPEN),
        (180 + 1 / 60, Outcome.CLOSED),
        (60 * 24 * 3, Outcome.CLOSED),  # an expired code, days later
    ],
)
def test_outside_the_window_is_refused_and_writes_nothing(
    session, trainee, minutes, expected, django_assert_max_num_queries
):
    with django_assert_max_num_queries(1):  # the session only: the number is not even looked up
        result = checkin.check_in(session.checkin_code, trainee.mobile, trainee.name, now=at(minutes))
    assert result.outcome == expected and result.session == session
    assert records() == []


def test_the_lead_time_the_staff_set_moves_the_opening(session, trainee):
    session.checkin_opens_minutes_before = 5
    session.save()
    assert checkin.check_in(session.checkin_code, trainee.mobile, trainee.name, now=at(50)).outcome == Outcome.NOT_OPEN
    assert checkin.check_in(session.checkin_code, trainee.mobile, trainee.name, now=at(55)).outcome == Outcome.PRESENT


def test_a_cancelled_session_refuses_inside_its_window(session, trainee):
    session.status = SessionStatus.CANCELLED
    session.save()
    assert checkin.check_in(session.checkin_code, trainee.mobile, trainee.name, now=at(50)).outcome == Outcome.CANCELLED
    assert records() == []


def test_a_held_session_still_accepts_check_ins_inside_its_window(session, trainee):
    session.status = SessionStatus.HELD  # the trainer closed the books early
    session.save()
    assert checkin.check_in(session.checkin_code, trainee.mobile, trainee.name, now=at(50)).outcome == Outcome.PRESENT


# --- once only; the trainer's marks stay ---------------------------------------------


def test_checking_in_twice_keeps_one_unchanged_record(session, trainee):
    first = checkin.check_in(session.checkin_code, trainee.mobile, trainee.name, now=at(40))
    second = checkin.check_in(session.checkin_code, trainee.mobile, trainee.name, now=at(100))  # would be late
    assert (first.outcome, second.outcome) == (Outcome.PRESENT, Outcome.ALREADY)
    record = Attendance.objects.get()
    assert (record.status, record.marked_at) == (AttendanceStatus.PRESENT, at(40))
    assert second.record == record  # the page tells the time and status of the first check-in


@pytest.mark.parametrize(
    "status", [AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT, AttendanceStatus.PRESENT, AttendanceStatus.LATE]
)
def test_a_mark_the_trainer_set_is_never_overwritten(session, trainee, people, status):
    trainer = people["trainer_a"]
    services.mark_attendance(session, {trainee.pk: services.Mark(status, "讲师登记")}, trainer)
    before = Attendance.objects.values().get()
    result = checkin.check_in(session.checkin_code, trainee.mobile, trainee.name, now=at(40))
    assert result.outcome == Outcome.ALREADY
    assert Attendance.objects.values().get() == before
    assert result.record.status == status and result.record.marked_by == trainer


def test_a_check_in_does_not_touch_other_trainees(session, roster):
    other = roster["huli"][1]
    services.mark_attendance(session, {other.pk: services.Mark(AttendanceStatus.EXCUSED)}, None)
    checkin.check_in(session.checkin_code, roster["huli"][0].mobile, roster["huli"][0].name, now=at(40))
    assert Attendance.objects.get(trainee=other).status == AttendanceStatus.EXCUSED
    assert Attendance.objects.count() == 2


# --- who may check in ----------------------------------------------------------------


def test_an_inactive_trainee_is_answered_like_an_unknown_number(session, trainee):
    Trainee.objects.filter(pk=trainee.pk).update(active=False)
    result = checkin.check_in(session.checkin_code, trainee.mobile, trainee.name, now=at(40))
    assert result.outcome == Outcome.UNKNOWN and result.record is None
    assert records() == []


def test_the_name_must_go_with_the_number(session, trainee):
    """A guesser has numbers, not names: a right number with another name gets
    exactly the answer of a number that is not on the roster."""
    wrong_name = checkin.check_in(session.checkin_code, trainee.mobile, "王五", now=at(40))
    unknown = checkin.check_in(session.checkin_code, "13705929999", "王五", now=at(40))
    assert wrong_name.outcome == unknown.outcome == Outcome.UNKNOWN
    assert wrong_name.record is None and records() == []
    spaced = " ".join(trainee.name) + " "
    assert checkin.check_in(session.checkin_code, trainee.mobile, spaced, now=at(41)).outcome == Outcome.PRESENT


def test_two_hundred_guesses_at_a_code_mark_nobody_present(session, roster):
    """Every number on the roster, and more, tried with a guessed name."""
    numbers = [person.mobile for person in [*roster["huli"], *roster["jiangtou"], roster["inspector"]]]
    numbers += [f"1370592{n:04d}" for n in range(200 - len(numbers))]
    for number in numbers[:200]:
        assert checkin.check_in(session.checkin_code, number, "张伟", now=at(40)).outcome != Outcome.PRESENT
    assert records() == []


def test_an_unknown_number_is_told_so_and_nothing_is_written(session):
    result = checkin.check_in(session.checkin_code, "+86 137-0592-0001", "张三", now=at(40))
    assert result.outcome == Outcome.UNKNOWN and result.mobile == "13705920001"
    assert records() == []


@pytest.mark.parametrize("mobile", ["abc", "1370592000", "23705920001", ""])
def test_an_invalid_number_is_refused(session, mobile):
    assert checkin.check_in(session.checkin_code, mobile, "张三", now=at(40)).outcome == Outcome.INVALID_MOBILE
    assert records() == []


def test_a_trainee_outside_the_audience_may_check_in(people, roster):
    """They were in the room: the sheet lists everyone marked."""
    session = timed_session(
        [people["trainer_a"]],
        60,
        base=T0,
        level=SessionLevel.STREET,
        street_code=HULI,
        roles_=[TraineeRole.GRID_WORKER],
    )
    outsider = make_trainee(JIANGTOU, role=TraineeRole.PROPERTY_STAFF)
    assert checkin.check_in(session.checkin_code, outsider.mobile, outsider.name, now=at(40)).outcome == Outcome.PRESENT
    assert outsider.pk in {trainee.pk for trainee in services.sheet_trainees(session)}


def test_the_capacity_does_not_refuse_a_check_in(session, roster):
    session.capacity = 1
    session.save()
    for person in roster["huli"][:2]:
        assert checkin.check_in(session.checkin_code, person.mobile, person.name, now=at(40)).outcome == Outcome.PRESENT


def test_the_mobile_number_may_be_typed_in_any_usual_spelling(session, trainee):
    typed = " ".join([trainee.mobile[:3], trainee.mobile[3:7], trainee.mobile[7:]])
    full_width = "".join(chr(ord(char) + 0xFEE0) for char in trainee.mobile)
    assert checkin.check_in(session.checkin_code, "+86 " + typed, trainee.name, now=at(40)).outcome == Outcome.PRESENT
    assert checkin.check_in(session.checkin_code, full_width, trainee.name, now=at(41)).outcome == Outcome.ALREADY


# --- codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["", "ABC", "ABCDEFG", "ABCD0O", "ABC DE1"])
def test_a_malformed_code_is_wrong_without_a_query(session, trainee, code, django_assert_num_queries):
    with django_assert_num_queries(0):
        result = checkin.check_in(code, trainee.mobile, trainee.name, now=at(40))
    assert result.outcome == Outcome.WRONG_CODE and result.session is None
    assert records() == []


def test_a_well_formed_code_of_no_session_is_wrong(session, trainee):
    code = "ZZZZZZ" if session.checkin_code != "ZZZZZZ" else "YYYYYY"
    assert checkin.check_in(code, trainee.mobile, trainee.name, now=at(40)).outcome == Outcome.WRONG_CODE
    assert records() == []


def test_the_code_may_be_typed_in_lower_case_with_spaces_and_full_width(session, trainee):
    code = session.checkin_code
    spellings = [
        code.lower(),
        f" {code[:3]} {code[3:]} ",
        f"{code[:3]}-{code[3:]}",
        "".join(chr(ord(char) + 0xFEE0) for char in code.lower()),
    ]
    for spelling in spellings:
        assert checkin.normalise_code(spelling) == code
    assert checkin.check_in(spellings[1], trainee.mobile, trainee.name, now=at(40)).outcome == Outcome.PRESENT
    assert checkin.check_in(spellings[3], trainee.mobile, trainee.name, now=at(41)).outcome == Outcome.ALREADY


def test_masked_name():
    assert checkin.masked_name("张三") == "张*"
    assert checkin.masked_name("欧阳娜娜") == "欧***"
    assert checkin.masked_name("李") == "李*"
    assert checkin.masked_name("") == ""


# --- requests of unknown numbers ------------------------------------------------------------------


def test_a_request_is_pending_with_the_normalised_number(session):
    join, created = checkin.request_to_join(session, **join_data(mobile="137 0592 0001"), now=at(40))
    assert created and join.status == "pending" and join.mobile == "13705920001"
    assert (join.session, join.name, join.role, join.street) == (session, "新学员", "grid_worker", street(HULI))
    assert join.decided_by is None and join.decided_at is None and join.trainee is None


def test_one_pending_request_per_session_and_number(session, people):
    first, created = checkin.request_to_join(session, **join_data(), now=at(40))
    again, created_again = checkin.request_to_join(
        session, **join_data(name="另一个名字", mobile="+8613705920001"), now=at(41)
    )
    assert created and not created_again and again == first
    assert pending_count() == 1 and CheckinRequest.objects.get().name == "新学员"
    # the same number may ask for another session
    other = timed_session([people["trainer_a"]], 60, base=T0, title="另一场")
    assert checkin.request_to_join(other, **join_data(), now=at(40))[1]
    assert pending_count() == 2


def test_after_a_rejection_the_number_may_ask_again(session, people):
    join, _created = checkin.request_to_join(session, **join_data(), now=at(40))
    checkin.reject_request(join, people["trainer_a"], now=at(41))
    assert checkin.request_to_join(session, **join_data(), now=at(42))[1]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"name": "  "}, "name"),
        ({"mobile": "1370592"}, "mobile"),
        ({"role": "boss"}, "role"),
        ({"street": None}, "street"),
        ({"community": "jiangtou"}, "community"),  # a community of another street
        ({"organisation": "单" * 101}, "organisation"),
    ],
)
def test_a_request_is_checked_with_the_roster_rules(session, overrides, field):
    if overrides.get("community") == "jiangtou":
        overrides["community"] = Community.objects.filter(street__code=JIANGTOU).first()
    with pytest.raises(checkin.RequestRefused) as refused:
        checkin.request_to_join(session, **join_data(**overrides), now=at(40))
    assert field in refused.value.errors
    assert CheckinRequest.objects.count() == 0


def test_a_number_on_the_roster_may_ask_like_any_other(session, trainee):
    """Refusing it would tell a guesser the number is on the roster; the
    trainer decides, and confirming finds the roster's entry."""
    join, created = checkin.request_to_join(session, **join_data(mobile=trainee.mobile), now=at(40))
    assert created and join.mobile == trainee.mobile
    Trainee.objects.filter(pk=trainee.pk).update(active=False)
    other = timed_session([session.trainers.first()], 60, base=T0)
    assert checkin.request_to_join(other, **join_data(mobile=trainee.mobile), now=at(40))[1]


@pytest.mark.parametrize("minutes, cancelled", [(10, False), (200, False), (40, True)])
def test_no_request_outside_the_window_or_for_a_cancelled_session(session, minutes, cancelled):
    if cancelled:
        session.status = SessionStatus.CANCELLED
        session.save()
    with pytest.raises(checkin.RequestRefused) as refused:
        checkin.request_to_join(session, **join_data(), now=at(minutes))
    assert "__all__" in refused.value.errors
    assert CheckinRequest.objects.count() == 0


def _request_made_at(session, minutes, **overrides):
    join, _created = checkin.request_to_join(session, **join_data(**overrides), now=at(minutes))
    CheckinRequest.objects.filter(pk=join.pk).update(created_at=at(minutes))  # auto_now_add used the clock
    return CheckinRequest.objects.get(pk=join.pk)


@pytest.mark.parametrize("minutes, status", [(50, AttendanceStatus.PRESENT), (90, AttendanceStatus.LATE)])
def test_confirming_adds_the_trainee_and_marks_them_as_of_the_request(session, people, minutes, status):
    trainer = people["trainer_a"]
    join = _request_made_at(session, minutes, community=Community.objects.filter(street__code=HULI).first())
    record, created = checkin.confirm_request(join, trainer, now=at(300))  # decided after the session
    assert created
    trainee = Trainee.objects.get(mobile="13705920001")
    assert (trainee.name, trainee.role, trainee.street, trainee.community, trainee.organisation, trainee.active) == (
        join.name,
        join.role,
        join.street,
        join.community,
        join.organisation,
        True,
    )
    assert (record.session, record.trainee, record.status) == (session, trainee, status)
    assert (record.source, record.marked_by, record.marked_at) == (AttendanceSource.SELF_CHECKIN, trainer, at(minutes))
    join.refresh_from_db()
    assert (join.status, join.decided_by, join.decided_at, join.trainee) == ("confirmed", trainer, at(300), trainee)


def test_confirming_an_inactive_trainee_makes_them_active_again(session, people, trainee):
    Trainee.objects.filter(pk=trainee.pk).update(active=False)
    join = _request_made_at(session, 40, mobile=trainee.mobile, name="改过的名字")
    checkin.confirm_request(join, people["trainer_a"], now=at(60))
    trainee.refresh_from_db()
    assert trainee.active and trainee.name != "改过的名字"  # the roster entry is matched, not rewritten
    assert Trainee.objects.filter(mobile=trainee.mobile).count() == 1
    assert Attendance.objects.get().trainee == trainee


def test_confirming_keeps_a_mark_the_trainer_set_meanwhile(session, people):
    join = _request_made_at(session, 40)
    walk_in = services.add_new_walk_in(session, {**join_data(), "mobile": join.mobile}, people["trainer_a"])
    services.mark_attendance(
        session, {walk_in.trainee_id: services.Mark(AttendanceStatus.EXCUSED)}, people["trainer_a"]
    )
    record, created = checkin.confirm_request(join, people["trainer_b"], now=at(60))
    assert not created and record.status == AttendanceStatus.EXCUSED
    assert Attendance.objects.count() == 1 and Trainee.objects.filter(mobile=join.mobile).count() == 1


def test_a_request_is_decided_once(session, people):
    join = _request_made_at(session, 40)
    checkin.confirm_request(join, people["trainer_a"], now=at(60))
    before = (list(Attendance.objects.values()), list(CheckinRequest.objects.values()))
    for decide in (checkin.confirm_request, checkin.reject_request):
        with pytest.raises(checkin.RequestRefused):
            decide(join, people["trainer_b"], now=at(70))
    assert (list(Attendance.objects.values()), list(CheckinRequest.objects.values())) == before


def test_rejecting_adds_nobody(session, people):
    join = _request_made_at(session, 40)
    checkin.reject_request(join, people["trainer_a"], now=at(60))
    join.refresh_from_db()
    assert (join.status, join.decided_by, join.decided_at) == ("rejected", people["trainer_a"], at(60))
    assert not Trainee.objects.filter(mobile=join.mobile).exists() and records() == []
    with pytest.raises(checkin.RequestRefused):
        checkin.confirm_request(join, people["trainer_a"], now=at(61))
    assert records() == []


def test_a_cancelled_session_cannot_confirm_and_nothing_changes(session, people):
    join = _request_made_at(session, 40)
    session.status = SessionStatus.CANCELLED
    session.save()
    with pytest.raises(checkin.RequestRefused):
        checkin.confirm_request(join, people["trainer_a"], now=at(60))
    join.refresh_from_db()
    assert join.status == "pending" and records() == []
    assert not Trainee.objects.filter(mobile=join.mobile).exists()


# --- concurrency ------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_check_ins_and_a_trainers_mark_leave_one_record_with_the_trainers_mark():
    """Eight phones check the same trainee in at the same moment as their
    trainer marks them excused: one row, no error, and the trainer's mark."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises writers, there is no race to test (CI runs this on PostgreSQL)"
        )
    trainer = make_user("concurrent_trainer")
    session = timed_session([trainer], 10)
    trainee = make_trainee(HULI, name="并发签到")
    barrier, errors, outcomes = threading.Barrier(9), [], []

    def phone():
        try:
            barrier.wait()
            outcomes.append(checkin.check_in(session.checkin_code, trainee.mobile, trainee.name).outcome)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))
        finally:
            connections.close_all()

    def sheet():
        try:
            barrier.wait()
            services.mark_attendance(session, {trainee.pk: services.Mark(AttendanceStatus.EXCUSED)}, trainer)
        except Exception as error:  # noqa: BLE001
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=phone) for _index in range(8)] + [threading.Thread(target=sheet)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert outcomes.count(Outcome.PRESENT) <= 1 and len(outcomes) == 8
    assert set(outcomes) <= {Outcome.PRESENT, Outcome.ALREADY}
    record = Attendance.objects.get(session=session, trainee=trainee)
    assert record.status == AttendanceStatus.EXCUSED and record.marked_by == trainer
