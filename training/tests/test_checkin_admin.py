"""The trainers' side of the check-in in the admin: the poster, the waiting
requests with confirm / reject, and who may reach them (every boundary
tried from the wrong side), with bounded queries."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from wagtail import hooks

from training.checkin import services as checkin
from training.checkin.wagtail_hooks import SESSION_ACTIONS_HOOK
from training.models import Attendance, AttendanceStatus, SessionStatus, Trainee

from .checkin_support import join_data, timed_session

pytestmark = pytest.mark.django_db

LIST_URL = reverse("training_checkin:requests")


@pytest.fixture
def session(people, roster):
    return timed_session([people["trainer_a"]], -5, title="高处坠落防范培训（甲）")


@pytest.fixture
def join(session):
    return checkin.request_to_join(session, **join_data())[0]


def poster_url(session):
    return reverse("training_checkin:poster", args=[session.pk])


def decide_url(join, decision):
    return reverse(f"training_checkin:{decision}", args=[join.pk])


# --- the poster ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["trainer_a", "district_admin", "superuser"])
def test_the_poster_shows_the_qr_code_the_code_and_the_window(login, people, session, who):
    response = login(people[who]).get(poster_url(session))
    assert response.status_code == 200
    content = response.content.decode()
    checkin_url = f"http://testserver/training/checkin/{session.checkin_code}/"
    assert response.context["checkin_url"] == checkin_url
    assert re.search(r"<svg[^>]*class=\"qr-code\"", content)
    assert 'class="poster-code"' in content and f">{session.checkin_code}</p>" in content
    assert escape(session.title) in content and escape(session.venue) in content
    opens, late = checkin.opens_at(session), checkin.late_after(session)
    for moment in (opens, late, session.ends_at):
        assert f"{timezone.localtime(moment):%H:%M}" in content


def test_the_qr_code_encodes_the_check_in_address(login, people, session):
    """Same drawing as segno makes for the address: the phone opens exactly that page."""
    import segno

    content = login(people["trainer_a"]).get(poster_url(session)).content.decode()
    expected = segno.make(f"http://testserver/training/checkin/{session.checkin_code}/", error="m")
    path = re.search(r' d="([^"]+)"', expected.svg_inline(scale=8)).group(1)
    assert path in content


def test_the_poster_of_a_cancelled_session_says_so(login, people, session):
    session.status = SessionStatus.CANCELLED
    session.save()
    response = login(people["trainer_a"]).get(poster_url(session))
    assert response.status_code == 200 and response.context["cancelled"]


@pytest.mark.parametrize(
    "who, status",
    [
        ("trainer_b", 404),  # a trainer, but not of this session: its existence does not leak
        ("officer_huli", 403),  # may see sessions, may not run a check-in
        ("editor", 403),
    ],
)
def test_the_poster_from_the_wrong_side(login, people, session, who, status):
    assert login(people[who]).get(poster_url(session)).status_code == status


def test_the_poster_needs_a_login(client, session):
    response = client.get(poster_url(session))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- the waiting requests ---------------------------------------------------------------------


def test_the_trainer_sees_the_requests_of_their_sessions(login, people, session, join):
    response = login(people["trainer_a"]).get(LIST_URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert join.name in content and join.mobile in content
    assert f'action="{decide_url(join, "confirm")}"' in content and f'action="{decide_url(join, "reject")}"' in content
    assert [row[0].pk for row in response.context["rows"]] == [join.pk]
    assert response.context["rows"][0][1] == AttendanceStatus.PRESENT  # what confirming would record
    assert poster_url(session) in content  # the way to the poster


def test_one_session_only(login, people, session, join):
    other = timed_session([people["trainer_a"]], -5, title="另一场")
    other_join = checkin.request_to_join(other, **join_data(mobile="13705920099"))[0]
    response = login(people["trainer_a"]).get(LIST_URL, {"session": other.pk})
    assert [row[0].pk for row in response.context["rows"]] == [other_join.pk]


def test_confirm_then_attendance(login, people, session, join):
    client = login(people["trainer_a"])
    response = client.post(decide_url(join, "confirm"), {"next": LIST_URL})
    assert response.status_code == 302 and response["Location"] == LIST_URL
    trainee = Trainee.objects.get(mobile=join.mobile)
    record = Attendance.objects.get(session=session, trainee=trainee)
    assert record.status == AttendanceStatus.PRESENT and record.marked_by == people["trainer_a"]
    join.refresh_from_db()
    assert join.status == "confirmed" and join.decided_by == people["trainer_a"]
    # decided requests leave the list
    assert client.get(LIST_URL).context["rows"] == []
    # and a second click finds nothing to decide
    assert client.post(decide_url(join, "confirm")).status_code == 404
    assert Attendance.objects.count() == 1


def test_reject(login, people, session, join):
    response = login(people["district_admin"]).post(decide_url(join, "reject"))
    assert response.status_code == 302 and response["Location"] == LIST_URL
    join.refresh_from_db()
    assert join.status == "rejected" and join.decided_by == people["district_admin"]
    assert not Trainee.objects.filter(mobile=join.mobile).exists() and not Attendance.objects.exists()


def test_a_foreign_next_address_is_ignored(login, people, join):
    response = login(people["trainer_a"]).post(decide_url(join, "reject"), {"next": "https://evil.example/"})
    assert response["Location"] == LIST_URL


def test_a_refusal_of_the_rules_is_shown(login, people, session, join):
    session.status = SessionStatus.CANCELLED
    session.save()
    client = login(people["trainer_a"])
    response = client.post(decide_url(join, "confirm"), follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert any(checkin.refusal_message(session, checkin.Outcome.CANCELLED) in message for message in messages)
    join.refresh_from_db()
    assert join.status == "pending" and not Attendance.objects.exists()


def test_decisions_need_post(login, people, join):
    assert login(people["trainer_a"]).get(decide_url(join, "confirm")).status_code == 405
    join.refresh_from_db()
    assert join.status == "pending"


@pytest.mark.parametrize("who", ["trainer_b", "district_admin", "superuser"])
def test_who_sees_the_request(login, people, join, who):
    rows = login(people[who]).get(LIST_URL).context["rows"]
    assert [row[0].pk for row in rows] == ([] if who == "trainer_b" else [join.pk])


def test_another_trainer_can_neither_see_nor_decide(login, people, session, join):
    client = login(people["trainer_b"])
    assert join.name not in client.get(LIST_URL).content.decode()
    assert client.get(LIST_URL, {"session": session.pk}).status_code == 404
    for decision in ("confirm", "reject"):
        assert client.post(decide_url(join, decision)).status_code == 404
    join.refresh_from_db()
    assert join.status == "pending" and not Attendance.objects.exists()


@pytest.mark.parametrize("who", ["officer_huli", "editor"])
def test_other_roles_are_refused(login, people, join, who):
    client = login(people[who])
    assert client.get(LIST_URL).status_code == 403
    for decision in ("confirm", "reject"):
        assert client.post(decide_url(join, decision)).status_code == 403
    join.refresh_from_db()
    assert join.status == "pending"


def test_anonymous_is_sent_to_the_login(client, join):
    for response in (client.get(LIST_URL), client.post(decide_url(join, "confirm"))):
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    join.refresh_from_db()
    assert join.status == "pending"


def test_the_list_queries_do_not_grow_with_the_requests(login, people, session, django_assert_max_num_queries):
    other = timed_session([people["trainer_a"]], 30, title="稍后一场")
    client = login(people["trainer_a"])

    def add_requests(numbers):
        for number in numbers:
            checkin.request_to_join(session if number % 2 else other, **join_data(mobile=f"1370592{number:04d}"))

    def measure(expected_rows):
        with django_assert_max_num_queries(30) as queries:
            response = client.get(LIST_URL)
        assert len(response.context["rows"]) == expected_rows
        return len(queries)

    add_requests(range(2))
    few = measure(2)
    add_requests(range(2, 40))
    assert measure(40) == few


# --- ways in: the session's buttons and the menu ------------------------------------------------------


def test_the_session_buttons_are_for_its_trainers(rf, people, session):
    hook = hooks.get_hooks(SESSION_ACTIONS_HOOK)
    assert hook, "checkin/wagtail_hooks registers the session buttons"

    def buttons(user):
        request = rf.get("/")
        request.user = user
        return [button for function in hook for button in function(request, session)]

    urls = {button.url for button in buttons(people["trainer_a"])}
    assert urls == {poster_url(session), f"{LIST_URL}?session={session.pk}"}
    assert buttons(people["district_admin"])
    assert buttons(people["trainer_b"]) == [] and buttons(people["officer_huli"]) == []


def test_the_menu_entry_shows_for_trainers_only(login, people):
    def menu(user):
        return "training-checkin" in login(user).get(reverse("wagtailadmin_home")).content.decode()

    assert menu(people["trainer_a"]) and menu(people["district_admin"])
    assert not menu(people["officer_huli"]) and not menu(people["editor"])


def test_session_page_links_its_trainer_to_the_poster(login, people, session):
    from django.urls import reverse

    page = reverse("training_sessions:inspect", args=[session.pk])
    assert poster_url(session) in login(people["trainer_a"]).get(page).content.decode()
    response = login(people["officer_huli"]).get(page)
    assert response.status_code != 200 or poster_url(session) not in response.content.decode()
