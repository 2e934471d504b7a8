"""The registration journey in a real browser at phone width, clicked through
as a contractor and as a property company would, with axe-core on every step."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from registration.models import RegistrantRole, Registration, Status

pytestmark = [pytest.mark.browser]


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "green").save(buffer, "PNG")
    return {"name": "现场照片.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def fill_work(page, *, contractor_uscc):
    """Everything but the owner and the registrant, as a user types it."""
    start = timezone.localdate() + datetime.timedelta(days=5)
    page.select_option("#id_category", label="住宅室内装饰装修")
    page.select_option("#id_street", label="湖里街道")
    # the script offers only the communities of the chosen street
    assert "兴隆社区" not in page.locator("#id_community").inner_text()
    page.select_option("#id_community", label="村里社区")
    page.fill("#id_address", "湖里区示例路1号2栋301室")
    page.fill("#id_contractor_name", "厦门示例装饰工程有限公司")
    page.fill("#id_contractor_uscc", contractor_uscc)
    page.fill("#id_site_manager_name", "李工")
    page.fill("#id_site_manager_mobile", "139 0000 0002")
    page.fill("#id_worker_count", "6")
    page.fill("#id_description", "住宅室内装修，含水电改造")
    page.fill("#id_planned_start", start.isoformat())
    page.fill("#id_planned_end", (start + datetime.timedelta(days=30)).isoformat())
    page.fill("#id_investment_yuan", "120000")
    page.fill("#id_floor_area_m2", "95.5")
    page.get_by_label("2米及以上高处作业").check()
    page.check("#id_insured_1")  # no insurance
    assert page.locator("#id_insurance_policy_number").is_hidden()


def continue_to_review(page):
    page.locator("[data-registration-form] button[type=submit]").click()
    page.wait_for_load_state()


def test_a_contractor_registers_a_work(demo_site, live_server, phone_page, assert_accessible):
    Registration.objects.all().delete()  # start without the back-office demo works
    page = phone_page

    # The scope check says: register here.
    page.goto(live_server.url + "/register/check/")
    page.check("input[name=work_type][value=fit_out]")
    page.check("input[name=temporary][value=no]")
    page.fill("input[name=investment]", "120000")
    page.fill("input[name=area]", "95.5")
    page.locator("form.lookup-form button[type=submit]").click()
    assert page.locator("[data-outcome=register]").is_visible()
    page.locator("[data-outcome=register] a.btn").click()
    page.wait_for_url("**/register/")

    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    fill_work(page, contractor_uscc="91110108551385082X")  # mistake 1: one character wrong
    start = page.locator("#id_planned_start").input_value()
    page.fill("#id_planned_end", "2026-01-01")  # mistake 2: ends before it starts
    page.check("#id_owner_type_1")  # a company owns it
    assert page.locator("#id_owner_uscc").is_visible()
    page.fill("#id_owner_name", "厦门示例置业有限公司")
    page.fill("#id_owner_contact", "王先生")
    page.fill("#id_owner_mobile", "1380000000")  # mistake 3: a digit short
    page.fill("#id_owner_uscc", "91110000600037341L")
    page.check("#id_registrant_role_1")  # the contractor registers
    assert page.locator("#id_property_company_name").is_hidden()
    page.set_input_files("#id_photos", [png()])
    page.check("#id_commitment")
    continue_to_review(page)

    # The mistakes: summary at the top, focused, linking to each field; the fields marked.
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    for name in ("contractor_uscc", "owner_mobile", "planned_end"):
        assert summary.locator(f"a[href='#id_{name}']").count() == 1, name
    assert summary.locator("a").count() == 3
    field = page.locator("#id_contractor_uscc")
    assert "is-invalid" in field.get_attribute("class")
    assert "id_contractor_uscc_error" in field.get_attribute("aria-describedby")
    assert page.locator("#id_contractor_uscc_error").is_visible()
    assert page.locator("#id_address").input_value() == "湖里区示例路1号2栋301室"
    assert_accessible(page)
    summary.locator("a[href='#id_contractor_uscc']").click()
    assert page.evaluate("document.activeElement.id") == "id_contractor_uscc"
    # The photo chosen before the mistake is still attached: it is not chosen again.
    assert page.locator("[data-files-kept]").is_visible()
    assert page.get_by_text("现场照片.png").first.is_visible()
    field.fill("91110108551385082Q")
    page.fill("#id_owner_mobile", "138 0000 0001")
    page.fill("#id_planned_end", (datetime.date.fromisoformat(start) + datetime.timedelta(days=30)).isoformat())
    continue_to_review(page)

    # Check the answers, then submit.
    page.wait_for_url("**/register/review/")
    assert page.get_by_text("91110108551385082Q").is_visible()
    assert page.get_by_text("现场照片.png").is_visible()
    assert page.locator("a.review-change").count() == 8
    assert_accessible(page)
    review_form = {name: page.locator(f"input[name={name}]").input_value() for name in ("draft", "csrfmiddlewaretoken")}
    page.locator("form[data-submit-once] button[type=submit]").click()

    page.wait_for_url("**/register/done/**")
    registration = Registration.objects.get()
    assert page.locator(".reference-number").inner_text() == registration.reference
    assert registration.attachments.count() == 1
    assert_accessible(page)

    # Back to the review page and submit again (the browser may show it from
    # its cache): the answer is the same registration.
    again = page.request.post(live_server.url + "/register/review/", form=review_form)
    assert again.url.endswith(f"/register/done/{registration.reference}/")
    page.go_back()
    assert Registration.objects.count() == 1
    # Back shows that it was submitted, with the way on, never an empty form.
    expect(page.locator("[data-already-submitted]")).to_be_visible()
    assert page.locator("h1").inner_text() == "已提交"
    assert page.locator(f"main a[href$='/register/receipt/{registration.reference}/']").is_visible()
    assert_accessible(page)
    page.go_forward()

    # The printable receipt, with its QR code, on one A4 sheet.
    page.locator(f"a[href$='/register/receipt/{registration.reference}/']").click()
    assert page.locator(".receipt-qr svg").is_visible()
    expect(page.locator("[data-print]")).to_be_visible()  # shown by the deferred print.js
    assert "139****0002" in page.locator(".receipt-facts").inner_text()
    assert_accessible(page)
    page.emulate_media(media="print")
    assert page.locator(".receipt-qr svg").is_visible()
    assert page.locator(".site-header").is_hidden() and page.locator("[data-print]").is_hidden()
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    page.emulate_media(media="screen")

    # The address behind the QR code shows the registration to anyone.
    verify_url = page.locator(".receipt-url").inner_text().strip()
    assert verify_url == f"{live_server.url}/verify/{registration.verify_token}/"
    page.goto(verify_url)
    assert registration.reference in page.content()
    assert "13900000002" not in page.content()

    # The status lookup: reference number and the registering mobile.
    page.goto(live_server.url + "/register/status/")
    page.fill("input[name=reference]", registration.reference)
    page.fill("input[name=mobile]", "13900000002")
    page.locator("form.lookup-form button[type=submit]").click()
    page.wait_for_url(f"**/register/status/{registration.reference}/")
    assert page.locator(f"[data-status={Status.SUBMITTED}]").is_visible()


def test_a_property_company_registers_for_an_owner(demo_site, live_server, phone_page, assert_accessible):
    Registration.objects.all().delete()  # start without the back-office demo works
    page = phone_page
    page.goto(live_server.url + "/register/")
    fill_work(page, contractor_uscc="91110108551385082Q")
    page.check("#id_owner_type_0")  # a private owner: no credit code asked
    assert page.locator("#id_owner_uscc").is_hidden()
    page.fill("#id_owner_name", "陈美丽")
    page.fill("#id_owner_contact", "陈美丽")
    page.fill("#id_owner_mobile", "13600000004")
    page.check("#id_registrant_role_2")
    for name in ("name", "contact", "mobile"):
        assert page.locator(f"#id_property_company_{name}").is_visible()
    page.fill("#id_property_company_name", "厦门示例物业服务有限公司")
    page.fill("#id_property_company_contact", "陈经理")
    page.fill("#id_property_company_mobile", "13700000003")
    page.check("#id_commitment")
    continue_to_review(page)

    page.wait_for_url("**/register/review/")
    assert page.get_by_text("厦门示例物业服务有限公司").is_visible()
    assert_accessible(page)
    page.locator("form[data-submit-once] button[type=submit]").click()
    page.wait_for_url("**/register/done/**")

    registration = Registration.objects.get()
    assert registration.registrant_role == RegistrantRole.PROPERTY_COMPANY
    assert registration.registrant_mobile == "13700000003"
    assert registration.owner_uscc == ""
    page.locator(f"a[href$='/register/receipt/{registration.reference}/']").click()
    facts = page.locator(".receipt-facts").inner_text()
    assert "陈某" in facts and "陈美丽" not in facts
    assert_accessible(page)

    # The owner, on their own phone, looks it up with their own mobile number.
    owner = page.context.browser.new_context(viewport=page.viewport_size, locale="zh-CN")
    owner_page = owner.new_page()
    owner_page.goto(live_server.url + "/register/status/")
    assert "建设单位（业主）手机号码" in owner_page.locator("#id_mobile_helptext").inner_text()
    owner_page.fill("#id_reference", registration.reference)
    owner_page.fill("#id_mobile", "136 0000 0004")
    owner_page.locator("form.lookup-form button[type=submit]").click()
    owner_page.wait_for_url(f"**/register/status/{registration.reference}/")
    assert owner_page.locator(f"[data-status={Status.SUBMITTED}]").is_visible()
    assert_accessible(owner_page)
    owner.close()
    assert sorted(registration.messages.values_list("recipient", flat=True)) == ["13600000004", "13700000003"]


def test_an_individual_installer_registers_an_air_conditioner_job(
    demo_site, live_server, phone_page, assert_accessible
):
    """施工单位或者个人: a person with no business licence registers a sporadic
    operation; no credit code, investment or floor area is asked."""
    Registration.objects.all().delete()
    page = phone_page
    page.goto(live_server.url + "/register/")
    start = timezone.localdate() + datetime.timedelta(days=2)
    page.select_option("#id_category", label="空调安装、维护、拆除")
    for name in ("investment_yuan", "floor_area_m2"):
        assert page.locator(f"#id_{name}").is_hidden()
    page.select_option("#id_street", label="湖里街道")
    page.select_option("#id_community", label="村里社区")
    page.fill("#id_address", "湖里区示例路8号3栋502室")
    page.check("#id_owner_type_0")
    page.fill("#id_owner_name", "林美华")
    page.fill("#id_owner_contact", "林美华")
    page.fill("#id_owner_mobile", "13600000011")
    page.check("#id_contractor_type_1")  # an individual
    assert page.locator("#id_contractor_uscc").is_hidden()
    assert page.locator("#id_contractor_id_number").is_visible()
    page.fill("#id_contractor_name", "张志明")
    page.fill("#id_contractor_id_number", "350206198503021231")  # last character wrong
    page.fill("#id_site_manager_name", "张志明")
    page.fill("#id_site_manager_mobile", "13900000012")
    page.fill("#id_worker_count", "1")
    page.check("#id_registrant_role_1")  # the installer registers
    page.fill("#id_description", "外墙空调外机安装")
    page.fill("#id_planned_start", start.isoformat())
    page.fill("#id_planned_end", start.isoformat())
    page.get_by_label("2米及以上高处作业").check()
    page.check("#id_insured_1")
    page.check("#id_commitment")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    continue_to_review(page)

    summary = page.locator("#error-summary")
    assert summary.locator("a").count() == 1
    assert "身份证号码" in summary.inner_text()
    assert page.locator("#id_contractor_id_number").is_visible()
    assert_accessible(page)
    page.fill("#id_contractor_id_number", "35020619850302123X")
    continue_to_review(page)

    page.wait_for_url("**/register/review/")
    main = page.locator("main").inner_text()
    assert "3502**********123X" in main and "35020619850302123X" not in main
    assert "统一社会信用代码" not in main and "投资" not in main
    assert_accessible(page)
    page.locator("form[data-submit-once] button[type=submit]").click()
    page.wait_for_url("**/register/done/**")
    registration = Registration.objects.get()
    assert registration.contractor_uscc == "" and registration.contractor_id_number == "35020619850302123X"
    assert registration.investment_yuan is None and registration.registrant_mobile == "13900000012"
