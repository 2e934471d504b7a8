"""The back-office scenario of issue 4 in a real browser: an officer accepts
one registration and returns another, an inspector at phone width records an
inspection with a hazard and a photo and later its rectification, the officer
writes the work off, and the registrant's status lookup shows the history."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from registration.models import Hazard, Registration, Status
from registration.tests.factories import registration_data
from registration.tests.test_backoffice_actions import HULI, staff
from registration.tests.test_forms import image_bytes

pytestmark = [pytest.mark.browser]


@pytest.fixture
def people(demo_site):
    cache.clear()
    from registration import roles, services

    officer = staff("bo_officer", roles.STREET_OFFICER, HULI)
    inspector = staff("bo_inspector", roles.SAFETY_INSPECTOR, HULI)
    for user in (officer, inspector):
        user.set_password("bo-pass-123")
        user.save()
    first = services.create_registration(registration_data(HULI, address="湖里区示例路8号"))
    second = services.create_registration(registration_data(HULI, address="湖里区示例路9号"))
    yield first, second
    cache.clear()


def log_in(page, base, username):
    page.goto(base + "/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("bo-pass-123")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(base + "/admin/")


def detail(base, registration):
    return base + reverse("works:inspect", args=[registration.pk])


def follow(page, path):
    """Click the action button leading to ``path`` and wait for its page."""
    page.locator(f'a[href$="{path}"]').click()
    page.wait_for_url(f"**{path}")


def submit(page):
    page.locator("#w-editor-form footer button[type=submit]").click()
    page.wait_for_load_state()


def check_region(page, assert_accessible):
    """axe on the whole action page, Wagtail's menu and header included."""
    assert page.locator("#w-editor-form").count() == 1
    assert_accessible(page)


def answer_the_checklist(page):
    """Every checklist item compliant, then open the block of other hazards."""
    page.get_by_role("button", name="其余未填项全部合格").click()
    page.locator("details.backoffice-hazards > summary").click()


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_review_inspection_rectification_write_off_and_lookup(
    people, live_server, desktop_page, phone_page, chromium, assert_accessible, tmp_path
):
    first, second = people
    base = live_server.url
    officer = desktop_page
    log_in(officer, base, "bo_officer")

    # the officer filters the pending works from the dashboard, opens the first and accepts it
    officer.locator("#works-summary a[href$='?status=submitted']").click()
    officer.wait_for_url("**/admin/works/?status=submitted")
    officer.locator(f"main a:text-is('{first.reference}')").click()
    officer.wait_for_url(detail(base, first))
    follow(officer, f"/works/{first.pk}/accept/")
    check_region(officer, assert_accessible)
    submit(officer)
    officer.wait_for_url(detail(base, first))
    assert Registration.objects.get(pk=first.pk).status == Status.UNDER_WAY

    # and returns the second, first forgetting the reason
    officer.goto(detail(base, second))
    follow(officer, f"/works/{second.pk}/return/")
    submit(officer)
    assert officer.locator(".error-message, .w-field__errors").first.is_visible()
    check_region(officer, assert_accessible)
    officer.locator("#id_reason").fill("请补充施工合同扫描件")
    submit(officer)
    officer.wait_for_url(detail(base, second))
    assert Registration.objects.get(pk=second.pk).status == Status.RETURNED

    # the inspector, on a phone, records an inspection with a hazard and its photo
    photo = tmp_path / "hazard.jpg"
    photo.write_bytes(image_bytes("JPEG"))
    phone = phone_page
    log_in(phone, base, "bo_inspector")
    phone.goto(detail(base, first))
    follow(phone, f"/works/{first.pk}/inspect/new/")
    assert phone.locator("#id_inspected_at").input_value()  # defaults to now
    assert fits_the_phone(phone)
    check_region(phone, assert_accessible)
    phone.locator('input[name="result"][value="hazards"]').check()
    answer_the_checklist(phone)
    phone.locator("#id_hazards-0-category").select_option("fall_protection")
    phone.locator("#id_hazards-0-description").fill("三楼临边无防护栏杆")
    phone.locator("#id_hazards-0-photo").set_input_files(str(photo))
    phone.locator("#id_hazards-0-deadline").fill(phone.locator("#id_hazards-0-deadline").get_attribute("min"))
    submit(phone)
    phone.wait_for_url(detail(base, first))
    hazard = Hazard.objects.get(registration=first)
    assert hazard.photo and hazard.is_open

    # later, the rectification
    follow(phone, f"/works/{first.pk}/hazards/{hazard.pk}/rectify/")
    assert fits_the_phone(phone)
    check_region(phone, assert_accessible)
    phone.locator("#id_photo").set_input_files(str(photo))
    submit(phone)
    phone.wait_for_url(detail(base, first))
    hazard.refresh_from_db()
    assert hazard.rectified_on and hazard.verified_by.username == "bo_inspector"

    # the officer writes the work off
    officer.goto(detail(base, first))
    follow(officer, f"/works/{first.pk}/write-off/")
    check_region(officer, assert_accessible)
    submit(officer)
    officer.wait_for_url(detail(base, first))
    assert Registration.objects.get(pk=first.pk).status == Status.COMPLETED

    # the registrant looks the work up and sees its history
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    public = context.new_page()
    public.goto(base + "/register/status/")
    public.locator("#id_reference").fill(first.reference)
    public.locator("#id_mobile").fill(first.registrant_mobile)
    public.locator("form.lookup-form button[type=submit]").click()
    public.wait_for_url(f"**/register/status/{first.reference}/")
    history = public.locator("ol.history").inner_text()
    for status in (Status.SUBMITTED, Status.UNDER_WAY, Status.COMPLETED):
        assert str(Status(status).label) in history
    assert "湖里街道" in history
    context.close()
