"""吹哨 in a real browser: a citizen at 390 px reports an unregistered
air-conditioner job with a photo; an officer of that street turns it into a
found-unregistered work; the citizen's lookup shows the outcome; an officer
of another street gets a 404."""

import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from PIL import Image

from registration import roles
from registration.models import Origin, Registration, Report, ReportStatus, Status, WorkCategory
from registration.tests.test_backoffice_actions import HULI, JIANGTOU, staff
from registration.tests.test_browser_backoffice import fits_the_phone, log_in

pytestmark = [pytest.mark.browser]


@pytest.fixture
def officers(demo_site):
    cache.clear()
    for username, street in (("report_officer", HULI), ("far_officer", JIANGTOU)):
        user = staff(username, roles.STREET_OFFICER, street)
        user.set_password("bo-pass-123")
        user.save()
    yield
    cache.clear()


def photo_file(tmp_path):
    path = tmp_path / "aircon.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1800), "steelblue").save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def test_a_citizen_report_becomes_a_found_unregistered_work(
    officers, live_server, phone_page, desktop_page, chromium, assert_accessible, tmp_path
):
    base, citizen = live_server.url, phone_page
    demo_reports = set(Report.objects.values_list("pk", flat=True))
    citizen.goto(base + reverse("reports_public:form"))
    assert fits_the_phone(citizen)
    assert_accessible(citizen)

    # a first try without the address is refused, and says so
    citizen.locator("input[name='subject'][value='unregistered']").check()
    citizen.locator("#id_street").select_option(label="湖里街道")
    citizen.locator("#id_community").select_option(index=1)
    citizen.locator("#id_description").fill("3楼外墙有人装空调外机，没系安全带，楼下也没看到登记回执。")
    citizen.locator("#id_reporter_mobile").fill("13700000009")
    citizen.locator("#id_photos").set_input_files(str(photo_file(tmp_path)))
    citizen.locator("form.lookup-form button[type=submit]").click()
    citizen.wait_for_load_state()
    assert "请填写地点（地址或标志性建筑）" in citizen.locator("[data-error-summary]").inner_text()
    assert_accessible(citizen)
    assert set(Report.objects.values_list("pk", flat=True)) == demo_reports

    citizen.locator("#id_address").fill("湖里区华昌路12号")
    citizen.locator("#id_photos").set_input_files(str(photo_file(tmp_path)))
    citizen.wait_for_function(
        "() => (document.getElementById('id_photos-downscale') || {}).textContent?.includes('照片已压缩')"
    )
    citizen.locator("form.lookup-form button[type=submit]").click()
    citizen.wait_for_url("**/report/done/**")
    report = Report.objects.exclude(pk__in=demo_reports).get()
    assert report.reference in citizen.locator("main").inner_text() and report.photos.count() == 1
    assert_accessible(citizen)

    # the officer of 湖里街道 turns it into a found-unregistered work
    officer = desktop_page
    log_in(officer, base, "report_officer")
    officer.goto(base + reverse("reports:index"))
    officer.locator(f"main a:text-is('{report.reference}')").click()
    officer.wait_for_url(base + reverse("reports:inspect", args=[report.pk]))
    assert officer.locator("#report-detail img").count() == 1
    assert_accessible(officer)
    officer.locator(f"a[href='{reverse('reports:found', args=[report.pk])}']").click()
    officer.wait_for_url(f"**{reverse('reports:found', args=[report.pk])}")
    assert officer.locator("#id_address").input_value() == "湖里区华昌路12号"
    officer.locator("#id_category").select_option(str(WorkCategory.objects.get(name="空调安装、维护、拆除").pk))
    officer.locator("#id_owner_name").fill("张业主")
    officer.locator("#id_owner_mobile").fill("13600000006")
    officer.locator("#id_worker_count").fill("2")
    assert_accessible(officer)
    officer.locator("#w-editor-form footer button[type=submit]").click()
    officer.wait_for_url("**/admin/works/inspect/*/")
    registration = Registration.objects.get(origin=Origin.FOUND)
    assert registration.status == Status.FOUND_UNREGISTERED
    assert_accessible(officer)

    # the citizen follows the report by its number
    citizen.goto(base + reverse("reports_public:lookup"))
    citizen.locator("#id_reference").fill(report.reference)
    citizen.locator("#id_mobile").fill("13700000009")
    citizen.locator("form.lookup-form button[type=submit]").click()
    citizen.wait_for_load_state()
    status = citizen.locator("main").inner_text()
    assert str(ReportStatus.FOUND_UNREGISTERED.label) in status and "已责令建设单位（业主）补办登记" in status
    assert "张业主" not in status and registration.reference not in status
    assert fits_the_phone(citizen)
    assert_accessible(citizen)

    # an officer of another street cannot see the report
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    far = context.new_page()
    log_in(far, base, "far_officer")
    response = far.goto(base + reverse("reports:inspect", args=[report.pk]))
    assert response.status == 404
    far.goto(base + reverse("reports:index"))
    assert report.reference not in far.locator("main").inner_text()
    context.close()


def test_a_grid_worker_reports_from_the_phone_and_staff_pages_pass_axe(
    officers, live_server, phone_page, desktop_page, assert_accessible
):
    from portal.models import Community

    base, phone = live_server.url, phone_page
    worker = staff("grid_worker", roles.GRID_WORKER, HULI)
    worker.set_password("bo-pass-123")
    worker.save()
    place = Community.objects.filter(street__code=HULI).order_by("sort_order").first()
    worker.staff_profile.communities.set([place])
    log_in(phone, base, "grid_worker")

    phone.goto(base + reverse("reports:community_works"))
    assert fits_the_phone(phone)
    assert_accessible(phone)
    phone.locator(f"main a[href='{reverse('reports:new')}']").click()
    phone.wait_for_url(f"**{reverse('reports:new')}")
    assert phone.locator("#id_street option").count() == 2  # the empty choice and their street
    phone.locator("input[name='subject'][value='unsafe']").check()
    phone.locator("#id_street").select_option(str(place.street_id))
    phone.locator("#id_community").select_option(str(place.pk))
    phone.locator("#id_address").fill("湖里区兴隆路5号")
    phone.locator("#id_description").fill("脚手架无防护栏杆，工人在4米高处作业")
    assert fits_the_phone(phone)
    assert_accessible(phone)
    phone.locator("#w-editor-form footer button[type=submit]").click()
    phone.wait_for_url(base + reverse("reports:index"))
    report = Report.objects.get(reported_by=worker)
    assert report.reference in phone.locator("main").inner_text()
    assert_accessible(phone)

    # the officer's hazards to follow up, and the district's checklist editor
    officer = desktop_page
    log_in(officer, base, "report_officer")
    officer.goto(base + reverse("hazards:index") + "?state=open")
    assert_accessible(officer)
    district = staff("district", roles.DISTRICT_ADMIN)
    district.set_password("bo-pass-123")
    district.save()
    officer.context.clear_cookies()
    log_in(officer, base, "district")
    from registration.models import Checklist

    officer.goto(base + reverse("wagtailsnippets_registration_checklist:edit", args=[Checklist.objects.first().pk]))
    assert_accessible(officer)
