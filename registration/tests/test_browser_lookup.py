"""Scope check, verification and status lookup in a real browser, at phone width."""

import re

import pytest
from django.core.cache import cache

from portal.models import PortalSettings
from registration import services
from registration.models import Status
from registration.tests.factories import registration_data
from registration.tests.test_browser_journey import png

pytestmark = [pytest.mark.browser]

PERMIT_URL = "https://zjj.xm.gov.cn/permits"


@pytest.fixture
def site(demo_site):
    cache.clear()  # the live server shares this process's cache, and with it the lookup limits
    settings = PortalSettings.load()
    settings.permit_info_url = PERMIT_URL
    settings.save()
    yield
    cache.clear()


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_scope_check_says_register_here(site, live_server, phone_page, assert_accessible):
    page = phone_page
    page.goto(live_server.url + "/register/check/")
    assert fits_the_phone(page)
    assert_accessible(page)

    # nothing answered: the error summary lists both questions
    page.locator("form.lookup-form button[type=submit]").click()
    summary = page.get_by_role("alert")
    assert summary.locator("a").count() == 2
    assert_accessible(page)
    summary.locator("a").first.click()
    assert page.evaluate("location.hash") == "#id_work_type_0"

    page.locator("#id_work_type_1").check()  # fit-out
    page.locator("#id_temporary_1").check()
    page.locator("#id_investment").fill("１２万")  # full-width, as a Chinese input method types it
    page.locator("#id_area").fill("80")
    page.locator("form.lookup-form button[type=submit]").click()

    assert page.locator("[data-outcome]").get_attribute("data-outcome") == "register"
    register = page.locator("[data-outcome] a.btn-primary")
    assert register.get_attribute("href") == "/register/"
    assert register.is_visible()
    assert fits_the_phone(page)
    assert_accessible(page)

    # changing the answers keeps them
    page.locator("a[href*='edit=1']").click()
    assert page.locator("#id_work_type_1").is_checked()
    assert page.locator("#id_investment").input_value() == "１２万"


def test_scope_check_says_apply_for_a_permit(site, live_server, phone_page, assert_accessible):
    page = phone_page
    page.goto(live_server.url + "/register/check/")
    page.locator("#id_work_type_0").check()  # small building work
    page.locator("#id_temporary_1").check()
    page.locator("#id_investment").fill("500000")
    page.locator("#id_area").fill("400")
    page.locator("form.lookup-form button[type=submit]").click()

    assert page.locator("[data-outcome]").get_attribute("data-outcome") == "permit"
    assert page.locator(f"a[href='{PERMIT_URL}']").is_visible()
    assert page.locator("main a[href='/register/']").count() == 0  # the main menu always has one
    assert fits_the_phone(page)
    assert_accessible(page)


def test_verify_then_look_up_the_status(site, live_server, phone_page, assert_accessible):
    registration = services.create_registration(registration_data())
    page = phone_page

    # a passer-by scans the receipt's QR code
    page.goto(f"{live_server.url}/verify/{registration.verify_token}/")
    assert registration.reference in page.locator("main").inner_text()
    assert registration.registrant_mobile not in page.content()
    assert fits_the_phone(page)
    assert_accessible(page)

    page.goto(f"{live_server.url}/verify/not-a-real-token/")
    assert page.locator("h1").is_visible()
    assert_accessible(page)

    # the contractor looks up the status, first with a wrong mobile number
    page.goto(live_server.url + "/register/status/")
    assert_accessible(page)
    assert page.locator("#id_mobile").get_attribute("inputmode") == "tel"
    page.locator("#id_reference").fill(registration.reference.lower())
    page.locator("#id_mobile").fill("137 0000 0000")
    page.locator("form.lookup-form button[type=submit]").click()
    assert page.get_by_role("alert").is_visible()
    assert page.locator("#id_reference").input_value() == registration.reference.lower()  # input kept
    assert_accessible(page)

    page.locator("#id_mobile").fill(registration.registrant_mobile)
    page.locator("form.lookup-form button[type=submit]").click()
    page.wait_for_url(f"**/register/status/{registration.reference}/")
    assert page.locator(".history > li").count() == 1
    assert page.locator(".status-badge").inner_text().strip() == str(Status.SUBMITTED.label)
    assert page.locator("a[href^='/register/correct/']").count() == 0
    assert fits_the_phone(page)
    assert_accessible(page)

    # the street office returns it; the registrant sees why and can correct it
    reason = "施工单位统一社会信用代码与营业执照不一致，请核对后重新提交。"
    services.change_status(registration, Status.RETURNED, actor_label="湖里街道", reason=reason)
    page.reload()
    assert page.locator(".history > li").count() == 2
    assert page.locator("#current-reason").inner_text().endswith(reason)
    assert reason in page.locator(".history").inner_text()
    correct = page.locator(f"a[href='/register/correct/{registration.reference}/']")
    assert correct.is_visible()
    assert fits_the_phone(page)
    assert_accessible(page)

    # the correction is prefilled, consent included: fixed and resubmitted at the first try
    correct.click()
    page.wait_for_url(f"**/register/correct/{registration.reference}/")
    assert page.locator("#id_address").input_value() == registration.address
    assert page.locator("#id_commitment").is_checked()
    page.fill("#id_contractor_uscc", "91350206MA2XN0QW07")
    page.set_input_files("#id_photos", [png()])
    assert_accessible(page)
    page.locator("[data-registration-form] button[type=submit]").click()
    page.wait_for_url(f"**/register/correct/{registration.reference}/review/")
    assert page.get_by_text("91350206MA2XN0QW07").is_visible()
    page.locator("form[data-submit-once] button[type=submit]").click()
    page.wait_for_url(f"**/register/done/{registration.reference}/")
    registration.refresh_from_db()
    assert registration.status == Status.SUBMITTED and registration.contractor_uscc == "91350206MA2XN0QW07"
    assert registration.attachments.count() == 1

    # another browser cannot open the status page
    other = page.context.browser.new_context(viewport={"width": 390, "height": 844})
    stranger = other.new_page()
    stranger.goto(f"{live_server.url}/register/status/{registration.reference}/")
    assert re.search(r"/register/status/\?reference=", stranger.url)
    other.close()


def test_a_guessed_reference_opens_with_the_sms_code(site, live_server, phone_page, assert_accessible):
    """Someone has guessed at the reference: the registrant proves it with the code sent by SMS."""
    from registration.models import OutboundMessage
    from registration.public.lookup_views import FAILURES_PER_REFERENCE

    registration = services.create_registration(registration_data())
    for _ in range(FAILURES_PER_REFERENCE.limit):
        FAILURES_PER_REFERENCE.hit(registration.reference)
    page = phone_page
    page.goto(live_server.url + "/register/status/")
    page.locator("#id_reference").fill(registration.reference)
    page.locator("#id_mobile").fill(registration.registrant_mobile)
    page.locator("form.lookup-form button[type=submit]").click()
    page.wait_for_url("**/register/status/code/")
    assert page.locator("#id_code").get_attribute("autocomplete") == "one-time-code"
    assert fits_the_phone(page)
    assert_accessible(page)

    page.locator("#id_code").fill("12")
    page.locator("form.lookup-form button[type=submit]").click()
    assert "验证码是6位数字" in page.get_by_role("alert").inner_text()
    assert_accessible(page)

    body = OutboundMessage.objects.filter(registration=registration, body__contains="验证码").get().body
    code = re.search(r"\d{6}", body.split(registration.reference, 1)[1]).group(0)
    page.locator("#id_code").fill(code)
    page.locator("form.lookup-form button[type=submit]").click()
    page.wait_for_url(f"**/register/status/{registration.reference}/")
    assert page.locator(".status-badge").inner_text().strip() == str(Status.SUBMITTED.label)
