"""Enrolling the second factor in a real browser, at phone width, with axe."""

import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.tests.test_two_factor import code_for

pytestmark = [pytest.mark.browser]


def test_a_new_officer_enrols_an_authenticator_and_reaches_the_admin(
    demo_site, settings, live_server, phone_page, assert_accessible
):
    settings.STAFF_TWO_FACTOR = True
    get_user_model().objects.create_superuser("new_officer", password="Right-password-2026")
    page = phone_page
    page.goto(live_server.url + "/admin/works/")
    page.fill("#id_username", "new_officer")
    page.fill("#id_password", "Right-password-2026")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/admin/two-factor/setup/**")
    assert page.locator("[data-two-factor-qr] svg").is_visible()
    assert_accessible(page)
    page.fill("#id_code", "000000")
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    assert "验证码不正确" in page.locator("main").inner_text()
    assert_accessible(page)
    device = TOTPDevice.objects.get(user__username="new_officer")
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None
    device.save()
    page.fill("#id_code", code_for(device))
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/two-factor/codes/**")
    assert page.locator("[data-recovery-codes] li").count() == 10
    assert_accessible(page)
    page.locator("main a.button").click()
    page.wait_for_url("**/admin/works/")
