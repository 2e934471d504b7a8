"""The page cache (portal/page_cache.py) on the public pages: what is stored
and served, what never is, the headers of a cached page, and the purge when
an editor changes anything a page shows."""

import datetime
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from home.models import NoticePage, StandardPage
from portal.models import PortalSettings
from portal.page_cache import STATUS_HEADER

from .factories import add_page, make_notices, make_standard_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 3600


@pytest.fixture
def site(home_page):
    notices = make_notices(home_page, 3)
    faq = make_standard_page(
        home_page,
        "faq",
        "常见问题",
        body=[("question", {"question": "要登记吗？", "answer": RichText("<p>要。</p>")})],
        show_in_menus=True,
    )
    return {"home": home_page, "notices": notices, "faq": faq}


@pytest.fixture
def editor_commits(django_capture_on_commit_callbacks):
    """Run what an edit leaves for after its commit (the purge does), as a real request would."""

    def commit():
        return django_capture_on_commit_callbacks(execute=True)

    return commit


def state(response):
    return response.get(STATUS_HEADER)


# --- What is stored and served ---------------------------------------------


@pytest.mark.parametrize("name", ["home", "notices", "faq"])
def test_second_anonymous_request_is_a_hit_without_queries(client, site, name, django_assert_num_queries):
    url = site[name].url
    first = client.get(url)
    assert first.status_code == 200 and state(first) == "miss"
    with django_assert_num_queries(0):
        second = client.get(url)
    assert state(second) == "hit"
    assert second.content == first.content


def test_head_is_served_from_the_cache(client, site, django_assert_num_queries):
    client.get("/faq/")
    with django_assert_num_queries(0):
        response = client.head("/faq/")
    assert response.status_code == 200 and state(response) == "hit" and response.content == b""


def test_query_strings_are_cached_apart(client, home_page):
    index = make_notices(home_page, 12)
    first, second = client.get(index.url), client.get(index.url, {"page": 2})
    assert state(second) == "miss" and first.content != second.content
    assert "第2号通知" in client.get(index.url, {"page": 2}).content.decode()


def test_cached_page_keeps_its_security_headers_and_sets_no_cookie(client, site):
    miss = client.get("/faq/")
    hit = client.get("/faq/")
    assert state(hit) == "hit"
    for header in ("Content-Security-Policy", "Permissions-Policy", "X-Frame-Options", "Content-Type", "Vary"):
        assert hit.get(header) and hit[header] == miss[header], header
    assert "script-src 'self'" in hit["Content-Security-Policy"]
    assert "nonce-" not in hit["Content-Security-Policy"]
    assert not hit.cookies and "Set-Cookie" not in hit
    assert "Cookie" in hit["Vary"]


def test_off_when_seconds_is_zero(client, site, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/faq/")
    response = client.get("/faq/")
    assert response.status_code == 200 and state(response) is None


# --- What is never stored ----------------------------------------------------


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("editor", password="pw-for-tests-1")


def test_a_logged_in_user_is_never_served_nor_stored(client, site, editor):
    staff = Client()
    staff.force_login(editor)
    for _ in range(2):
        response = staff.get("/faq/")
        assert response.status_code == 200 and state(response) is None
    # What staff saw was not stored for the public either.
    assert state(client.get("/faq/")) == "miss"
    # And the public's copy is not what staff get.
    assert state(staff.get("/faq/")) is None


@pytest.mark.parametrize(
    "url",
    [
        reverse("registration:scope_check"),
        reverse("registration:form"),
        reverse("registration:status"),
        reverse("reports_public:form"),
        "/search/?q=施工",
    ],
)
def test_forms_lookups_and_search_results_are_never_cached(client, site, url):
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, url
        assert state(response) is None


def test_a_page_behind_a_password_is_never_stored(client, site):
    restriction = PageViewRestriction.objects.create(
        page=site["faq"], restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    for _ in range(2):
        response = client.get("/faq/")
        assert "csrfmiddlewaretoken" in response.content.decode()
        assert state(response) is None
    restriction.delete()
    assert "要登记吗" in client.get("/faq/").content.decode()


def test_restricting_a_cached_page_purges_it(client, site):
    client.get("/faq/")
    assert state(client.get("/faq/")) == "hit"
    PageViewRestriction.objects.create(page=site["faq"], restriction_type=PageViewRestriction.LOGIN)
    response = client.get("/faq/")
    assert response.status_code == 302 and state(response) is None


def _use_nonce(page, request, *args, **kwargs):
    str(request.csp_nonce)


def _set_cookie(page, request, *args, **kwargs):
    request.session["seen"] = True


def _use_csrf_token(page, request, *args, **kwargs):
    from django.middleware.csrf import get_token

    get_token(request)


@pytest.mark.parametrize("touch", [_use_nonce, _set_cookie, _use_csrf_token])
def test_a_page_that_uses_a_nonce_a_session_or_a_csrf_token_is_not_stored(client, site, monkeypatch, touch):
    original = StandardPage.get_context

    def get_context(self, request, *args, **kwargs):
        touch(self, request)
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(StandardPage, "get_context", get_context)
    first = client.get("/faq/")
    assert first.status_code == 200 and state(first) is None
    assert state(Client().get("/faq/")) is None


def test_a_page_class_may_opt_out(client, site, monkeypatch):
    monkeypatch.setattr(StandardPage, "page_cache", False, raising=False)
    client.get("/faq/")
    assert state(client.get("/faq/")) is None


def test_a_visitor_with_a_session_is_not_served_from_the_cache(client, site, settings):
    client.get("/faq/")
    client.cookies[settings.SESSION_COOKIE_NAME] = "some-session"
    response = client.get("/faq/")
    assert response.status_code == 200 and state(response) is None


def test_not_found_is_not_stored(client, site):
    client.get("/no-such-page/")
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and state(response) is None


# --- Purge on edits --------------------------------------------------------------


def cached_twice(client, url):
    client.get(url)
    response = client.get(url)
    assert state(response) == "hit"
    return response.content.decode()


def test_publish_purges_the_page_and_the_lists_that_show_it(client, site, editor_commits):
    assert "新的通知" not in cached_twice(client, "/")
    cached_twice(client, site["notices"].url)
    with editor_commits():
        add_page(site["notices"], NoticePage(title="新的通知", slug="new", date=timezone.localdate()))
    for url in ("/", site["notices"].url, "/notices/new/"):
        response = client.get(url)
        assert state(response) == "miss" and "新的通知" in response.content.decode(), url


def test_a_new_draft_does_not_purge(client, site):
    cached_twice(client, "/faq/")
    faq = site["faq"]
    faq.title = "草稿标题"
    faq.save_revision()
    response = client.get("/faq/")
    assert state(response) == "hit" and "草稿标题" not in response.content.decode()


def test_publishing_a_change_shows_it_at_once(client, site, editor_commits):
    cached_twice(client, "/faq/")
    faq = site["faq"]
    faq.title = "新的标题"
    with editor_commits():
        faq.save_revision().publish()
    content = client.get("/faq/").content.decode()
    assert "新的标题" in content
    # In the menu of every other page as well.
    assert "新的标题" in client.get("/").content.decode()


def test_unpublish_purges(client, site, editor_commits):
    cached_twice(client, "/faq/")
    assert "常见问题" in cached_twice(client, "/")
    with editor_commits():
        site["faq"].unpublish()
    assert client.get("/faq/").status_code == 404
    assert "常见问题" not in client.get("/").content.decode()


def test_move_purges(client, site, editor_commits):
    about = make_standard_page(site["home"], "about", "关于")
    cached_twice(client, "/faq/")
    with editor_commits():
        site["faq"].move(about, pos="last-child")
    old = client.get("/faq/")  # Wagtail's automatic redirect, not the cached page
    assert old.status_code == 301 and old["Location"] == "/about/faq/"
    assert "要登记吗" in client.get("/about/faq/").content.decode()


def test_delete_purges(client, site, editor_commits):
    cached_twice(client, "/faq/")
    with editor_commits():
        site["faq"].delete()
    assert client.get("/faq/").status_code == 404


def test_a_settings_change_shows_on_every_page(client, site, editor_commits):
    cached_twice(client, "/faq/")
    settings_row = PortalSettings.load()
    settings_row.hotline = "0592-5700000"
    with editor_commits():
        settings_row.save()
    assert "0592-5700000" in client.get("/faq/").content.decode()


def test_a_snippet_change_shows_on_the_page_that_lists_it(client, home_page, editor_commits):
    from training.demo_calendar import ensure_calendar_page
    from training.models import Topic, TrainingSession

    calendar, _created = ensure_calendar_page()
    start = timezone.now() + datetime.timedelta(days=2)
    session = TrainingSession.objects.create(
        title="高处作业安全培训",
        topic=Topic.objects.create(name="高处坠落"),
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        venue="区建设局会议室",
    )
    assert "高处作业安全培训" in cached_twice(client, calendar.url)
    session.title = "临时用电安全培训"
    with editor_commits():
        session.save()
    response = client.get(calendar.url)
    assert state(response) == "miss" and "临时用电安全培训" in response.content.decode()


def test_the_commit_purges_again(client, site, django_capture_on_commit_callbacks):
    """A page stored while the edit's transaction was still open (another server
    reading the old rows) is not served once the edit is committed."""
    faq = site["faq"]
    faq.title = "提交后的标题"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        faq.save_revision().publish()
    client.get("/faq/")
    assert state(client.get("/faq/")) == "hit"
    assert callbacks
    for callback in callbacks:
        callback()
    assert state(client.get("/faq/")) == "miss"


# --- The front proxy (nginx) -----------------------------------------------------


@pytest.fixture
def front_cache(settings):
    settings.WAGTAILFRONTENDCACHE = {
        "nginx": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend", "LOCATION": "http://127.0.0.1:8080"}
    }
    settings.FRONTEND_CACHE_SECONDS = 60
    with mock.patch("wagtail.contrib.frontend_cache.backends.http.HTTPBackend.purge") as purge:
        yield purge


def test_the_front_proxy_may_keep_only_shared_pages(client, site, front_cache, editor):
    assert client.get("/faq/")["X-Accel-Expires"] == "60"
    assert client.get("/faq/")["X-Accel-Expires"] == "60"
    assert "X-Accel-Expires" not in client.get(reverse("registration:form"))
    staff = Client()
    staff.force_login(editor)
    assert "X-Accel-Expires" not in staff.get("/faq/")


def test_the_front_proxy_is_purged_after_publish_with_the_lists(client, site, front_cache, editor_commits):
    with editor_commits():
        add_page(site["notices"], NoticePage(title="新的通知", slug="new", date=timezone.localdate()))
    purged = {call.args[0] for call in front_cache.call_args_list}
    assert {"http://localhost/notices/new/", "http://localhost/notices/", "http://localhost/"} <= purged


def test_no_front_proxy_purge_when_not_configured(site, editor_commits):
    with mock.patch("wagtail.contrib.frontend_cache.backends.http.HTTPBackend.purge") as purge:
        with editor_commits():
            add_page(site["notices"], NoticePage(title="新的通知", slug="new", date=timezone.localdate()))
    assert not purge.called


def test_a_page_the_cache_refuses_is_still_served(client, site, monkeypatch):
    """E.g. a page over the cache server's size limit."""
    store = cache.set

    def refuse_pages(key, *args, **kwargs):
        if ":page:" in key:
            raise ValueError("value too large")
        return store(key, *args, **kwargs)

    monkeypatch.setattr(cache, "set", refuse_pages)
    for _ in range(2):
        response = client.get("/faq/")
        assert response.status_code == 200 and "要登记吗" in response.content.decode()
        assert state(response) == "miss"


@pytest.mark.parametrize("shared", [True, False])
def test_site_data_is_kept_until_a_purge_only_in_a_shared_cache(client, site, settings, shared):
    """Production without CACHE_URL turns SITE_DATA_CACHE off: a worker's own
    memory could not be purged by an edit made on another worker."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.SITE_DATA_CACHE = shared
    client.get("/faq/")
    PortalSettings.load()
    PortalSettings.objects.update(hotline="0592-5711111")  # no purge here: as a worker sees an edit made on another
    assert ("0592-5711111" in client.get("/faq/").content.decode()) is not shared


def test_the_purge_command_after_a_deploy(client, site):
    import io

    from django.core.management import call_command

    cached_twice(client, "/faq/")
    call_command("purge_page_cache", stdout=io.StringIO())
    assert state(client.get("/faq/")) == "miss"


def test_memoised_values_last_until_a_purge(settings):
    """portal.page_cache.memoised (the registration form's blank fields): kept
    in the process, rebuilt after a purge, never kept without SITE_DATA_CACHE."""
    from portal import page_cache

    built = []

    def build():
        built.append(len(built) + 1)
        return built[-1]

    assert page_cache.memoised("test-value", build) == page_cache.memoised("test-value", build) == 1
    page_cache.purge()
    assert page_cache.memoised("test-value", build) == page_cache.memoised("test-value", build) == 2
    settings.SITE_DATA_CACHE = False
    assert [page_cache.memoised("test-value", build) for _ in range(2)] == [3, 4]


def test_memoised_keeps_a_bounded_number_of_values():
    from portal import page_cache

    for number in range(page_cache.MEMO_SIZE * 2):
        assert page_cache.memoised(f"test-{number}", lambda number=number: number) == number
    assert len(page_cache._memo) == page_cache.MEMO_SIZE
    assert (
        page_cache.memoised(f"test-{page_cache.MEMO_SIZE * 2 - 1}", lambda: "rebuilt") == page_cache.MEMO_SIZE * 2 - 1
    )


def test_the_menu_of_every_other_view_shows_a_change_at_once(client, site, editor_commits):
    """The menu's links are kept in each process until a purge (portal.pages.menu_links)."""
    for _ in range(2):
        assert "关于纳管" not in client.get("/register/status/").content.decode()
    with editor_commits():
        make_standard_page(site["home"], "about", "关于纳管", show_in_menus=True)
    assert "关于纳管" in client.get("/register/status/").content.decode()
    faq = site["faq"]
    faq.title = "新的标题"
    with editor_commits():
        faq.save_revision().publish()
    html = client.get("/register/status/").content.decode()
    assert "新的标题" in html and "常见问题" not in html
