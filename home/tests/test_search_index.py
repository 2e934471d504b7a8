"""The indexed Chinese search on PostgreSQL (portal/search_backend.py): the GIN index
is used, and the bigram tokens follow publishing, unpublishing, deleting and
``update_index``. Run on PostgreSQL (the PostgreSQL-only tests skip on SQLite):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/huli_search_dev \
        .venv/bin/python -m pytest home/tests/test_search_index.py --create-db
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.models import Page
from wagtail.rich_text import RichText
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from home.models import NoticeIndexPage, NoticePage, StandardPage
from portal.models import SearchTokens
from portal.search import prepare_query, ranked_ids

from .factories import add_page

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the GIN-indexed tokens are PostgreSQL's"
)


def paragraphs(*texts):
    return [("paragraph", RichText(f"<p>{text}</p>")) for text in texts]


def found(query):
    return ranked_ids(Page.objects.live().public(), prepare_query(query).tokens)


def tokens_of(page):
    """The lexemes stored for a page, or None without a row."""
    row = SearchTokens.objects.filter(
        content_type=ContentType.objects.get_for_model(type(page)), object_id=page.pk
    ).first()
    if row is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT array_to_string(tsvector_to_array(%s::tsvector), ' ')", [row.tokens])
        return set(cursor.fetchone()[0].split())


@postgresql_only
def test_publishing_writes_the_pages_bigrams(home_page):
    page = add_page(home_page, StandardPage(title="临时用电须知", slug="power", body=paragraphs("持证电工接线。")))
    assert tokens_of(page) == {"临时", "时用", "用电", "电须", "须知", "持证", "证电", "电工", "工接", "接线"}
    assert found("电工") == [page.pk]


@postgresql_only
def test_a_new_version_replaces_the_tokens_and_a_draft_does_not(home_page):
    page = add_page(home_page, StandardPage(title="关于我们", slug="about"))
    page.title = "关于纳管平台"
    page.save_revision().publish()
    assert "纳管" in tokens_of(page)
    assert "我们" not in tokens_of(page)
    assert found("纳管平台") == [page.pk]
    assert found("我们") == []

    page.title = "草稿塔吊标题"
    page.save_revision()
    assert "塔吊" not in tokens_of(page)
    assert found("塔吊") == []


@postgresql_only
def test_unpublishing_hides_the_page_and_publishing_again_shows_it(home_page):
    page = add_page(home_page, StandardPage(title="脚手架搭设要点", slug="scaffold"))
    page.unpublish()
    assert found("脚手架") == []
    # Like Wagtail's own entry, the row stays: drafts are found in the admin.
    assert IndexEntry.objects.filter(object_id=str(page.pk)).exists()
    assert "脚手" in tokens_of(page)

    page.save_revision().publish()
    assert found("脚手架") == [page.pk]


@postgresql_only
def test_deleting_a_page_and_its_children_deletes_their_tokens(home_page):
    index = add_page(home_page, NoticeIndexPage(title="通知公告", slug="notices"))
    notice = add_page(index, NoticePage(title="台风季节施工提示", slug="typhoon"))
    other = add_page(home_page, StandardPage(title="台风防御指引", slug="guide"))
    assert set(found("台风")) == {notice.pk, other.pk}

    Page.objects.get(pk=index.pk).delete()
    assert tokens_of(notice) is None
    assert tokens_of(index) is None
    assert found("台风") == [other.pk]


@postgresql_only
def test_update_index_rebuilds_the_tokens_and_drops_stale_ones(home_page):
    kept = add_page(home_page, StandardPage(title="有限空间作业", slug="confined", body=paragraphs("通风检测。")))
    get_search_backend().reset_indexes()
    assert not SearchTokens.objects.exists()
    assert found("通风") == []
    # a row left behind by an object deleted while indexing was off
    SearchTokens.objects.create(
        content_type=ContentType.objects.get_for_model(StandardPage),
        object_id=999999,
        title="",
        tokens="",
    )

    call_command("update_index", verbosity=0)
    assert found("通风") == [kept.pk]
    assert set(SearchTokens.objects.values_list("content_type", "object_id")) == {
        (ContentType.objects.get_for_model(type(page)).pk, page.pk) for page in (home_page, kept)
    }


@pytest.mark.parametrize("applied", [True, False])
@postgresql_only
def test_a_migrate_that_creates_the_tokens_table_fills_it(home_page, applied):
    """An existing site upgraded past portal 0009 can search at once, without update_index."""
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    from portal.search_backend import fill_tokens_after_upgrade

    kept = add_page(home_page, StandardPage(title="有限空间作业", slug="confined", body=paragraphs("通风检测。")))
    SearchTokens.objects.all().delete()
    migration = MigrationLoader(connection).graph.nodes[("portal", "0009_search_tokens")]
    plan = [(migration, False)] if applied else [(migration, True)]
    fill_tokens_after_upgrade(apps.get_app_config("portal"), plan=plan, verbosity=0)
    assert found("通风") == ([kept.pk] if applied else [])


@postgresql_only
def test_search_syntax_in_a_token_is_plain_text(home_page):
    """ranked_ids takes any token list; quotes and operators in one are punctuation."""
    page = add_page(home_page, StandardPage(title="施工安全", slug="works"))
    backend = get_search_backend()
    # "!" would exclude the page if it were the NOT operator
    assert backend.ranked_ids(Page.objects.live(), ["!施工"]) == [page.pk]
    assert backend.ranked_ids(Page.objects.live(), ["施工'"]) == [page.pk]
    for tokens in (["\\"], ["a:*"], ["施工 & !安全"], ["("]):
        assert backend.ranked_ids(Page.objects.live(), tokens) == []


@postgresql_only
def test_a_model_without_tokens_is_searched_with_wagtails_query(home_page):
    from wagtail.images import get_image_model

    assert get_search_backend().ranked_ids(get_image_model().objects.all(), ["施工"]) is None
    assert ranked_ids(get_image_model().objects.all(), ["施工"]) == []


def explain(query):
    backend = get_search_backend()
    queryset = backend.ranked_object_ids(Page.objects.live().public(), prepare_query(query).tokens)
    return queryset.explain()


@postgresql_only
def test_the_planner_reads_the_gin_index_on_a_large_table(home_page):
    """3,000 live pages, one of them with the word: the match is a Bitmap Index Scan of
    the GIN index (Wagtail's backend matched ``title || body`` of every entry).
    The filler pages are written in bulk, as update_index would index them."""
    page = add_page(home_page, StandardPage(title="防盗网安装须知", slug="grille"))
    filler = [
        Page(
            title=f"小散工程登记第{n}期",
            draft_title=f"小散工程登记第{n}期",
            slug=f"filler-{n}",
            path=f"{home_page.path}{n:04d}",
            depth=home_page.depth + 1,
            url_path=f"{home_page.url_path}filler-{n}/",
            content_type=ContentType.objects.get_for_model(Page),
            locale_id=home_page.locale_id,
            live=True,
        )
        for n in range(1000, 4000)
    ]
    Page.objects.bulk_create(filler)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {SearchTokens._meta.db_table} (content_type_id, object_id, title, tokens) "  # noqa: S608
            "SELECT content_type_id, id, to_tsvector('simple', '小散 散工 工程 登记'), "
            # a body of 30 other words: about 1 KiB, the size of a real page's tokens
            "to_tsvector('simple', '小散 散工 工程 登记 ' || (SELECT string_agg(md5(id::text || w), ' ') "
            "FROM generate_series(1, 30) AS w)) FROM wagtailcore_page WHERE slug LIKE 'filler-%%'"
        )
        # what autovacuum does: move the new entries from GIN's pending list into the index
        cursor.execute("SELECT gin_clean_pending_list('portal_searchtokens_gin')")
        cursor.execute(f"ANALYZE {SearchTokens._meta.db_table}")
        cursor.execute("ANALYZE wagtailcore_page")
    plan = explain("防盗网")
    assert "Bitmap Index Scan on portal_searchtokens_gin" in plan, plan
    assert found("防盗网") == [page.pk]
    assert {filler_page.pk for filler_page in filler} <= set(found("小散工程"))


def search_queries(client, query):
    with CaptureQueriesContext(connection) as queries, translation.override("en"):
        response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return len(queries), response.context["results_page"].paginator.count


def test_search_page_query_count_does_not_grow_with_content(home_page, client):
    """Both databases: the same number of queries with 4 or 24 matching pages (and
    24 more that do not match), on a full results page of two page types."""
    index = add_page(home_page, NoticeIndexPage(title="通知公告", slug="notices"))

    def add(start, count):
        for n in range(start, start + count):
            parent, model = (index, NoticePage) if n % 2 else (home_page, StandardPage)
            add_page(parent, model(title=f"高处作业提示第{n}期", slug=f"tip-{n}", body=paragraphs("系好安全带。")))
            add_page(parent, model(title=f"消防提示第{n}期", slug=f"fire-{n}", body=paragraphs("配备灭火器。")))

    add(0, 4)
    search_queries(client, "消防")  # caches filled once per process (content types, site)
    small = search_queries(client, "高处作业")
    add(4, 20)
    search_queries(client, "消防")  # publishing purged the site data (portal/pages.py): filled again
    large = search_queries(client, "高处作业")
    assert small[1] == 4 and large[1] == 24
    assert large[0] == small[0]
