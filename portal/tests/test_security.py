"""Staff account security from the wrong side: weak passwords, idle and
over-age sessions (portal/security.py)."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.security import LOGIN_AT, SEEN_AT

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", ["Huli1234", "hulisafety2026", "HULI-SAFETY-WORKS", "短密码"])
def test_weak_passwords_are_refused_in_chinese(password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert all(any("\u4e00" <= char <= "\u9fff" for char in message) for message in refused.value.messages)


def test_a_long_mixed_password_passes():
    validate_password("Huli-safety-2026")


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_superuser("admin_sec", password="x")
    client.force_login(user)
    return client


def age_session(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    session[LOGIN_AT] = now - seconds_ago.get("login", 0)
    session[SEEN_AT] = now - seconds_ago.get("seen", 0)
    session.save()


def test_an_active_session_carries_on(staff_client, settings):
    age_session(staff_client, login=3600, seen=29 * 60)
    assert staff_client.get(reverse("wagtailadmin_home")).status_code == 200
    assert staff_client.session[SEEN_AT] >= int(time.time()) - 5  # the clock moved on


def test_an_idle_session_expires(staff_client):
    age_session(staff_client, login=40 * 60, seen=31 * 60)
    response = staff_client.get(reverse("wagtailadmin_home"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("wagtailadmin_login"))
    assert "30 分钟" in response.content.decode()
    # logged out for good: the next request goes to the login page too
    assert staff_client.get(reverse("wagtailadmin_home"))["Location"].startswith(reverse("wagtailadmin_login"))


def test_a_session_older_than_the_maximum_expires_even_when_busy(staff_client):
    age_session(staff_client, login=13 * 3600, seen=10)
    response = staff_client.get(reverse("wagtailadmin_home"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("wagtailadmin_login"))
    assert "12 小时" in response.content.decode()


def test_the_timeouts_come_from_the_settings(staff_client, settings):
    settings.STAFF_IDLE_TIMEOUT = 5 * 60
    age_session(staff_client, login=600, seen=6 * 60)
    assert staff_client.get(reverse("wagtailadmin_home")).status_code == 302


# Failed logins (django-axes)


LOGIN = "/admin/login/"


@pytest.fixture
def officer(db):
    return get_user_model().objects.create_user("officer_lock", password="Right-password-2026", is_superuser=True)


def attempt(client, password, username="officer_lock", address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_a_locked_account_stays_locked_with_the_right_password(client, officer, settings):
    from axes.models import AccessAttempt, AccessFailureLog

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "wrong").status_code == 200  # the login form again, with its error
    locked = attempt(client, "wrong")
    assert locked.status_code == 429 and "登录已锁定" in locked.content.decode()
    assert "30 分钟" in locked.content.decode()
    # the right password, from another computer too, does not get in
    for address in ("10.0.0.1", "10.0.0.2"):
        refused = attempt(client, "Right-password-2026", address=address)
        assert refused.status_code == 429
        assert "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"].startswith(LOGIN)
    assert AccessFailureLog.objects.filter(username="officer_lock").count() >= settings.AXES_FAILURE_LIMIT
    assert AccessAttempt.objects.filter(username="officer_lock").exists()


def test_one_client_guessing_many_accounts_is_locked(client, officer, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "wrong", username=f"nobody{number}", address="10.0.0.9")
    assert attempt(client, "Right-password-2026", address="10.0.0.9").status_code == 429
    # the officer, elsewhere, still logs in
    assert attempt(client, "Right-password-2026", address="10.0.0.3").status_code == 302


def test_a_success_clears_the_failures_and_is_logged(client, officer, settings):
    from axes.models import AccessLog

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "wrong")
    assert attempt(client, "Right-password-2026").status_code == 302
    client.post("/admin/logout/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "wrong")
    assert attempt(client, "Right-password-2026").status_code == 302  # the count started again
    log = AccessLog.objects.filter(username="officer_lock")
    assert log.count() == 2 and log.filter(logout_time__isnull=False).count() == 1
