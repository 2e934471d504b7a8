"""Every public page runs at most MAX_QUERIES SQL queries with the page cache
off, and the same number when the content grows ten times: more notices,
measures, videos and training sessions, longer documents, FAQ and leaflet.

The counts are taken on the second request, when the site data every page
shows (site, menu, settings, view restrictions, the home page's counters)
is in the cache, as it is between two purges (portal/pages.py)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.rich_text import RichText

from home.models import NoticeIndexPage, PolicyIndexPage, StandardPage, VideoIndexPage
from home.models.videos import VideoTopic

from .factories import add_page
from .test_leaflet import make_body, make_leaflet
from .test_policies import build_document
from .test_videos import add_video, media_root, stored_assets  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10


def faq_body(questions):
    return [("question", {"question": f"问题{n}", "answer": RichText(f"<p>回答{n}</p>")}) for n in range(questions)]


class Site:
    """The public site, grown to ``scale`` times its base size by ``grow``."""

    def __init__(self, home, stored_assets):
        from training.demo_calendar import ensure_calendar_page

        self.home, self.assets = home, stored_assets
        self.faq = add_page(home, StandardPage(title="常见问题", slug="faq", show_in_menus=True))
        self.policies = add_page(home, PolicyIndexPage(title="政策法规", slug="policies", show_in_menus=True))
        self.videos = add_page(home, VideoIndexPage(title="安全宣教视频", slug="videos", show_in_menus=True))
        self.notices = add_page(home, NoticeIndexPage(title="通知公告", slug="notices", per_page=10))
        self.calendar, _created = ensure_calendar_page()
        self.counts = {"documents": 0, "videos": 0, "notices": 0, "sessions": 0}

    def _add(self, kind, target, make):
        while self.counts[kind] < target:
            self.counts[kind] += 1
            make(self.counts[kind])

    def grow(self, scale):
        from training.models import Topic, TrainingSession

        self.faq.body = faq_body(4 * scale)
        self.faq.save_revision().publish()
        self.leaflet = make_leaflet(self.home, 4 * scale)
        self.leaflet.body = make_body(4 * scale)
        self.leaflet.save_revision().publish()
        self.document = build_document(
            self.policies,
            f"measure-{scale}",
            chapters=scale,
            articles_per_chapter=3,
            attachments=scale,
            relations=scale,
        )
        self._add("documents", 3 * scale, lambda n: build_document(self.policies, f"doc-{n}", 1, 2, 1, 0))
        topics = list(VideoTopic)
        self._add(
            "videos",
            3 * scale,
            lambda n: (
                add_video(self.videos, self.assets, n, topic=topics[n % 3], featured=True).save_revision().publish()
            ),
        )
        self.video = self.videos.get_children().live().last().specific
        self._add("notices", 3 * scale, lambda n: self._notice(n, scale))
        self.notice = self.notices.get_children().live().last().specific
        topic, _created = Topic.objects.get_or_create(name="高处坠落")
        start = timezone.now() + datetime.timedelta(days=1)
        self._add(
            "sessions",
            3 * scale,
            lambda n: TrainingSession.objects.create(
                title=f"培训{n}",
                topic=topic,
                starts_at=start + datetime.timedelta(hours=n),
                ends_at=start + datetime.timedelta(hours=n + 1),
                venue="区建设局会议室",
            ),
        )

    def _notice(self, n, scale):
        from home.models import NoticePage

        add_page(
            self.notices,
            NoticePage(
                title=f"第{n}号通知",
                slug=f"notice-{n}",
                date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
                body=[("paragraph", RichText(f"<p>通知正文{i}</p>")) for i in range(2 * scale)],
            ),
        )

    def urls(self):
        return {
            "home": "/",
            "faq": self.faq.url,
            "policies": self.policies.url,
            "policies filtered": f"{self.policies.url}?status=in_force",
            "measure": self.document.url,
            "leaflet": self.leaflet.url,
            "leaflet PDF": f"{self.leaflet.url}pdf/",
            "videos": self.videos.url,
            "videos of a topic": f"{self.videos.url}?topic=fall",
            "video": self.video.url,
            "captions": f"{self.video.url}captions/",
            "notices": self.notices.url,
            "notice": self.notice.url,
            "training calendar": self.calendar.url,
        }


def count_queries(client, urls):
    counts = {}
    for name, url in urls.items():
        client.get(url)  # the site data, as between two purges
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        counts[name] = len(captured)
    return counts


def test_public_pages_run_few_queries_and_as_many_when_content_grows_tenfold(client, home_page, stored_assets):  # noqa: F811
    site = Site(home_page, stored_assets)
    site.grow(1)
    small = count_queries(client, site.urls())
    site.grow(10)
    assert site.counts == {"documents": 30, "videos": 30, "notices": 30, "sessions": 30}
    large = count_queries(client, site.urls())
    assert large == small
    assert max(large.values()) <= MAX_QUERIES, large
