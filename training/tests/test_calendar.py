"""The public training calendar page: which sessions it lists and in what
order, what it shows (and never shows), bounded queries, and the demo
loader that creates it once."""

import datetime

import pytest
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import ngettext
from wagtail.models import Page, Site

from training import demo_calendar
from training.models import SessionLevel, SessionStatus, TraineeRole
from training.models.pages import SESSIONS_PER_PAGE, TrainingCalendarPage

from .checkin_support import timed_session
from .conftest import JIANGTOU

pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar(home_page):
    page, created = demo_calendar.ensure_calendar_page()
    assert created
    return page


def listed(response):
    return [session.title for session in response.context["sessions_page"]]


def test_the_demo_creates_and_publishes_the_page_once_under_the_site_root(home_page):
    report = demo_calendar.load()
    page = TrainingCalendarPage.objects.get()
    assert page.live and page.get_parent().specific == Site.objects.get(is_default_site=True).root_page.specific
    assert page.show_in_menus
    # the printed link is the address a visitor opens, and it answers
    from django.conf import settings
    from django.test import Client

    (line,) = report
    url = line.split()[2]
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    assert url == f"{base}/training/"
    assert Client().get(url.removeprefix(base)).status_code == 200
    demo_calendar.load()
    assert TrainingCalendarPage.objects.count() == 1
    assert Page.objects.type(TrainingCalendarPage).count() == 1


def test_an_existing_page_is_left_as_it_is(calendar):
    calendar.title = "编辑改过的标题"
    calendar.save_revision().publish()
    again, created = demo_calendar.ensure_calendar_page()
    assert not created and again.title == "编辑改过的标题"


def test_only_one_calendar_and_no_children(calendar, home_page):
    assert TrainingCalendarPage.max_count == 1
    assert not TrainingCalendarPage.can_create_at(home_page)
    assert TrainingCalendarPage.allowed_subpage_models() == []


def test_it_lists_upcoming_planned_sessions_soonest_first(client, calendar, people):
    trainer = [people["trainer_a"]]
    timed_session(trainer, 60 * 24 * 3, title="三天后")
    timed_session(trainer, 60 * 24, title="明天")
    timed_session(trainer, -30, title="正在进行")  # has not ended: still listed
    timed_session(trainer, -300, title="已经结束")
    timed_session(trainer, 60, title="已取消", status=SessionStatus.CANCELLED)
    timed_session(trainer, 60, title="已标记举办", status=SessionStatus.HELD)
    response = client.get(calendar.url)
    assert response.status_code == 200
    assert listed(response) == ["正在进行", "明天", "三天后"]


def test_it_shows_what_a_trainee_needs_and_no_check_in_code(client, calendar, people):
    session = timed_session(
        [people["trainer_a"]],
        60 * 24,
        title="网格员巡查要点培训",
        level=SessionLevel.STREET,
        street_code=JIANGTOU,
        roles_=[TraineeRole.GRID_WORKER, TraineeRole.SAFETY_INSPECTOR],
        capacity=40,
        venue="江头街道办事处三楼会议室",
    )
    content = client.get(calendar.url).content.decode()
    local = timezone.localtime(session.starts_at)
    for shown in (
        session.title,
        session.topic.name,
        session.venue,
        "江头街道",
        str(TraineeRole.GRID_WORKER.label),
        str(TraineeRole.SAFETY_INSPECTOR.label),
        f"{local:%H:%M}",
        f"{local.year}年{local.month}月{local.day}日",
        ngettext("%(counter)s place", "%(counter)s places", 40) % {"counter": 40},
    ):
        assert escape(shown) in content, shown
    assert session.checkin_code not in content
    assert "/training/checkin/" not in content


def test_a_district_session_without_a_limit(client, calendar, people):
    timed_session([people["trainer_a"]], 60, title="区级培训", capacity=None)
    response = client.get(calendar.url)
    session = response.context["sessions_page"][0]
    assert session.street is None and session.capacity is None
    content = response.content.decode()
    assert escape(str(SessionLevel.DISTRICT.label)) in content


def test_nothing_planned(client, calendar):
    response = client.get(calendar.url)
    assert response.status_code == 200 and listed(response) == []


def test_queries_do_not_grow_with_the_sessions(client, calendar, people, django_assert_max_num_queries):
    trainer = [people["trainer_a"]]

    def measure(expected):
        client.get(calendar.url)  # the site data, read again after a session changes (a purge)
        with django_assert_max_num_queries(40) as queries:
            response = client.get(calendar.url)
        assert len(listed(response)) == expected
        return len(queries)

    for index in range(2):
        timed_session(trainer, 60 * (index + 1), title=f"场次{index}")
    few = measure(2)
    for index in range(2, SESSIONS_PER_PAGE + 5):
        timed_session(trainer, 60 * (index + 1), title=f"场次{index}", roles_=list(TraineeRole.values))
    assert measure(SESSIONS_PER_PAGE) == few


def test_pages_of_sessions(client, calendar, people):
    for index in range(SESSIONS_PER_PAGE + 3):
        timed_session([people["trainer_a"]], 60 + index, title=f"场次{index:02d}")
    second = client.get(calendar.url, {"page": 2})
    assert listed(second) == [f"场次{index:02d}" for index in range(SESSIONS_PER_PAGE, SESSIONS_PER_PAGE + 3)]
    assert client.get(calendar.url, {"page": "abc"}).status_code == 200  # a bad page number shows the first


def test_the_time_is_shown_in_local_time(client, calendar, people):
    start = timezone.now().replace(hour=1, minute=30, second=0, microsecond=0, tzinfo=datetime.UTC)
    start += datetime.timedelta(days=2)
    session = timed_session([people["trainer_a"]], 0, base=start, title="本地时间")
    content = client.get(calendar.url).content.decode()
    assert "09:30" in content  # 01:30 UTC is 09:30 in Xiamen
    assert session.starts_at.hour == 1
