"""The public check-in pages through HTTP: the code form, the page the QR
code opens, each outcome, the request of an unknown number, bad input,
privacy, CSRF and the throttling against guessing."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext

from training.checkin import views
from training.checkin.services import normalise_typed_mobile
from training.models import Attendance, AttendanceStatus, CheckinRequest, SessionStatus, Trainee

from .checkin_support import join_post, timed_session
from .conftest import HULI, make_trainee

pytestmark = pytest.mark.django_db

IP = "198.51.100.7"


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()  # the throttle counters live in the cache
    yield
    cache.clear()


@pytest.fixture
def open_session(people, roster):
    """Started 5 minutes ago: on time until 10 minutes from now."""
    return timed_session([people["trainer_a"]], -5)


def page_url(session_or_code):
    code = getattr(session_or_code, "checkin_code", session_or_code)
    return reverse("training_public:checkin_session", args=[code])


def request_url(session):
    return reverse("training_public:checkin_request", args=[session.checkin_code])


def check_in(client, session_or_code, mobile, ip=IP, name=None):
    """Post the form as the person with this number would: with their own name
    (a stranger's name for a number that is not on the roster)."""
    if name is None:
        trainee = Trainee.objects.filter(mobile=normalise_typed_mobile(mobile)).first()
        name = trainee.name if trainee else "陌生人"
    return client.post(page_url(session_or_code), {"mobile": mobile, "name": name}, REMOTE_ADDR=ip)


def outcome(response):
    return response.context.get("outcome")


def text(response):
    return response.content.decode()


# --- entering the code ----------------------------------------------------------------


def test_the_code_form(client):
    response = client.get(reverse("training_public:checkin"))
    assert response.status_code == 200
    content = text(response)
    assert 'for="id_code"' in content and "csrfmiddlewaretoken" in content
    assert response["X-Robots-Tag"] == "noindex" and response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("typed", ["{low}", " {a} {b} ", "{a}-{b}"])
def test_the_code_is_case_and_space_tolerant(client, open_session, typed):
    code = open_session.checkin_code
    typed = typed.format(low=code.lower(), a=code[:3].lower(), b=code[3:])
    response = client.post(reverse("training_public:checkin"), {"code": typed})
    assert response.status_code == 302 and response["Location"] == page_url(open_session)
    assert client.get(response["Location"]).status_code == 200


def test_a_code_typed_in_the_address_is_normalised_too(client, open_session):
    response = client.get(page_url(open_session.checkin_code.lower()))
    assert response.status_code == 302 and response["Location"] == page_url(open_session)


def test_a_code_of_the_wrong_length_is_explained(client):
    response = client.post(reverse("training_public:checkin"), {"code": "ABC"})
    assert response.status_code == 200
    assert escape(gettext("A check-in code has %(length)d letters and digits.") % {"length": 6}) in text(response)


# --- the page the QR code opens ----------------------------------------------------------


def test_the_session_page_shows_the_session_and_the_mobile_field(client, open_session):
    response = client.get(page_url(open_session))
    assert response.status_code == 200
    content = text(response)
    for shown in (open_session.title, open_session.venue, open_session.topic.name):
        assert shown in content
    assert 'inputmode="tel"' in content and 'name="mobile"' in content and "csrfmiddlewaretoken" in content
    assert "<script" not in content.split("</footer>")[0].split("<main")[1]  # no script needed on the page
    assert response["Referrer-Policy"] == "same-origin"


def test_before_the_window_the_page_says_when_it_opens(client, people):
    session = timed_session([people["trainer_a"]], 120)
    response = client.get(page_url(session))
    assert response.status_code == 200 and 'name="mobile"' not in text(response)
    assert response.context["refusal"].startswith(
        gettext("Check-in has not opened yet. It opens at %(time)s.").split("%")[0]
    )


def test_on_time_then_twice(client, open_session, roster):
    trainee = roster["huli"][0]
    first = check_in(client, open_session, trainee.mobile)
    assert first.status_code == 200 and outcome(first) == "present"
    assert 'data-outcome="present"' in text(first)
    assert trainee.name not in text(first) and trainee.name[0] + "*" in text(first)  # the name is masked
    second = check_in(client, open_session, trainee.mobile)
    assert outcome(second) == "already"
    assert Attendance.objects.filter(session=open_session, trainee=trainee).count() == 1
    assert Attendance.objects.get().status == AttendanceStatus.PRESENT


def test_late(client, people, roster):
    session = timed_session([people["trainer_a"]], -20)
    response = check_in(client, session, roster["huli"][0].mobile)
    assert outcome(response) == "late"
    assert Attendance.objects.get().status == AttendanceStatus.LATE


@pytest.mark.parametrize("starts_in, expected", [(120, "not_open"), (-200, "closed")])
def test_outside_the_window_is_refused(client, people, roster, starts_in, expected):
    session = timed_session([people["trainer_a"]], starts_in)
    response = check_in(client, session, roster["huli"][0].mobile)
    assert response.status_code == 200 and outcome(response) == expected
    assert response.context["refusal"] and response.context["refusal"] in text(response)
    assert not Attendance.objects.exists()


def test_cancelled_is_refused(client, open_session, roster):
    open_session.status = SessionStatus.CANCELLED
    open_session.save()
    response = check_in(client, open_session, roster["huli"][0].mobile)
    assert outcome(response) == "cancelled"
    assert gettext("This session has been cancelled.") in text(response)
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("code", ["ZZZZZZ", "ABC", "天天天天天天"])
def test_a_wrong_code_is_refused_and_writes_nothing(client, open_session, roster, code):
    if code == open_session.checkin_code:
        code = "YYYYYY"
    assert client.get(page_url(code)).status_code == 404
    response = check_in(client, code, roster["huli"][0].mobile)
    assert response.status_code == 404
    assert client.post(reverse("training_public:checkin_request", args=[code]), join_post()).status_code == 404
    assert not Attendance.objects.exists() and not CheckinRequest.objects.exists()


def test_a_bad_number_is_explained_on_the_form(client, open_session):
    response = check_in(client, open_session, "12345")
    assert response.status_code == 400
    assert 'aria-invalid="true"' in text(response) and 'id="error-summary"' in text(response)
    assert not Attendance.objects.exists()


def test_an_inactive_trainee_sees_the_request_form(client, open_session, roster):
    trainee = roster["huli"][0]
    Trainee.objects.filter(pk=trainee.pk).update(active=False)
    response = check_in(client, open_session, trainee.mobile, name="别人")
    assert outcome(response) == "unknown"
    assert trainee.name not in text(response)  # the page shows only what was typed
    assert not Attendance.objects.exists()


# --- unknown numbers ask to be added -------------------------------------------------------


def test_an_unknown_number_asks_to_be_added(client, open_session, roster):
    response = check_in(client, open_session, "137 0592 0001")
    assert outcome(response) == "unknown"
    content = text(response)
    assert 'value="13705920001"' in content and f'action="{request_url(open_session)}"' in content
    for trainee in Trainee.objects.all():  # nobody else's data on the page
        assert trainee.name not in content and trainee.mobile not in content

    data = join_post()
    sent = client.post(request_url(open_session), data, REMOTE_ADDR=IP)
    assert sent.status_code == 200 and sent.context["created"]
    assert 'data-outcome="requested"' in text(sent)
    join = CheckinRequest.objects.get()
    assert (join.session, join.mobile, join.status) == (open_session, "13705920001", "pending")

    again = client.post(request_url(open_session), data, REMOTE_ADDR=IP)
    assert again.status_code == 200 and not again.context["created"]
    assert CheckinRequest.objects.count() == 1


def test_a_bad_request_is_explained_and_saves_nothing(client, open_session):
    from portal.models import Community

    data = join_post(name="", community=Community.objects.filter(street__code="350206004").first())
    response = client.post(request_url(open_session), data, REMOTE_ADDR=IP)
    assert response.status_code == 400 and outcome(response) == "unknown"
    form = response.context["join_form"]
    assert "name" in form.errors
    # the form's own checks pass first; the roster rules then add the community error
    data["name"] = "新学员"
    response = client.post(request_url(open_session), data, REMOTE_ADDR=IP)
    assert response.status_code == 400 and "community" in response.context["join_form"].errors
    assert not CheckinRequest.objects.exists()


def test_a_request_after_the_end_is_refused(client, people):
    session = timed_session([people["trainer_a"]], -200)
    data = join_post()
    response = client.post(request_url(session), data, REMOTE_ADDR=IP)
    assert response.status_code == 400
    assert response.context["join_form"].non_field_errors()
    assert not CheckinRequest.objects.exists()


def test_posts_need_the_csrf_token(open_session, roster):
    client = Client(enforce_csrf_checks=True)
    assert check_in(client, open_session, roster["huli"][0].mobile).status_code == 403
    data = join_post()
    assert client.post(request_url(open_session), data).status_code == 403
    assert not Attendance.objects.exists() and not CheckinRequest.objects.exists()


def test_check_in_queries_are_few(client, open_session, roster, django_assert_max_num_queries):
    person = roster["huli"][0]
    with django_assert_max_num_queries(12) as queries:  # the site's header and footer included
        assert outcome(check_in(client, open_session, person.mobile, name=person.name)) == "present"
    training = [query["sql"] for query in queries.captured_queries if '"training_' in query["sql"]]
    assert len(training) == 4  # the session, the trainee, the record looked for, then inserted


# --- throttling -------------------------------------------------------------------------------------


@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setattr(views.PER_CLIENT, "limit", 5)
    monkeypatch.setattr(views.PER_CODE, "limit", 8)


def test_too_many_attempts_from_one_client_are_refused_in_clear_words(client, open_session, roster, small_limits):
    for attempt in range(5):
        assert check_in(client, open_session, f"1370592{attempt:04d}").status_code == 200  # unknown numbers
    response = check_in(client, open_session, roster["huli"][0].mobile)  # even a right number
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert gettext("Too many check-in attempts") in text(response)
    assert not Attendance.objects.exists()
    # guessing codes from the same client is refused as well, and writes nothing
    assert client.get(page_url("ZZZZZZ"), REMOTE_ADDR=IP).status_code == 429
    # another client is not affected
    assert outcome(check_in(client, open_session, roster["huli"][0].mobile, ip="203.0.113.9")) == "present"


def test_too_many_attempts_on_one_code_from_many_clients_are_refused(client, open_session, roster, small_limits):
    for attempt in range(8):
        check_in(client, open_session, f"1370592{attempt:04d}", ip=f"203.0.113.{attempt}")
    response = check_in(client, open_session, roster["huli"][0].mobile, ip="198.51.100.99")
    assert response.status_code == 429 and not Attendance.objects.exists()
    data = join_post()
    assert client.post(request_url(open_session), data, REMOTE_ADDR="198.51.100.98").status_code == 429
    assert not CheckinRequest.objects.exists()


def test_looking_at_a_code_counts_but_the_blank_form_does_not(client, open_session, small_limits):
    for _attempt in range(20):
        client.get(reverse("training_public:checkin"), REMOTE_ADDR=IP)
    for _attempt in range(5):
        assert client.get(page_url(open_session), REMOTE_ADDR=IP).status_code == 200
    assert client.get(page_url(open_session), REMOTE_ADDR=IP).status_code == 429


def test_a_wrong_name_reads_exactly_like_a_number_not_on_the_roster(client, open_session, roster):
    person = roster["huli"][0]
    wrong_name = check_in(client, open_session, person.mobile, name="王五")
    stranger = check_in(client, open_session, "13705929999", name="王五")

    def shown(response):
        html = text(response).replace(person.mobile, "").replace("13705929999", "")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    assert outcome(wrong_name) == outcome(stranger) == "unknown"
    assert wrong_name.status_code == stranger.status_code
    assert shown(wrong_name) == shown(stranger)
    assert not Attendance.objects.exists()


def test_a_hall_of_200_on_one_wifi_address_all_check_in(client, open_session, people):
    """Every trainee opens the page from the poster, then gives the number:
    200 of them behind one venue address are all recorded (the real limits)."""
    hall = [make_trainee(HULI, name=f"会场学员{index}") for index in range(200)]
    for trainee in hall:
        assert client.get(page_url(open_session), REMOTE_ADDR=IP).status_code == 200
        assert outcome(check_in(client, open_session, trainee.mobile)) == "present"
    assert Attendance.objects.filter(session=open_session).count() == 200
