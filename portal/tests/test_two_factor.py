"""Two-factor login for staff from the wrong side: without the second factor
no admin page opens; enrolment, codes, recovery codes (portal/two_factor.py)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

SETUP, VERIFY = "/admin/two-factor/setup/", "/admin/two-factor/verify/"


@pytest.fixture(autouse=True)
def required(settings):
    settings.STAFF_TWO_FACTOR = True


@pytest.fixture
def officer():
    return get_user_model().objects.create_superuser("officer_2fa", password="Right-password-2026")


def code_for(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def unthrottle(device):
    """django-otp slows down repeated failures (1 s, 2 s, 4 s …); a test does not wait."""
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()


def log_in(client):
    response = client.post("/admin/login/", {"username": "officer_2fa", "password": "Right-password-2026"})
    assert response.status_code == 302
    return response


ADMIN_PAGES = ["/admin/", "/admin/works/", "/admin/users/", "/admin/pages/", "/admin/service_ratings/"]


def test_after_the_password_alone_no_admin_page_opens(client, officer):
    log_in(client)
    for url in ADMIN_PAGES:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(SETUP), url
    assert client.get(SETUP).status_code == 200


def test_enrolment_confirms_the_app_and_shows_recovery_codes_once(client, officer):
    log_in(client)
    html = client.get(SETUP + "?next=/admin/works/").content.decode()
    assert "<svg" in html and "data-two-factor-secret" in html
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    wrong = client.post(SETUP, {"code": "000000", "next": "/admin/works/"})
    assert wrong.status_code == 200 and "验证码不正确" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302  # still not verified
    unthrottle(device)
    response = client.post(SETUP, {"code": code_for(device), "next": "/admin/works/"})
    assert response["Location"].startswith(reverse("portal_two_factor_codes"))
    codes_page = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li><code>([^<]+)</code></li>", codes_page)
    assert len(codes) == 10 and StaticToken.objects.filter(device__user=officer).count() == 10
    assert client.get(reverse("portal_two_factor_codes")).status_code == 302  # shown only once
    assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def enrolled(officer):
    device = TOTPDevice.objects.create(user=officer, name="authenticator", confirmed=True)
    from portal.two_factor import new_recovery_codes

    return device, new_recovery_codes(officer)


def test_a_later_login_asks_for_the_code(client, officer):
    device, _codes = enrolled(officer)
    log_in(client)
    response = client.get("/admin/works/")
    assert response["Location"].startswith(VERIFY)
    assert client.get(SETUP)["Location"].startswith(VERIFY)  # cannot enrol a new phone unverified
    refused = client.post(VERIFY, {"code": "123456", "next": "/admin/works/"})
    assert refused.status_code == 200 and "验证码不正确" in refused.content.decode()
    unthrottle(device)
    response = client.post(VERIFY, {"code": code_for(device), "next": "/admin/works/"})
    assert response["Location"] == "/admin/works/"
    assert client.get("/admin/works/").status_code == 200


def test_a_recovery_code_works_once(client, officer):
    _device, codes = enrolled(officer)
    log_in(client)
    assert client.post(VERIFY, {"code": codes[0]})["Location"] == "/admin/"
    client.post("/admin/logout/")
    log_in(client)
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 200  # used up
    assert client.get("/admin/").status_code == 302


def test_the_next_address_stays_on_this_site(client, officer):
    _device, codes = enrolled(officer)
    log_in(client)
    assert client.post(VERIFY, {"code": codes[1], "next": "https://evil.example/"})["Location"] == "/admin/"


def test_public_pages_are_not_affected(client, officer, home_page):
    log_in(client)
    assert client.get("/").status_code == 200


def test_guessing_codes_is_slowed_down(client, officer):
    device, _codes = enrolled(officer)
    log_in(client)
    for _ in range(3):
        client.post(VERIFY, {"code": "000000"})
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 200  # refused while throttled
    assert client.get("/admin/").status_code == 302


def test_the_assets_of_the_two_factor_pages_load_before_verifying(client, officer):
    log_in(client)
    for name in ("wagtailadmin_sprite", "wagtailadmin_javascript_catalog"):
        assert client.get(reverse(name)).status_code == 200, name
