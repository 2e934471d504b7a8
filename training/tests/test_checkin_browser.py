"""The self check-in in a real browser: trainees at phone width open the
address the poster's QR code holds and check in on time, late, outside the
window (refused) and twice (one record); an unknown number asks to be
added, and a trainer at a desktop confirms it. Every page passes axe-core."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse

from training import demo_calendar, roles
from training.checkin.services import normalise_typed_mobile
from training.models import Attendance, AttendanceStatus, CheckinRequest, Trainee

from .checkin_support import timed_session
from .conftest import PASSWORD, make_trainee, make_user

pytestmark = [pytest.mark.browser]


@pytest.fixture
def scene(home_page):
    cache.clear()  # the live server shares this process's cache, and with it the throttle counters
    trainer = make_user("trainer_browser", roles.TRAINER)
    assert Group.objects.filter(name=roles.TRAINER).exists()
    demo_calendar.ensure_calendar_page()
    yield {
        "trainer": trainer,
        "on_time": timed_session([trainer], 10, title="高处坠落防范培训"),  # opened 20 minutes ago
        "late": timed_session([trainer], -20, title="临时用电安全培训"),  # late after 15 minutes
        "later": timed_session([trainer], 180, title="消防安全培训"),  # opens in two and a half hours
        "first": make_trainee(name="陈志强"),
        "second": make_trainee(name="林丽华"),
        "third": make_trainee(name="黄建国"),
    }
    cache.clear()


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def submit(page, button):
    """Click a form's button and wait for the page the POST answers with."""
    with page.expect_navigation():
        page.locator(button).click()


def qr_address(base, session):
    """What the poster's QR code holds (test_checkin_admin checks the poster encodes it)."""
    return base + reverse("training_public:checkin_session", args=[session.checkin_code])


def check_in(page, base, session, mobile, assert_accessible):
    page.goto(qr_address(base, session))
    assert page.get_by_role("heading", level=1).is_visible()
    assert fits_the_phone(page)
    assert_accessible(page)
    trainee = Trainee.objects.filter(mobile=normalise_typed_mobile(mobile)).first()
    page.locator("#id_name").fill(trainee.name if trainee else "陌生人")
    page.locator("#id_mobile").fill(mobile)
    submit(page, "form.checkin-form button[type=submit]")
    result = page.locator("[data-outcome]")
    assert fits_the_phone(page)
    assert_accessible(page)
    return result.get_attribute("data-outcome")


def test_trainees_check_in_by_phone_and_a_trainer_confirms_a_newcomer(
    scene, live_server, phone_page, desktop_page, assert_accessible
):
    base, page = live_server.url, phone_page

    # on time: present
    assert check_in(page, base, scene["on_time"], scene["first"].mobile, assert_accessible) == "present"
    assert page.get_by_role("heading", level=1).inner_text()
    record = Attendance.objects.get(trainee=scene["first"])
    assert (record.session, record.status) == (scene["on_time"], AttendanceStatus.PRESENT)

    # after the grace period: late, typed with spaces as people do
    spaced = f"{scene['second'].mobile[:3]} {scene['second'].mobile[3:7]} {scene['second'].mobile[7:]}"
    assert check_in(page, base, scene["late"], spaced, assert_accessible) == "late"
    assert Attendance.objects.get(trainee=scene["second"]).status == AttendanceStatus.LATE

    # outside the window: the page says when it opens and offers no field; by the typed code too
    page.goto(base + reverse("training_public:checkin"))
    assert_accessible(page)
    code = scene["later"].checkin_code
    page.locator("#id_code").fill(f" {code[:3].lower()} {code[3:].lower()} ")
    submit(page, "form.checkin-form button[type=submit]")
    assert page.url == qr_address(base, scene["later"])
    assert page.locator('[data-outcome="refused"]').is_visible()
    assert page.locator("#id_mobile").count() == 0
    assert fits_the_phone(page)
    assert_accessible(page)
    assert not Attendance.objects.filter(trainee=scene["third"]).exists()

    # the first trainee again: one record, unchanged
    assert check_in(page, base, scene["on_time"], scene["first"].mobile, assert_accessible) == "already"
    assert Attendance.objects.filter(trainee=scene["first"]).count() == 1
    assert Attendance.objects.get(trainee=scene["first"]).marked_at == record.marked_at

    # an unknown number asks to be added
    assert check_in(page, base, scene["on_time"], "137 0592 8888", assert_accessible) == "unknown"
    assert page.locator("#id_join_mobile").input_value() == "13705928888"
    page.locator("#id_join_name").fill("郑新人")
    page.locator("#id_join_role").select_option("grid_worker")
    page.locator("#id_join_street").select_option(label="湖里街道")
    page.locator("#id_join_community").select_option(label="湖里社区")
    page.locator("#id_join_organisation").fill("湖里社区居委会")
    submit(page, "form[aria-labelledby=join-title] button[type=submit]")
    assert page.locator('[data-outcome="requested"]').is_visible()
    assert fits_the_phone(page)
    assert_accessible(page)
    join = CheckinRequest.objects.get()
    assert (join.name, join.mobile, join.status, join.community.name) == (
        "郑新人",
        "13705928888",
        "pending",
        "湖里社区",
    )

    # the trainer, at a desktop, confirms the newcomer
    trainer = desktop_page
    trainer.goto(base + "/admin/login/")
    trainer.locator("#id_username").fill("trainer_browser")
    trainer.locator("#id_password").fill(PASSWORD)
    submit(trainer, "form button[type=submit] >> nth=0")
    assert trainer.url == base + "/admin/"
    trainer.locator('a[href="/admin/training/checkin/"]').first.click()
    trainer.wait_for_url(base + "/admin/training/checkin/")
    row = trainer.locator(f'tr[data-request="{join.pk}"]')
    assert "郑新人" in row.inner_text()
    assert_accessible(trainer)
    submit(trainer, f'tr[data-request="{join.pk}"] form[action$="/requests/{join.pk}/confirm/"] button')
    assert trainer.locator(f'tr[data-request="{join.pk}"]').count() == 0
    assert "郑新人" in trainer.locator(".messages").inner_text()
    # Wagtail fades the message in; axe would measure the contrast of a half-transparent text
    trainer.wait_for_function("() => getComputedStyle(document.querySelector('.messages > ul')).opacity === '1'")
    assert_accessible(trainer)

    newcomer = Trainee.objects.get(mobile="13705928888")
    record = Attendance.objects.get(trainee=newcomer)
    assert (record.session, record.status, record.marked_by) == (
        scene["on_time"],
        AttendanceStatus.PRESENT,
        scene["trainer"],
    )

    # the poster of the session, for printing
    trainer.goto(base + reverse("training_checkin:poster", args=[scene["on_time"].pk]))
    assert trainer.locator(".poster-code").inner_text() == scene["on_time"].checkin_code
    assert trainer.locator("svg.qr-code").is_visible()
    assert_accessible(trainer)


def test_the_public_calendar_at_phone_width(scene, live_server, phone_page, assert_accessible):
    page = phone_page
    page.goto(live_server.url + "/")
    with page.expect_navigation():
        page.locator(".main-menu a", has_text=demo_calendar.TITLE).click()
    titles = page.locator(".training-session h2").all_inner_texts()
    assert titles == ["临时用电安全培训", "高处坠落防范培训", "消防安全培训"]
    assert scene["on_time"].checkin_code not in page.content()
    assert fits_the_phone(page)
    assert_accessible(page)
