"""Chinese site search at /search/, on SQLite FTS5 and on PostgreSQL. Run both ways:

    .venv/bin/python -m pytest home/tests/test_search.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/huli_search_dev \
        .venv/bin/python -m pytest home/tests/test_search.py --create-db
"""

import datetime
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import translation
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from home.models import NoticeIndexPage, NoticePage, StandardPage, VideoIndexPage
from home.models.blocks import stream_plain_text

from .factories import add_page

pytestmark = pytest.mark.django_db

RULES = "建筑施工安全管理规定"
AIRCON = "关于规范空调外机安装作业的通知"
REGISTER = "小散工程网上登记须知"
ABOUT = "关于我们"


def paragraphs(*texts):
    return [("paragraph", RichText(f"<p>{text}</p>")) for text in texts]


@pytest.fixture
def notices(home_page):
    return add_page(home_page, NoticeIndexPage(title="通知公告", slug="notices"))


@pytest.fixture
def site_pages(home_page, notices):
    """Four live pages with real content; 施工 is in one title and two bodies."""
    add_page(
        home_page,
        StandardPage(
            title=RULES,
            slug="rules",
            body=paragraphs("施工现场应当防范高处坠落（高坠）事故。", "作业人员必须系好安全带。"),
        ),
    )
    add_page(
        notices,
        NoticePage(
            title=AIRCON,
            slug="aircon",
            date=datetime.date(2026, 3, 1),
            summary="零星作业高坠事故有所上升。",
            body=paragraphs("安装空调外机时必须使用安全带；作业现场的临时用电由持证电工接线。"),
        ),
    )
    add_page(
        notices,
        NoticePage(
            title=REGISTER,
            slug="register",
            date=datetime.date(2026, 2, 1),
            body=paragraphs("登记时填写施工单位的统一社会信用代码（GB 32100-2015），共18位。"),
        ),
    )
    add_page(
        home_page,
        StandardPage(
            title=ABOUT,
            slug="about",
            body=paragraphs("湖里区住房和建设局负责本平台的日常维护。"),
        ),
    )


def search(client, query, **params):
    """The results page, in English so that assertions do not follow the catalogue."""
    with translation.override("en"):
        response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    return response


def titles(client, query):
    page = search(client, query).context["results_page"]
    return [result.page.title for result in page] if page else []


def test_the_database_full_text_backend_is_in_use():
    """Not the LIKE-based fallback Wagtail silently picks when SQLite lacks FTS5; on
    PostgreSQL, Wagtail's backend with the indexed bigram tokens (portal/search_backend.py)."""
    expected = {"sqlite": "SQLiteSearchBackend", "postgresql": "CJKPostgresSearchBackend"}
    assert type(get_search_backend()).__name__ == expected[connection.vendor]


def test_index_updates_run_immediately_in_tests():
    """Wagtail indexes pages from a task; the tests need it done before they search."""
    from django_tasks import task_backends
    from django_tasks.backends.immediate import ImmediateBackend
    from modelsearch.tasks import insert_or_update_object_task

    assert isinstance(task_backends[insert_or_update_object_task.backend], ImmediateBackend)


@pytest.mark.usefixtures("site_pages")
class TestFinding:
    def test_a_word_inside_a_title(self, client):
        assert titles(client, "施工")[0] == RULES
        assert titles(client, "管理")[0] == RULES

    def test_all_pages_with_the_word_in_title_or_body(self, client):
        assert set(titles(client, "施工")) == {RULES, REGISTER}
        assert set(titles(client, "高坠")) == {RULES, AIRCON}

    def test_a_word_only_in_the_body(self, client):
        assert titles(client, "临时用电") == [AIRCON]
        assert titles(client, "日常维护") == [ABOUT]

    def test_a_word_only_in_the_summary(self, client):
        assert titles(client, "有所上升") == [AIRCON]

    def test_a_word_that_is_nowhere_finds_nothing(self, client):
        response = search(client, "地铁隧道")
        assert response.context["results_page"].paginator.count == 0
        assert "Nothing was found for “地铁隧道”" in response.content.decode()

    def test_listing_pages_are_found_by_title_and_introduction(self, client, home_page):
        add_page(
            home_page, VideoIndexPage(title="安全宣教视频", slug="videos", intro="<p>观看<b>防高坠</b>动画短片。</p>")
        )
        assert titles(client, "公告") == ["通知公告"]
        assert titles(client, "宣教") == ["安全宣教视频"]
        assert titles(client, "动画短片") == ["安全宣教视频"]

    @pytest.mark.parametrize(
        "query, expected",
        [
            ("空调 安装", [AIRCON]),
            ("空调　安装", [AIRCON]),
            ("GB 32100", [REGISTER]),
            ("GB32100", [REGISTER]),
            ("ＧＢ３２１００", [REGISTER]),
            # every word must match: 高坠 and 事故 are in RULES too, but not as 高坠事故
            ("高坠事故", [AIRCON]),
            ("施工 空调", []),
            ("，施工；单位！", [REGISTER]),
        ],
    )
    def test_mixed_and_punctuated_queries(self, client, query, expected):
        assert titles(client, query) == expected

    @pytest.mark.parametrize("query", ['"施工', "施工 OR *", "NEAR(施工", "施工'; --", "\\", "^施工:"])
    def test_search_syntax_in_the_query_is_plain_text(self, client, query):
        search(client, query)

    def test_a_single_character_asks_for_a_longer_word(self, client):
        response = search(client, "安")
        assert response.context["results_page"] is None
        html = response.content.decode()
        assert "at least two characters" in html
        assert "search-results" not in html

    def test_an_overlong_query_is_truncated(self, client):
        response = search(client, "施工" * 200)
        assert response.context["query"] == "施工" * 50
        assert 'value="' + "施工" * 50 + '"' in response.content.decode()

    def test_the_empty_query_shows_just_the_form(self, client):
        response = search(client, "")
        assert response.context["results_page"] is None
        assert 'id="search-q"' in response.content.decode()


@pytest.mark.usefixtures("site_pages")
def test_drafts_private_and_unpublished_pages_are_not_found(home_page, notices, client):
    add_page(home_page, StandardPage(title="施工图纸审查草稿", slug="draft"), publish=False)
    private = add_page(home_page, StandardPage(title="施工内部资料", slug="private"))
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret")
    below_private = add_page(private, StandardPage(title="施工内部细则", slug="private-child"))
    withdrawn = add_page(notices, NoticePage(title="施工旧通知", slug="old"))
    withdrawn.unpublish()
    # an unpublished change to a live page is not searchable either
    rules = StandardPage.objects.get(title=RULES)
    rules.body = paragraphs("尚未发布的修改：塔吊拆除。")
    rules.save_revision()

    assert set(titles(client, "施工")) == {RULES, REGISTER}
    assert titles(client, "塔吊") == []
    assert below_private.live and private.live


def test_stream_plain_text_reads_every_text_block_without_queries(django_assert_num_queries):
    page = StandardPage(
        title="t",
        body=json.dumps(
            [
                {"type": "heading", "value": {"text": "临时用电"}, "id": "1"},
                {"type": "paragraph", "value": "<p>第一段。</p><p>第二段&amp;附则</p>", "id": "2"},
                {"type": "image", "value": {"image": 999, "decorative": False, "alt_text": "工地照片"}, "id": "3"},
                {"type": "document", "value": 999, "id": "4"},
                {"type": "question", "value": {"question": "要登记吗？", "answer": "<p>要。</p>"}, "id": "5"},
                {
                    "type": "callout",
                    "value": {"title": "", "text": "<ul><li>系安全带</li><li>戴安全帽</li></ul>"},
                    "id": "6",
                },
            ]
        ),
    )
    with django_assert_num_queries(0):
        text = stream_plain_text(page.body)
    assert text == "临时用电 第一段。 第二段&附则 工地照片 要登记吗？ 要。 系安全带 戴安全帽"


def test_title_matches_rank_above_body_only_matches(notices, client):
    """SQLite's bm25 alone would put the page that repeats 施工 in its body first."""
    add_page(
        notices,
        NoticePage(title="夏季安全提示", slug="summer", body=paragraphs("施工施工施工，施工单位注意施工安全。" * 5)),
    )
    add_page(notices, NoticePage(title="施工安全提示", slug="works", body=paragraphs("请注意防暑降温。")))
    add_page(
        notices, NoticePage(title="施工现场空调安装", slug="both", body=paragraphs("施工现场的空调安装要系安全带。"))
    )

    ranked = titles(client, "施工")
    assert set(ranked[:2]) == {"施工安全提示", "施工现场空调安装"}
    assert ranked[2] == "夏季安全提示"
    # more of the query's words in the title ranks higher
    assert titles(client, "施工 空调") == ["施工现场空调安装"]
    assert titles(client, "施工 安全")[0] == "施工安全提示"
    assert titles(client, "安全 提示")[:2] in (["施工安全提示", "夏季安全提示"], ["夏季安全提示", "施工安全提示"])


@pytest.mark.usefixtures("site_pages")
def test_publishing_updates_the_index(client):
    about = StandardPage.objects.get(title=ABOUT)
    about.title = "关于纳管平台"
    about.save_revision().publish()
    assert titles(client, "纳管平台") == ["关于纳管平台"]
    assert titles(client, "我们") == []


@pytest.mark.usefixtures("site_pages")
def test_update_index_rebuilds_the_index(client):
    get_search_backend().reset_indexes()
    assert not IndexEntry.objects.exists()
    assert titles(client, "施工") == []
    call_command("update_index", verbosity=0)
    assert set(titles(client, "施工")) == {RULES, REGISTER}


@pytest.mark.usefixtures("site_pages")
def test_results_page_shows_title_type_and_an_escaped_snippet(client, home_page):
    add_page(
        home_page,
        StandardPage(
            title="脚手架搭设要求",
            slug="scaffold",
            body=paragraphs("搭设脚手架前应当编制方案。&lt;script&gt;alert(1)&lt;/script&gt;"),
        ),
    )
    html = search(client, "高坠").content.decode()
    assert "2 results for “高坠”" in html
    assert f'<a href="/rules/">{RULES}</a>' in html
    with translation.override("en"):
        assert f'<div class="item-meta">{StandardPage.get_verbose_name()}</div>' in html
        assert f'<div class="item-meta">{NoticePage.get_verbose_name()}</div>' in html
    assert '防范高处坠落（<mark class="p-0">高坠</mark>）事故' in html

    html = search(client, "脚手架").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html


def test_results_are_paginated_and_pagination_keeps_the_query(notices, client):
    for n in range(12):
        add_page(notices, NoticePage(title=f"施工安全提示第{n + 1}期", slug=f"tip-{n + 1}"))
    first = search(client, "施工 安全")
    assert len(first.context["results_page"]) == 10
    html = first.content.decode()
    assert "12 results for “施工 安全”" in html
    assert "?q=%E6%96%BD%E5%B7%A5+%E5%AE%89%E5%85%A8&amp;page=2" in html
    second = search(client, "施工 安全", page=2)
    assert len(second.context["results_page"]) == 2
    assert not {r.page.pk for r in first.context["results_page"]} & {r.page.pk for r in second.context["results_page"]}


# Measured at 12 with 5 or 30 hits, on SQLite and PostgreSQL: the search view
# makes 7 (view restrictions, site, indexed content types, the search itself,
# the page ids' types, then one per page type shown: 2 here); the base layout
# makes the rest (site settings, menu, site root paths).
MAX_SEARCH_QUERIES = 12


@pytest.mark.parametrize("count", [5, 30])
def test_results_page_query_count_does_not_grow_with_results(
    home_page, notices, client, django_assert_max_num_queries, count
):
    for n in range(count):
        parent = notices if n % 2 else home_page
        page_class = NoticePage if n % 2 else StandardPage
        add_page(
            parent,
            page_class(
                title=f"施工安全提示第{n + 1}期", slug=f"tip-{n + 1}", body=paragraphs("施工现场注意临时用电安全。")
            ),
        )
    with django_assert_max_num_queries(MAX_SEARCH_QUERIES):
        response = search(client, "施工")
    assert response.context["results_page"].paginator.count == count


@pytest.mark.browser
def test_searching_on_a_phone(site_pages, transactional_db, live_server, phone_page, assert_accessible):
    page = phone_page
    page.goto(live_server.url + "/")
    page.fill("#site-search-q", "施工")
    page.locator("#site-search-q").press("Enter")
    page.wait_for_url("**/search/?q=*")
    results = page.locator(".search-results")
    assert results.get_by_role("link", name=RULES).is_visible()
    assert page.locator("#search-q").input_value() == "施工"
    assert "2" in page.get_by_role("status").inner_text()
    assert_accessible(page)

    results.get_by_role("link", name=RULES).click()
    page.wait_for_url("**/rules/")
    assert page.locator("h1").first.inner_text() == RULES

    page.go_back()
    page.fill("#search-q", "高坠")
    page.locator("main form[role=search] button").click()
    page.wait_for_url("**/search/?q=%E9%AB%98%E5%9D%A0*")
    found = page.locator(".search-results h2").all_inner_texts()
    assert set(found) == {RULES, AIRCON}
    assert page.locator(".search-results mark").first.inner_text() == "高坠"
    assert_accessible(page)
