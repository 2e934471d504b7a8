"""Issue 5 in a real browser: a trainer creates a session in the admin, opens
its attendance sheet at tablet width, marks everyone present and then the
exceptions, adds two walk-ins (one from the roster, one new) and saves;
axe-core finds nothing serious on the sheet, at tablet and phone width."""

import datetime

import pytest
from django.utils import timezone

from portal.models import Street
from training.models import Attendance, AttendanceSource, Trainee, TraineeRole, TrainingSession

pytestmark = [pytest.mark.browser]

HULI = "350206001"


def log_in(page, base, username):
    page.goto(base + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo-pass-for-tests")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(base + "/admin/")


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def accessible(page, assert_accessible):
    """axe-core once Wagtail's messages have faded in: half-way through
    their transition their text has too little contrast."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('.messages > ul')].every(ul => !ul.children.length"
        " || getComputedStyle(ul).opacity === '1')"
    )
    assert_accessible(page)


def row(page, trainee):
    return page.locator(f"#row-{trainee.pk}")


def test_trainer_creates_a_session_and_takes_attendance(
    demo_site, live_server, tablet_page, phone_page, assert_accessible
):
    base, page = live_server.url, tablet_page
    log_in(page, base, "trainer_a")

    # a new street-level session for grid workers and safety inspectors of 湖里街道
    page.goto(base + "/admin/training/sessions/new/")
    start = timezone.localtime() + datetime.timedelta(minutes=10)
    page.fill("#id_title", "临边防护现场培训")
    page.select_option("#id_topic", label="高处坠落")
    page.fill("#id_starts_at", start.strftime("%Y-%m-%d %H:%M"))
    page.fill("#id_ends_at", (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"))
    page.keyboard.press("Escape")  # close the date picker
    page.fill("#id_venue", "湖里街道办事处二楼培训室")
    page.select_option("#id_level", "street")
    page.select_option("#id_street", label="湖里街道")
    page.get_by_label("社区网格员").check()
    page.get_by_label("专职安全员").check()
    page.fill("#id_capacity", "40")
    page.locator("#w-editor-form footer button[type=submit]").first.click()
    page.wait_for_url("**/admin/training/sessions/inspect/*/")
    session = TrainingSession.objects.get(title="临边防护现场培训")
    assert session.trainers.filter(username="trainer_a").exists() and session.street.code == HULI

    # its attendance sheet, at tablet width
    page.get_by_role("link", name="打开考勤表").click()
    page.wait_for_url(f"**/admin/training/sessions/{session.pk}/attendance/")
    audience = list(
        Trainee.objects.filter(
            street__code=HULI, active=True, role__in=[TraineeRole.GRID_WORKER, TraineeRole.SAFETY_INSPECTOR]
        ).order_by("name")
    )
    assert page.locator(".sheet-row").count() == len(audience) >= 4
    assert fits(page)
    accessible(page, assert_accessible)

    # everyone present, then the exceptions; the big labels are the tap targets
    page.get_by_role("button", name="全部标记为出席").click()
    assert "已将本页所有人标记为出席" in page.locator("[data-sheet-live]").inner_text()
    late, excused, absent = audience[:3]
    row(page, late).get_by_text("迟到", exact=True).click()
    row(page, excused).get_by_text("请假", exact=True).click()
    row(page, excused).get_by_label("备注").fill("事先请假")
    row(page, absent).get_by_text("缺席", exact=True).click()
    page.get_by_role("button", name="保存考勤").first.click()
    page.wait_for_load_state()
    assert "已保存" in page.locator(".messages").inner_text()
    marks = {a.trainee_id: (a.status, a.remarks) for a in Attendance.objects.filter(session=session)}
    assert len(marks) == len(audience)
    assert marks[late.pk] == ("late", "") and marks[excused.pk] == ("excused", "事先请假")
    assert marks[absent.pk] == ("absent", "")
    assert {marks[t.pk][0] for t in audience[3:]} == {"present"}

    # a walk-in from the roster: someone outside the audience, found by name (Enter runs the search)
    walk_in = Trainee.objects.filter(street__code=HULI, role=TraineeRole.PROPERTY_STAFF).first()
    page.fill("#sheet-q", walk_in.name)
    page.press("#sheet-q", "Enter")
    page.wait_for_url("**/attendance/?q=*")
    page.get_by_role("button", name=f"添加{walk_in.name}并标记为出席").click()
    page.wait_for_load_state()
    assert Attendance.objects.get(session=session, trainee=walk_in).source == AttendanceSource.WALK_IN
    assert row(page, walk_in).is_visible()

    # a walk-in who is not on the roster: first a wrong number, then the right one
    huli = Street.objects.get(code=HULI)
    page.fill("#id_new-name", "郑新来")
    page.fill("#id_new-mobile", "139 0592 77")
    page.select_option("#id_new-role", "construction_worker")
    page.select_option("#id_new-street", str(huli.pk))
    page.select_option("#id_new-community", label=huli.communities.first().name)
    page.fill("#id_new-organisation", "厦门湖滨装饰工程有限公司")
    page.get_by_role("button", name="加入名单并标记出席").click()
    page.wait_for_load_state()
    assert page.locator("#sheet-errors").is_visible()
    assert "11位" in page.locator(".sheet-walk-in").inner_text()
    assert not Trainee.objects.filter(name="郑新来").exists()
    accessible(page, assert_accessible)
    page.fill("#id_new-mobile", "139 0592 7788")
    page.get_by_role("button", name="加入名单并标记出席").click()
    page.wait_for_load_state()
    newcomer = Trainee.objects.get(mobile="13905927788")
    assert Attendance.objects.get(session=session, trainee=newcomer).status == "present"
    assert row(page, newcomer).locator("input.sheet-radio[value=present]").is_checked()
    assert fits(page)
    accessible(page, assert_accessible)

    # the same sheet on a phone
    log_in(phone_page, base, "trainer_a")
    phone_page.goto(base + f"/admin/training/sessions/{session.pk}/attendance/")
    assert fits(phone_page)
    accessible(phone_page, assert_accessible)
    assert phone_page.locator(f"#row-{late.pk} input.sheet-radio[value=late]").is_checked()
