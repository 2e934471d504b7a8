"""The attendance sheet through HTTP: saving, idempotence, stale pages of two
trainers, mark all present without JavaScript, walk-ins, bad input, and a
bounded number of queries."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from training.models import Attendance, AttendanceSource, SessionStatus, Trainee

from .conftest import HULI, JIANGTOU, make_session, make_trainee, make_user, street

pytestmark = pytest.mark.django_db


def sheet_url(session):
    return reverse("training:sheet", args=[session.pk])


def form_data(response, changes=None, action="save", **extra):
    """What the browser would post from a loaded sheet, with ``changes``
    ({trainee: status or (status, remarks)}) applied."""
    data = {"action": action, "trainee": []}
    for row in response.context["rows"]:
        key = row.key
        data["trainee"].append(key)
        data[f"was-status-{key}"], data[f"was-remarks-{key}"] = row.was_status, row.was_remarks
        if row.status:
            data[f"status-{key}"] = row.status
        data[f"remarks-{key}"] = row.remarks
    for trainee, change in (changes or {}).items():
        status, remarks = change if isinstance(change, tuple) else (change, None)
        data[f"status-{trainee.pk}"] = status
        if remarks is not None:
            data[f"remarks-{trainee.pk}"] = remarks
    return {**data, **extra}


def stored(session):
    return {
        record.trainee.name: (record.status, record.remarks)
        for record in Attendance.objects.filter(session=session).select_related("trainee")
    }


@pytest.fixture
def trainer(people, login):
    return login(people["trainer_a"])


def test_sheet_lists_the_audience_with_four_statuses(trainer, roster, session_a):
    response = trainer.get(sheet_url(session_a))
    assert response.status_code == 200
    page = response.content.decode()
    names = [row.trainee.name for row in response.context["rows"]]
    assert set(names) == {t.name for t in roster["huli"] + roster["jiangtou"]}
    assert roster["inspector"].name not in names
    for label in ("出席", "迟到", "请假", "缺席", "全部标记为出席"):
        assert label in page
    assert page.count('type="radio"') == 4 * len(names)


def test_save_then_save_again_changes_nothing(trainer, roster, session_a):
    first, second, _third = roster["huli"]
    page = trainer.get(sheet_url(session_a))
    response = trainer.post(sheet_url(session_a), form_data(page, {first: "present", second: ("excused", "病假")}))
    assert response.status_code == 302
    assert stored(session_a) == {first.name: ("present", ""), second.name: ("excused", "病假")}
    marked_at = list(Attendance.objects.order_by("pk").values_list("marked_at", flat=True))
    page = trainer.get(sheet_url(session_a))
    response = trainer.post(sheet_url(session_a), form_data(page), follow=True)
    assert "没有变化" in response.content.decode()
    assert list(Attendance.objects.order_by("pk").values_list("marked_at", flat=True)) == marked_at
    # posting the very same (now stale) form again writes nothing either
    trainer.post(sheet_url(session_a), form_data(page))
    assert list(Attendance.objects.order_by("pk").values_list("marked_at", flat=True)) == marked_at


def test_two_trainers_with_the_sheet_open_both_keep_their_marks(people, roster, login):
    session = make_session([people["trainer_a"], people["trainer_b"]])
    first, second, third = roster["huli"]
    a, b = Client(), Client()
    a.force_login(people["trainer_a"])
    b.force_login(people["trainer_b"])
    page_a, page_b = a.get(sheet_url(session)), b.get(sheet_url(session))  # both open it, all unmarked
    a.post(sheet_url(session), form_data(page_a, {first: "present", second: "late"}))
    b.post(sheet_url(session), form_data(page_b, {third: "absent", second: ("late", "堵车")}))
    assert stored(session) == {first.name: ("present", ""), second.name: ("late", "堵车"), third.name: ("absent", "")}


def test_a_stale_page_does_not_undo_another_trainers_change(people, roster, login):
    session = make_session([people["trainer_a"], people["trainer_b"]])
    first, _second, third = roster["huli"]
    Attendance.objects.create(session=session, trainee=first, status="absent", marked_by=people["trainer_a"])
    a, b = Client(), Client()
    a.force_login(people["trainer_a"])
    b.force_login(people["trainer_b"])
    page_a, page_b = a.get(sheet_url(session)), b.get(sheet_url(session))  # both show first as absent
    a.post(sheet_url(session), form_data(page_a, {first: ("present", "补签")}))
    b.post(sheet_url(session), form_data(page_b, {third: "late"}))  # still shows first as absent
    assert stored(session) == {first.name: ("present", "补签"), third.name: ("late", "")}
    assert Attendance.objects.get(trainee=first).marked_by == people["trainer_a"]


def test_mark_all_present_without_javascript_fills_in_but_saves_nothing(trainer, roster, session_a):
    page = trainer.get(sheet_url(session_a))
    response = trainer.post(sheet_url(session_a), form_data(page, action="mark_all", **{"new-name": "半填"}))
    assert response.status_code == 200
    assert {row.status for row in response.context["rows"]} == {"present"}
    assert not Attendance.objects.exists()
    # what was typed for a new walk-in is kept, and not reported as incomplete
    new_form = response.context["new_form"]
    assert not new_form.is_bound and new_form.initial["name"] == "半填"
    assert "error-message" not in response.content.decode().split('id="walk-in"')[1]
    # saving that page records everyone present
    trainer.post(sheet_url(session_a), form_data(response))
    assert set(stored(session_a).values()) == {("present", "")} and len(stored(session_a)) == 5


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"status": "here"}, "出席、迟到、请假或缺席"),
        ({"remarks": "长" * 201}, "200"),
        ({"status": None, "remarks": "没有状态的备注"}, "请先选择"),
    ],
)
def test_bad_marks_are_explained_and_save_nothing(trainer, roster, session_a, bad, message):
    first, second, _third = roster["huli"]
    page = trainer.get(sheet_url(session_a))
    data = form_data(page, {first: "present"})
    key = second.pk
    if bad.get("status"):
        data[f"status-{key}"] = bad["status"]
    if "remarks" in bad:
        data[f"remarks-{key}"] = bad["remarks"]
    response = trainer.post(sheet_url(session_a), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "未保存" in response.content.decode()
    assert not Attendance.objects.exists()


def test_someone_not_on_the_sheet_is_refused(trainer, roster, session_a):
    page = trainer.get(sheet_url(session_a))
    outsider = roster["inspector"]
    data = form_data(page, {roster["huli"][0]: "present"})
    data["trainee"].append(str(outsider.pk))
    data[f"status-{outsider.pk}"] = "present"
    response = trainer.post(sheet_url(session_a), data)
    assert response.status_code == 400 and not Attendance.objects.exists()


def test_walk_in_from_the_roster_saves_the_marks_too(trainer, roster, session_a):
    inspector, first = roster["inspector"], roster["huli"][0]
    results = trainer.get(sheet_url(session_a), {"q": "安全员"})
    assert [t.name for t in results.context["results"]] == [inspector.name]
    assert [t.name for t in trainer.get(sheet_url(session_a), {"q": inspector.mobile[-4:]}).context["results"]] == [
        inspector.name
    ]
    response = trainer.post(sheet_url(session_a), form_data(results, {first: "late"}, action=f"add-{inspector.pk}"))
    assert response.status_code == 302
    assert stored(session_a) == {first.name: ("late", ""), inspector.name: ("present", "")}
    assert Attendance.objects.get(trainee=inspector).source == AttendanceSource.WALK_IN
    # now on the sheet, so no longer offered by the search
    assert trainer.get(sheet_url(session_a), {"q": "安全员"}).context["results"] == []


def new_walk_in(**overrides):
    huli = street(HULI)
    data = {
        "new-name": "新来的",
        "new-mobile": "139 1234 5678",
        "new-role": "construction_worker",
        "new-street": huli.pk,
        "new-community": huli.communities.first().pk,
        "new-organisation": "装修公司",
    }
    return {**data, **overrides}


def test_new_walk_in_is_checked_like_an_import_row(trainer, roster, session_a):
    first = roster["huli"][0]
    page = trainer.get(sheet_url(session_a))
    jiangtou_community = street(JIANGTOU).communities.first()
    bad = new_walk_in(**{"new-mobile": "1391234", "new-community": jiangtou_community.pk, "new-name": ""})
    response = trainer.post(sheet_url(session_a), form_data(page, {first: "present"}, action="add_new", **bad))
    assert response.status_code == 400
    errors = response.context["new_form"].errors
    assert set(errors) == {"name", "mobile", "community"}
    assert "11位" in errors["mobile"][0] and jiangtou_community.name in errors["community"][0]
    assert not Attendance.objects.exists() and not Trainee.objects.filter(name="新来的").exists()
    response = trainer.post(
        sheet_url(session_a), form_data(page, {first: "present"}, action="add_new", **new_walk_in())
    )
    assert response.status_code == 302
    walk_in = Trainee.objects.get(mobile="13912345678")
    assert stored(session_a) == {first.name: ("present", ""), walk_in.name: ("present", "")}
    # the same person again is refused: already on the roster
    response = trainer.post(
        sheet_url(session_a),
        form_data(trainer.get(sheet_url(session_a)), action="add_new", **new_walk_in(**{"new-name": "又一个"})),
    )
    assert response.status_code == 400 and "已在" in response.content.decode()


def test_cancelled_session_cannot_be_marked(trainer, roster, session_a):
    session_a.status = SessionStatus.CANCELLED
    session_a.save()
    page = trainer.get(sheet_url(session_a))
    assert "已取消" in page.content.decode()
    response = trainer.post(sheet_url(session_a), form_data(page, {roster["huli"][0]: "present"}))
    assert response.status_code == 400 and not Attendance.objects.exists()


def test_district_admin_and_superuser_may_take_any_attendance(people, roster, session_a, login):
    for key in ("district_admin", "superuser"):
        assert login(people[key]).get(sheet_url(session_a)).status_code == 200


@pytest.mark.parametrize("size", [5, 60])
def test_sheet_queries_do_not_grow_with_the_roster(trainer, people, django_assert_max_num_queries, size):
    session = make_session([people["trainer_a"]])
    trainees = [make_trainee(HULI if i % 2 else JIANGTOU, name=f"学员甲{i}") for i in range(size)]
    for trainee in trainees[::3]:
        Attendance.objects.create(session=session, trainee=trainee, status="present")
    trainer.get(sheet_url(session))  # warm the per-process caches (content types, settings)
    # About ten are the admin's own (session, user, permissions, menu); the same bound for 5 and 60 people.
    with django_assert_max_num_queries(18):
        page = trainer.get(sheet_url(session), {"q": "学员"})
    with django_assert_max_num_queries(22):
        trainer.post(sheet_url(session), form_data(page, {t: "late" for t in trainees}))
    assert Attendance.objects.filter(session=session, status="late").count() == size


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_sheet_saves_over_http_lose_nothing():
    """Six trainers open the same sheet, each marks other rows, all save at once."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises writers, there is no race to test (CI runs this on PostgreSQL)"
        )
    from training import roles

    trainers = [make_user(f"sheet_trainer_{index}", roles.TRAINER) for index in range(6)]
    session = make_session(trainers)
    trainees = [make_trainee(HULI, name=f"同时学员{index}") for index in range(18)]
    clients = []
    for user in trainers:
        client = Client()
        client.force_login(user)
        clients.append((client, client.get(sheet_url(session))))
    barrier, errors = threading.Barrier(len(clients)), []

    def save(index):
        client, page = clients[index]
        try:
            mine = trainees[index * 3 : index * 3 + 3]
            data = form_data(page, {t: ("excused", f"讲师{index}") for t in mine})
            barrier.wait()
            response = client.post(sheet_url(session), data)
            assert response.status_code == 302, response.status_code
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(index,)) for index in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert stored(session) == {t.name: ("excused", f"讲师{i // 3}") for i, t in enumerate(trainees)}
