"""The security pages in a real browser, with axe: the lockout page after
too many wrong passwords, and the district's audit trail."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from registration import roles
from registration.tests.test_backoffice_actions import staff

pytestmark = [pytest.mark.browser]


def test_the_lockout_page_and_the_audit_trail(demo_site, settings, live_server, phone_page, assert_accessible):
    get_user_model().objects.create_user("locked_officer", password="Right-password-2026", is_staff=True)
    page = phone_page
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto(live_server.url + "/admin/login/")
        page.fill("#id_username", "locked_officer")
        page.fill("#id_password", "wrong-password")
        page.locator("form button[type=submit]").first.click()
        page.wait_for_load_state()
    assert "登录已锁定" in page.locator("main").inner_text()
    assert_accessible(page)

    # this computer is locked too (one client address): the administrator unlocks it
    call_command("axes_reset_ip", "127.0.0.1", stdout=io.StringIO())
    district = staff("district_browser", roles.DISTRICT_ADMIN)
    district.set_password("Right-password-2026")
    district.save()
    other = page.context.browser.new_context(viewport=page.viewport_size, locale="zh-CN")
    desk = other.new_page()
    desk.goto(live_server.url + "/admin/login/")
    desk.fill("#id_username", "district_browser")
    desk.fill("#id_password", "Right-password-2026")
    desk.locator("form button[type=submit]").first.click()
    desk.wait_for_url(live_server.url + "/admin/")
    desk.goto(live_server.url + "/admin/audit/?action=login_failed")
    assert desk.get_by_text("locked_officer").first.is_visible()
    assert_accessible(desk)
    other.close()
