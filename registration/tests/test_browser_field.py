"""The inspector's round in a real browser at 390 px: today's round, the
site's QR code scanned, the checklist with one item not compliant and its
photo (downscaled on the phone), the hazard with its deadline, and the work
leaving the top of the round; then a draft kept on the phone through a lost
connection."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from registration import roles, services
from registration.models import Checklist, Hazard, Inspection, OpenedVia, Registration, Status
from registration.tests.factories import registration_data
from registration.tests.test_backoffice_actions import HULI, staff
from registration.tests.test_browser_backoffice import fits_the_phone, log_in

pytestmark = [pytest.mark.browser]


@pytest.fixture
def round_works(demo_site):
    cache.clear()
    inspector = staff("field_inspector", roles.SAFETY_INSPECTOR, HULI)
    inspector.set_password("bo-pass-123")
    inspector.save()
    overdue = services.create_registration(registration_data(HULI, address="湖里区示例路18号"))
    recent = services.create_registration(registration_data(HULI, address="湖里区示例路19号"))
    for work, days in ((overdue, 12), (recent, 1)):
        Registration.objects.filter(pk=work.pk).update(
            status=Status.UNDER_WAY, submitted_at=timezone.now() - datetime.timedelta(days=days)
        )
        work.refresh_from_db()
    # the demo's own works are written off, so that these two are the whole round
    Registration.objects.filter(status__in=[Status.UNDER_WAY, Status.STOPPED]).exclude(
        pk__in=[overdue.pk, recent.pk]
    ).update(status=Status.COMPLETED)
    yield overdue, recent
    cache.clear()


def big_photo(tmp_path):
    path = tmp_path / "phone.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (4000, 3000), "orange").save(buffer, "JPEG", quality=95)
    path.write_bytes(buffer.getvalue())
    return path


def first_card(page):
    return page.locator(".round__card[data-reference]").first.get_attribute("data-reference")


def test_round_scan_checklist_hazard(round_works, live_server, located_phone_page, assert_accessible, tmp_path):
    overdue, recent = round_works
    base, phone = live_server.url, located_phone_page
    log_in(phone, base, "field_inspector")

    phone.goto(base + reverse("registration_backoffice:round"))
    assert first_card(phone) == overdue.reference
    assert "巡查已超期" in phone.locator(".round__card").first.inner_text()
    assert fits_the_phone(phone)
    assert_accessible(phone)

    # the inspector scans the QR code on the site's receipt: the inspection form opens
    phone.goto(base + reverse("registration:verify", args=[overdue.verify_token]))
    phone.wait_for_url(f"**/admin/works/{overdue.pk}/inspect/new/?presence=*")
    phone.wait_for_function("() => document.querySelector('[data-position-status]').textContent.includes('已记录位置')")
    assert fits_the_phone(phone)
    assert_accessible(phone)

    item = Checklist.objects.get(name="高处作业").items.order_by("sort_order", "pk").first()
    name = f"checklist-item_{item.pk}"
    details = phone.locator(f"[data-checklist-item]:has(input[name='{name}']) [data-fail-details]")
    assert details.is_hidden()  # shown only for a failed item
    phone.get_by_role("button", name="其余未填项全部合格").click()
    phone.locator(f"input[name='{name}'][value='not_compliant']").check()
    assert details.is_visible()
    today = timezone.localdate()
    assert phone.locator(f"#id_{name}_deadline").input_value() == today.isoformat()  # 0 days: today
    phone.locator(f"#id_{name}_note").fill("三楼外墙作业人员未系安全带")
    phone.locator(f"#id_{name}_photo").set_input_files(str(big_photo(tmp_path)))
    phone.wait_for_function(
        f"() => (document.getElementById('id_{name}_photo-downscale') || {{}}).textContent?.includes('照片已压缩')"
    )
    phone.locator('input[name="result"][value="hazards"]').check()
    assert_accessible(phone)
    phone.locator("#w-editor-form footer button[type=submit]").click()
    phone.wait_for_url(base + reverse("registration_backoffice:round"))

    inspection = Inspection.objects.get(registration=overdue)
    assert inspection.opened_via == OpenedVia.SCAN and inspection.device_time
    assert inspection.latitude is not None and inspection.position_accuracy_m == 15
    hazard = Hazard.objects.get(registration=overdue)
    assert hazard.deadline == today and hazard.category == "fall_protection" and "未系安全带" in hazard.description
    with hazard.photo.open("rb") as handle:
        assert max(Image.open(handle).size) <= 1600
    # the work left the top of the round; its hazard is due today
    assert first_card(phone) == recent.reference
    assert_accessible(phone)


def test_the_answers_survive_a_lost_connection(round_works, live_server, located_phone_page):
    overdue, _recent = round_works
    base, phone = live_server.url, located_phone_page
    log_in(phone, base, "field_inspector")
    form_url = base + reverse("registration_backoffice:inspect", args=[overdue.pk]) + "?from=round"
    phone.goto(form_url)
    phone.get_by_role("button", name="其余未填项全部合格").click()
    phone.locator("#id_notes").fill("现场文明施工良好")
    phone.locator('input[name="result"][value="no_hazard"]').check()
    phone.wait_for_function("() => !document.querySelector('[data-draft-status]').hidden")

    # the connection drops as the inspector sends: nothing arrives, the page is lost
    def drop_the_post(route):
        return route.abort("internetdisconnected") if route.request.method == "POST" else route.continue_()

    def the_form(url):
        return "/inspect/new/" in url

    phone.route(the_form, drop_the_post)
    phone.locator("#w-editor-form footer button[type=submit]").click()
    phone.wait_for_url(lambda url: url.startswith("chrome-error:"))
    phone.unroute(the_form)
    assert not overdue.inspections.exists()

    phone.goto(form_url)
    assert "已从本机恢复" in phone.locator("[data-draft-status]").inner_text()
    assert phone.locator("#id_notes").input_value() == "现场文明施工良好"
    assert phone.locator('input[name="result"][value="no_hazard"]').is_checked()
    phone.locator("#w-editor-form footer button[type=submit]").click()
    phone.wait_for_url(base + reverse("registration_backoffice:round"))
    assert overdue.inspections.get().notes == "现场文明施工良好"

    # once sent, the draft is gone: the next inspection starts empty
    phone.goto(form_url)
    assert phone.locator("#id_notes").input_value() == ""
    assert phone.locator("[data-draft-status]").is_hidden()
