"""Marking attendance: idempotent upserts that touch only the submitted marks,
walk-ins, and concurrent saves of one sheet (on PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from training import services
from training.models import (
    Attendance,
    AttendanceSource,
    AttendanceStatus,
    SessionLevel,
    SessionStatus,
    Trainee,
    TraineeRole,
)

from .conftest import HULI, JIANGTOU, make_session, make_trainee, street

pytestmark = pytest.mark.django_db

P, L, E, A = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT)


def stored(session):
    return {record.trainee_id: (record.status, record.remarks) for record in Attendance.objects.filter(session=session)}


def test_sheet_lists_the_audience_and_anyone_marked(people, roster, session_a):
    listed = set(services.sheet_trainees(session_a))
    assert listed == set(roster["huli"] + roster["jiangtou"])  # grid workers of every street
    Trainee.objects.filter(pk=roster["huli"][0].pk).update(active=False)
    services.add_walk_in(session_a, roster["inspector"], people["trainer_a"])
    listed = set(services.sheet_trainees(session_a))
    assert roster["inspector"] in listed and roster["huli"][0] not in listed


def test_street_session_lists_only_its_street(people, roster):
    session = make_session([people["trainer_a"]], level=SessionLevel.STREET, street_code=HULI)
    assert set(services.sheet_trainees(session)) == set(roster["huli"])


def test_marking_is_idempotent_and_touches_only_the_given_marks(people, roster, session_a):
    first, second, third = roster["huli"]
    trainer = people["trainer_a"]
    assert (
        services.mark_attendance(session_a, {first.pk: services.Mark(P), second.pk: services.Mark(E, "病假")}, trainer)
        == 2
    )
    marked_at = Attendance.objects.get(trainee=first).marked_at
    # the same marks again: nothing written
    assert services.mark_attendance(session_a, {first.pk: services.Mark(P)}, trainer) == 0
    assert Attendance.objects.get(trainee=first).marked_at == marked_at
    # another trainer marks only the third: the others are untouched
    assert services.mark_attendance(session_a, {third.pk: services.Mark(L)}, people["trainer_b"]) == 1
    assert stored(session_a) == {first.pk: (P, ""), second.pk: (E, "病假"), third.pk: (L, "")}
    # a change updates the one row in place
    services.mark_attendance(session_a, {first.pk: services.Mark(A, "未到")}, trainer)
    assert Attendance.objects.filter(session=session_a).count() == 3
    record = Attendance.objects.get(trainee=first)
    assert (record.status, record.remarks, record.marked_by) == (A, "未到", trainer)
    assert record.source == AttendanceSource.SHEET


def test_bad_marks_and_cancelled_sessions_save_nothing(people, roster, session_a):
    first, second, _third = roster["huli"]
    with pytest.raises(services.AttendanceRefused):
        services.mark_attendance(
            session_a, {first.pk: services.Mark(P), second.pk: services.Mark("here")}, people["trainer_a"]
        )
    with pytest.raises(services.AttendanceRefused):
        services.mark_attendance(session_a, {first.pk: services.Mark(P, "长" * 201)}, people["trainer_a"])
    session_a.status = SessionStatus.CANCELLED
    session_a.save()
    with pytest.raises(services.AttendanceRefused, match="取消"):
        services.mark_attendance(session_a, {first.pk: services.Mark(P)}, people["trainer_a"])
    assert not Attendance.objects.exists()


def test_walk_in_from_the_roster_keeps_an_existing_mark(people, roster, session_a):
    walk_in = roster["inspector"]
    record, created = services.add_walk_in(session_a, walk_in, people["trainer_a"])
    assert created and (record.status, record.source) == (P, AttendanceSource.WALK_IN)
    services.mark_attendance(session_a, {walk_in.pk: services.Mark(L)}, people["trainer_a"])
    _record, created = services.add_walk_in(session_a, walk_in, people["trainer_a"])
    assert not created and stored(session_a)[walk_in.pk] == (L, "")


def test_new_walk_in_is_added_and_marked_or_nothing(people, roster, session_a):
    details = {
        "name": "新学员",
        "role": TraineeRole.PROPERTY_STAFF,
        "street": street(JIANGTOU),
        "community": None,
        "organisation": "物业公司",
        "mobile": "139 0000 7777",
    }
    record = services.add_new_walk_in(session_a, details, people["trainer_a"])
    assert record.trainee.mobile == "13900007777" and record.source == AttendanceSource.WALK_IN
    with pytest.raises(services.TraineeRefused) as refusal:
        services.add_new_walk_in(session_a, {**details, "name": "另一人"}, people["trainer_a"])
    assert set(refusal.value.errors) == {"mobile"}
    assert Trainee.objects.filter(name="另一人").count() == 0
    assert Attendance.objects.filter(session=session_a).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_saves_of_one_sheet_lose_no_marks():
    """Eight trainers save different rows of one sheet at the same moment,
    then all of them save the same row: every mark survives, nothing fails."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises writers, there is no race to test (CI runs this on PostgreSQL)"
        )
    from .conftest import make_user

    trainers = [make_user(f"concurrent_{index}") for index in range(8)]
    session = make_session(trainers)
    trainees = [make_trainee(HULI, name=f"并发学员{index}") for index in range(16)]
    statuses = [P, L, E, A]
    errors = []

    def run_all(job):
        barrier = threading.Barrier(len(trainers))

        def work(index):
            try:
                barrier.wait()
                job(index)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(repr(error))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=work, args=(index,)) for index in range(len(trainers))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def save_two_rows(index):
        rows = trainees[index * 2 : index * 2 + 2]
        services.mark_attendance(
            session, {t.pk: services.Mark(statuses[index % 4], f"由{index}") for t in rows}, trainers[index]
        )

    run_all(save_two_rows)
    assert not errors
    expected = {t.pk: (statuses[(i // 2) % 4], f"由{i // 2}") for i, t in enumerate(trainees)}
    assert stored(session) == expected

    shared = make_trainee(HULI, name="同一行")
    run_all(
        lambda index: services.mark_attendance(
            session, {shared.pk: services.Mark(statuses[index % 4])}, trainers[index]
        )
    )
    assert not errors
    assert Attendance.objects.filter(session=session, trainee=shared).count() == 1
