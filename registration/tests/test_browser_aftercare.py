"""After the work, in a real browser at phone width: the registrant asks for
completion write-off with a photo, the street officer confirms it by writing
the work off, and the registrant rates the service once (好差评)."""

import io

import pytest
from django.utils import timezone
from PIL import Image

from registration import aftercare, roles, services
from registration.models import CompletionRequestStatus, Registration, ServiceRating, Status
from registration.tests.factories import registration_data
from registration.tests.test_aftercare import checked_photo
from registration.tests.test_backoffice_actions import HULI, staff
from registration.tests.test_browser_backoffice import check_region, detail, follow, log_in, submit

pytestmark = [pytest.mark.browser]


def jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "grey").save(buffer, "JPEG")
    return {"name": "完工现场.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def look_up(page, base, work):
    page.goto(base + "/register/status/")
    page.fill("#id_reference", work.reference)
    page.fill("#id_mobile", "139 0000 0002")
    page.locator("form.lookup-form button[type=submit]").click()
    page.wait_for_url(f"**/register/status/{work.reference}/")


def test_a_finished_work_is_written_off_on_request_and_rated(demo_site, live_server, phone_page, assert_accessible):
    base, page = live_server.url, phone_page
    work = services.create_registration(registration_data(HULI, address="湖里区示例路18号"))
    services.change_status(work, Status.UNDER_WAY, actor_label="湖里街道")
    officer = staff("aftercare_officer", roles.STREET_OFFICER, HULI)
    officer.set_password("bo-pass-123")
    officer.save()

    # The registrant reports the work finished, forgetting the photo at first.
    look_up(page, base, work)
    page.get_by_role("link", name="申请完工核销").click()
    page.wait_for_url("**/completion/")
    assert_accessible(page)
    page.locator("form.lookup-form button[type=submit]").click()
    page.wait_for_load_state()
    summary = page.locator("#error-summary")
    # only the photo is missing (the date defaults to today), named once
    assert summary.locator("a").all_inner_texts() == ["请上传完工照片。"]
    assert_accessible(page)
    page.set_input_files("#id_photo", [jpeg()])
    page.fill("#id_note", "脚手架已拆除，现场已清理")
    page.locator("form.lookup-form button[type=submit]").click()
    page.wait_for_url(f"**/register/status/{work.reference}/")
    assert page.locator("[data-completion=pending]").is_visible()
    assert page.get_by_role("link", name="申请完工核销").count() == 0
    assert_accessible(page)

    # The street officer, on a phone too, sees the request and confirms it.
    officer_context = page.context.browser.new_context(viewport=page.viewport_size, locale="zh-CN")
    desk = officer_context.new_page()
    log_in(desk, base, "aftercare_officer")
    desk.goto(detail(base, work))
    assert desk.locator("[data-completion-request=pending]").is_visible()
    assert "脚手架已拆除" in desk.locator("[data-completion-request=pending]").inner_text()
    assert_accessible(desk)
    follow(desk, f"/admin/works/{work.pk}/write-off/")
    assert desk.locator(".backoffice-work img[alt=完工照片]").is_visible()
    check_region(desk, assert_accessible)
    submit(desk)
    desk.wait_for_url(detail(base, work))
    officer_context.close()
    work.refresh_from_db()
    assert work.status == Status.COMPLETED
    assert work.completion_requests.get().status == CompletionRequestStatus.CONFIRMED

    # Back on the status page: written off, and the rating is offered once.
    page.reload()
    page.get_by_role("link", name="评价服务").click()
    page.wait_for_url("**/rating/")
    assert page.locator("#id_reason").is_hidden()  # only below 满意
    page.get_by_label("不满意", exact=True).check()
    assert page.locator("#id_reason").is_visible()
    assert_accessible(page)
    page.locator("form.lookup-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "请说明哪里不满意" in page.locator("#error-summary").inner_text()
    page.fill("#id_reason", "核销前等了一周")
    page.locator("form.lookup-form button[type=submit]").click()
    page.wait_for_url(f"**/register/status/{work.reference}/")
    assert page.locator("[data-rating='2']").is_visible()
    assert page.get_by_role("link", name="评价服务").count() == 0
    assert_accessible(page)
    rating = ServiceRating.objects.get(registration=work)
    assert rating.level == 2 and rating.reason == "核销前等了一周"
    assert Registration.objects.get(pk=work.pk).rating == rating

    # The officer reads the ratings of their street, with the reason.
    officer_context = page.context.browser.new_context(viewport=page.viewport_size, locale="zh-CN")
    desk = officer_context.new_page()
    log_in(desk, base, "aftercare_officer")
    desk.goto(base + "/admin/service_ratings/")
    row = desk.locator("#ratings-by-street").locator("xpath=..").locator("[data-street]")
    assert row.count() == 1 and "湖里街道" in row.inner_text()
    assert desk.get_by_text("核销前等了一周").is_visible()
    assert_accessible(desk)
    officer_context.close()


def test_an_officer_does_not_confirm_a_request_and_the_registrant_reads_why(
    demo_site, live_server, phone_page, assert_accessible
):
    base, page = live_server.url, phone_page
    work = services.create_registration(registration_data(HULI, address="湖里区示例路19号"))
    services.change_status(work, Status.UNDER_WAY, actor_label="湖里街道")
    aftercare.request_completion(work, timezone.localdate(), checked_photo())
    inspector = staff("aftercare_inspector", roles.SAFETY_INSPECTOR, HULI)
    inspector.set_password("bo-pass-123")
    inspector.save()
    log_in(page, base, "aftercare_inspector")
    page.goto(detail(base, work))
    follow(page, f"/admin/works/{work.pk}/completion/decline/")
    check_region(page, assert_accessible)
    submit(page)  # no reason: refused, named
    assert "请填写原因" in page.locator("main").inner_text()
    page.fill("#id_reason", "脚手架尚未拆除")
    submit(page)
    page.wait_for_url(detail(base, work))
    assert page.locator("[data-completion-request=declined]").is_visible()

    registrant = page.context.browser.new_context(viewport=page.viewport_size, locale="zh-CN").new_page()
    look_up(registrant, base, work)
    assert "脚手架尚未拆除" in registrant.locator("[data-completion=declined]").inner_text()
    assert registrant.get_by_role("link", name="重新申请完工核销").is_visible()
    assert_accessible(registrant)
    registrant.context.close()
