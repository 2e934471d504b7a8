"""Home page, standard pages and notices: page rules, rendering and query counts."""

import pytest
from wagtail.models import Page
from wagtail.rich_text import RichText

from home.models import (
    HomePage,
    LeafletPage,
    NoticeIndexPage,
    NoticePage,
    PolicyDocumentPage,
    PolicyIndexPage,
    StandardPage,
    VideoIndexPage,
    VideoPage,
)

from .factories import add_page, make_notices, make_standard_page

pytestmark = pytest.mark.django_db


def test_home_page_is_the_site_root(home_page, client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["page"].pk == home_page.pk


@pytest.mark.parametrize(
    "child, parent, allowed",
    [
        (HomePage, Page, True),
        (StandardPage, HomePage, True),
        (StandardPage, StandardPage, True),
        (NoticeIndexPage, HomePage, True),
        (NoticePage, NoticeIndexPage, True),
        (NoticePage, HomePage, False),
        (NoticePage, StandardPage, False),
        (PolicyIndexPage, HomePage, True),
        (PolicyDocumentPage, PolicyIndexPage, True),
        (PolicyDocumentPage, HomePage, False),
        (VideoPage, VideoIndexPage, True),
        (VideoPage, HomePage, False),
        (LeafletPage, HomePage, True),
        (LeafletPage, StandardPage, False),
        (StandardPage, NoticeIndexPage, False),
        (HomePage, HomePage, False),
    ],
)
def test_page_type_rules(child, parent, allowed):
    assert (parent in child.allowed_parent_page_models()) is allowed
    assert (child in parent.allowed_subpage_models()) is allowed


def test_singletons_cannot_be_added_twice(home_page):
    add_page(home_page, NoticeIndexPage(title="通知公告", slug="notices"))
    assert not NoticeIndexPage.can_create_at(home_page)
    assert not HomePage.can_create_at(Page.get_first_root_node())
    assert StandardPage.can_create_at(home_page)


def test_home_page_shows_entry_points_and_latest_notices(home_page, client):
    home_page.steps = [("step", {"title": "信息登记", "text": "开工前登记"})]
    home_page.notices_count = 3
    home_page.save_revision().publish()
    make_notices(home_page, 5)
    html = client.get("/").content.decode()
    assert 'href="/register/check/"' in html
    assert 'href="/register/status/"' in html
    assert "信息登记" in html
    # newest three, newest first
    assert html.index("第5号通知") < html.index("第4号通知") < html.index("第3号通知")
    assert "第2号通知" not in html


def test_notice_index_is_paginated_newest_first(home_page, client):
    index = make_notices(home_page, 12)
    index.per_page = 5
    index.save_revision().publish()
    first = client.get(index.url).content.decode()
    assert first.index("第12号通知") < first.index("第8号通知")
    assert "第7号通知" not in first
    third = client.get(index.url + "?page=3").content.decode()
    assert "第2号通知" in third and "第1号通知" in third
    # out of range and junk page numbers fall back instead of failing
    assert client.get(index.url + "?page=99").status_code == 200
    assert client.get(index.url + "?page=abc").status_code == 200


def test_unpublished_notices_are_not_listed(home_page, client):
    index = make_notices(home_page, 2)
    draft = NoticePage(title="草稿通知", slug="draft")
    index.add_child(instance=draft)
    draft.unpublish()
    assert "草稿通知" not in client.get(index.url).content.decode()
    assert client.get(index.url + "draft/").status_code == 404


def test_standard_page_renders_blocks_escaped(home_page, client):
    page = make_standard_page(
        home_page,
        "faq",
        "常见问题",
        body=[
            ("heading", {"text": "<script>alert(1)</script>"}),
            ("question", {"question": "哪些工程需要登记？", "answer": RichText("<p>开工前登记。</p>")}),
        ],
    )
    html = client.get(page.url).content.decode()
    assert "哪些工程需要登记？" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_breadcrumbs_and_menu(home_page, client):
    about = make_standard_page(home_page, "about", "关于纳管", show_in_menus=True)
    child = make_standard_page(about, "team", "三级队伍")
    html = client.get(child.url).content.decode()
    assert 'aria-label="Breadcrumb"' in html or "breadcrumb" in html
    assert f'href="{about.url}"' in html
    assert 'aria-current="page">三级队伍' in html


@pytest.mark.parametrize("count", [3, 30])
def test_home_page_query_count_is_bounded(home_page, client, django_assert_max_num_queries, count):
    make_notices(home_page, count)
    for n in range(count):
        make_standard_page(home_page, f"p{n}", f"页面{n}", show_in_menus=True)
    with django_assert_max_num_queries(20):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_notice_index_query_count_is_bounded(home_page, client, django_assert_max_num_queries, count):
    index = make_notices(home_page, count)
    with django_assert_max_num_queries(16):
        assert client.get(index.url).status_code == 200


@pytest.mark.parametrize("blocks", [2, 40])
def test_standard_and_notice_pages_query_count_is_bounded(home_page, client, django_assert_max_num_queries, blocks):
    body = [("question", {"question": f"问题{n}", "answer": RichText("<p>回答</p>")}) for n in range(blocks)]
    page = make_standard_page(home_page, "faq", "常见问题", body=body)
    index = make_notices(home_page, 1)
    notice = NoticePage.objects.child_of(index).first()
    notice.body = body
    notice.save_revision().publish()
    with django_assert_max_num_queries(16):
        assert client.get(page.url).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(notice.url).status_code == 200


def test_missing_page_is_a_404(home_page, client):
    assert client.get("/no-such-page/").status_code == 404
