"""Measures (政策法规): page rules, article numbering and anchors, status
banner, index filters, bounded SQL queries, and the phone journey from the
home page to an article through the table of contents."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.documents import get_document_model

from home.demo.policies import chapter, section
from home.models import HomePage, PolicyAttachment, PolicyDocumentPage, PolicyIndexPage, PolicyRelation
from home.models.policies import PolicyStatus, RelationKind, build_outline, chinese_numeral


@pytest.fixture
def policy_index(home_page):
    return home_page.add_child(instance=PolicyIndexPage(title="政策法规", slug="policies"))


def add_document(index, slug, **fields):
    fields.setdefault("title", f"测试文件{slug}")
    fields.setdefault("issuing_body", "厦门市人民政府办公厅")
    return index.add_child(instance=PolicyDocumentPage(slug=slug, **fields))


def articles(n, start=1):
    return [f"第{i}条的条文内容。" for i in range(start, start + n)]


def make_file(title):
    data = f"{title} 附件内容".encode()
    document = get_document_model()(title=title, file_size=len(data))
    document.file.save("attachment.txt", ContentFile(data), save=False)
    document.save()
    return document


# Chinese numerals ------------------------------------------------------------


@pytest.mark.parametrize(
    "number, expected",
    [
        (0, "零"),
        (1, "一"),
        (9, "九"),
        (10, "十"),
        (12, "十二"),
        (19, "十九"),
        (20, "二十"),
        (21, "二十一"),
        (99, "九十九"),
        (100, "一百"),
        (103, "一百零三"),
        (110, "一百一十"),
        (111, "一百一十一"),
        (1000, "一千"),
        (1001, "一千零一"),
        (1010, "一千零一十"),
        (2024, "二千零二十四"),
        (10000, "一万"),
        (10001, "一万零一"),
        (100010, "十万零一十"),
        (123456, "十二万三千四百五十六"),
    ],
)
def test_chinese_numeral(number, expected):
    assert chinese_numeral(number) == expected


@pytest.mark.parametrize("bad", [-1, 10**8, 1.5, "12", True, None])
def test_chinese_numeral_rejects_what_it_cannot_write(bad):
    with pytest.raises(ValueError):
        chinese_numeral(bad)


# Page rules ------------------------------------------------------------------


def test_index_lives_once_under_the_home_page(home_page):
    assert PolicyIndexPage.allowed_parent_page_models() == [HomePage]
    assert PolicyIndexPage.can_create_at(home_page)
    home_page.add_child(instance=PolicyIndexPage(title="政策法规", slug="policies"))
    assert not PolicyIndexPage.can_create_at(home_page)  # max_count = 1


def test_documents_live_only_under_the_index(home_page, policy_index):
    assert PolicyIndexPage.allowed_subpage_models() == [PolicyDocumentPage]
    assert PolicyDocumentPage.allowed_parent_page_models() == [PolicyIndexPage]
    assert PolicyDocumentPage.can_create_at(policy_index)
    assert not PolicyDocumentPage.can_create_at(home_page)
    document = add_document(policy_index, "a")
    assert PolicyDocumentPage.allowed_subpage_models() == []
    assert not PolicyDocumentPage.can_create_at(document)


def test_expiry_before_effective_date_is_refused():
    page = PolicyDocumentPage(
        title="文件",
        slug="doc",
        issuing_body="湖里区人民政府",
        effective_date=datetime.date(2022, 3, 7),
        expiry_date=datetime.date(2022, 3, 6),
    )
    with pytest.raises(ValidationError) as error:
        page.clean()
    assert "expiry_date" in error.value.message_dict
    page.expiry_date = page.effective_date  # a one-day validity is allowed
    page.clean()


# Numbering and anchors -------------------------------------------------------

MIXED_BODY = [
    chapter("总则", *articles(3)),
    chapter("主体责任", *articles(10, start=4)),
    {"type": "article", "value": {"text": "<p>不属于任何一章的条文。</p>"}},
]


def test_articles_are_numbered_across_chapters():
    outline = build_outline(PolicyDocumentPage(body=MIXED_BODY).body)
    first, second, loose = outline
    assert [(c.label, c.anchor, c.title) for c in (first, second)] == [
        ("第一章", "chapter-1", "总则"),
        ("第二章", "chapter-2", "主体责任"),
    ]
    numbered = [*first.articles, *second.articles, loose]
    assert [a.number for a in numbered] == list(range(1, 15))
    twelfth = numbered[11]
    assert (twelfth.label, twelfth.anchor, twelfth.heading_level) == ("第十二条", "article-12", 3)
    assert twelfth.excerpt.startswith("第12条的条文")
    assert (loose.label, loose.anchor, loose.heading_level) == ("第十四条", "article-14", 2)


def test_sections_are_numbered_on_their_own():
    body = [section("修订背景", "背景。"), chapter("总则", "条文。"), section("主要修订内容", "内容。")]
    outline = build_outline(PolicyDocumentPage(body=body).body)
    assert [(i.kind, i.anchor, i.label) for i in outline] == [
        ("section", "section-1", "一、"),
        ("chapter", "chapter-1", "第一章"),
        ("section", "section-2", "二、"),
    ]


def test_document_page_has_anchors_toc_and_self_links(client, policy_index):
    document = add_document(policy_index, "measure", body=MIXED_BODY)
    html = client.get(document.url).content.decode()
    for anchor in ("chapter-2", "article-1", "article-12", "article-14"):
        assert f'id="{anchor}"' in html
        assert html.count(f'href="#{anchor}"') == 3  # phone TOC, desktop TOC, the heading's self-link
    assert re.search(r'<a [^>]*href="#article-12">第十二条<span', html)  # the heading's visible self-link
    assert "<details" in html  # the phone TOC folds away without JavaScript


def test_document_page_lists_attachments_and_related_documents_by_kind(client, policy_index):
    measure = add_document(policy_index, "measure", title="纳管办法")
    rules = add_document(policy_index, "rules", title="实施细则", status=PolicyStatus.EXPIRED)
    draft = add_document(policy_index, "draft", title="修订稿", status=PolicyStatus.DRAFT)
    hidden = add_document(policy_index, "hidden", title="未发布的文件", live=False)
    PolicyRelation.objects.create(page=measure, target=rules, kind=RelationKind.IMPLEMENTING_RULES)
    PolicyRelation.objects.create(page=measure, target=draft, kind=RelationKind.REVISED_DRAFT)
    PolicyRelation.objects.create(page=measure, target=hidden, kind=RelationKind.OTHER)
    attachment = make_file("办法全文")
    PolicyAttachment.objects.create(page=measure, document=attachment)

    assert [(str(label), [p.title for p in pages]) for label, pages in measure.related_groups()] == [
        (str(RelationKind.IMPLEMENTING_RULES.label), ["实施细则"]),
        (str(RelationKind.REVISED_DRAFT.label), ["修订稿"]),
    ]
    html = client.get(measure.url).content.decode()
    assert f'href="{rules.url}"' in html and f'href="{draft.url}"' in html
    assert "未发布的文件" not in html
    assert f'href="{attachment.url}"' in html and "TXT" in html


# Status banner ---------------------------------------------------------------


@pytest.mark.parametrize(
    "status, banner",
    [
        (PolicyStatus.IN_FORCE, False),
        (PolicyStatus.EXPIRED, True),
        (PolicyStatus.DRAFT, True),
        (PolicyStatus.UNDER_REVISION, True),
    ],
)
def test_banner_only_when_not_in_force(client, policy_index, status, banner):
    note = "本细则有效期已届满，新版正在起草。"
    document = add_document(policy_index, "doc", status=status, status_note=note)
    html = client.get(document.url).content.decode()
    assert ('role="note"' in html) is banner
    assert (note in html) is banner
    assert str(status.label) in html  # the badge


# Index filters ---------------------------------------------------------------


@pytest.fixture
def filter_documents(policy_index):
    add_document(policy_index, "a", title="文件甲", status=PolicyStatus.IN_FORCE, issuing_body="厦门市人民政府办公厅")
    add_document(policy_index, "b", title="文件乙", status=PolicyStatus.EXPIRED, issuing_body="湖里区人民政府")
    add_document(policy_index, "c", title="文件丙", status=PolicyStatus.DRAFT, issuing_body="厦门市住房和建设局")
    add_document(policy_index, "d", title="文件丁", status=PolicyStatus.EXPIRED, issuing_body="厦门市人民政府办公厅")
    add_document(policy_index, "e", title="文件戊", live=False)
    return policy_index


def listed(client, url, params):
    response = client.get(url, params)
    assert response.status_code == 200
    return {t for t in ("文件甲", "文件乙", "文件丙", "文件丁", "文件戊") if f">{t}</a>" in response.content.decode()}


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, {"文件甲", "文件乙", "文件丙", "文件丁"}),
        ({"status": "expired"}, {"文件乙", "文件丁"}),
        ({"issuing_body": "厦门市人民政府办公厅"}, {"文件甲", "文件丁"}),
        ({"status": "expired", "issuing_body": "厦门市人民政府办公厅"}, {"文件丁"}),
        ({"status": "under_revision"}, set()),
        # Unknown values are ignored rather than failing or emptying the list.
        ({"status": "repealed", "issuing_body": "不存在的机关"}, {"文件甲", "文件乙", "文件丙", "文件丁"}),
        ({"status": "expired", "issuing_body": "不存在的机关"}, {"文件乙", "文件丁"}),
        ({"page": "not-a-number"}, {"文件甲", "文件乙", "文件丙", "文件丁"}),
    ],
)
def test_index_filters(client, filter_documents, params, expected):
    assert listed(client, filter_documents.url, params) == expected


def test_filter_form_offers_the_live_issuing_bodies_and_keeps_the_choice(client, filter_documents):
    html = client.get(filter_documents.url, {"issuing_body": "湖里区人民政府"}).content.decode()
    assert '<label class="form-label mb-1" for="policy-filter-status">' in html
    assert '<label class="form-label mb-1" for="policy-filter-issuing_body">' in html
    options = re.findall(r'<option value="([^"]+)"', html)
    assert {o for o in options if not o.isascii()} == {"厦门市人民政府办公厅", "厦门市住房和建设局", "湖里区人民政府"}
    assert '<option value="湖里区人民政府" selected>' in html


def test_index_lists_in_force_first_then_newest(policy_index):
    add_document(policy_index, "old", status=PolicyStatus.EXPIRED, issue_date=datetime.date(2020, 1, 1))
    add_document(policy_index, "new", status=PolicyStatus.DRAFT, issue_date=datetime.date(2025, 1, 1))
    add_document(policy_index, "undated", status=PolicyStatus.DRAFT)
    add_document(policy_index, "force", status=PolicyStatus.IN_FORCE, issue_date=datetime.date(2019, 1, 1))
    assert [d.slug for d in policy_index.documents()] == ["force", "new", "old", "undated"]


# Bounded SQL queries ---------------------------------------------------------

INDEX_QUERY_BOUND = 14
DOCUMENT_QUERY_BOUND = 14


def count_queries(client, url):
    client.get(url)  # warm the caches shared by every page (site, settings)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("size", [3, 30])
def test_index_queries_do_not_grow(client, policy_index, django_assert_max_num_queries, monkeypatch, size):
    monkeypatch.setattr(PolicyIndexPage, "per_page", 50)  # every document on one page
    for i in range(size):
        add_document(
            policy_index,
            f"doc-{i}",
            document_number=f"厦府办规〔2021〕{i}号",
            issue_date=datetime.date(2021, 1, 1) + datetime.timedelta(days=i),
            issuing_body=f"发文机关{i % 4}",
            summary="摘要",
        )
    client.get(policy_index.url)
    with django_assert_max_num_queries(INDEX_QUERY_BOUND):
        response = client.get(policy_index.url, {"status": "in_force"})
    assert response.content.decode().count('class="badge policy-status') == size


def test_index_query_count_is_the_same_for_3_and_30_documents(client, policy_index, monkeypatch):
    monkeypatch.setattr(PolicyIndexPage, "per_page", 50)
    for i in range(3):
        add_document(policy_index, f"doc-{i}")
    small = count_queries(client, policy_index.url)
    for i in range(3, 30):
        add_document(policy_index, f"doc-{i}")
    assert count_queries(client, policy_index.url) == small


def build_document(index, slug, chapters, articles_per_chapter, attachments, relations):
    body = [chapter(f"第{c}章标题", *articles(articles_per_chapter)) for c in range(chapters)]
    page = add_document(index, slug, body=body, preamble="<p>印发通知。</p>")
    for i in range(attachments):
        PolicyAttachment.objects.create(page=page, document=make_file(f"{slug}附件{i}"), sort_order=i)
    kinds = list(RelationKind)
    for i in range(relations):
        target = add_document(index, f"{slug}-related-{i}")
        PolicyRelation.objects.create(page=page, target=target, kind=kinds[i % len(kinds)], sort_order=i)
    return page


def test_document_queries_do_not_grow(client, policy_index, django_assert_max_num_queries):
    small = build_document(policy_index, "small", chapters=1, articles_per_chapter=3, attachments=1, relations=1)
    large = build_document(policy_index, "large", chapters=8, articles_per_chapter=15, attachments=12, relations=12)
    counts = []
    for page in (small, large):
        client.get(page.url)
        with django_assert_max_num_queries(DOCUMENT_QUERY_BOUND) as captured:
            html = client.get(page.url).content.decode()
        counts.append(len(captured))
    assert 'id="article-120"' in html and html.count("附件") >= 12
    assert counts[0] == counts[1]


# In a browser, on a phone ----------------------------------------------------


@pytest.mark.browser
def test_phone_home_to_article_through_the_contents(live_server, transactional_db, phone_page, assert_accessible):
    from playwright.sync_api import expect

    from home.demo import policies
    from home.demo.site import ensure_home_page

    policies.load(ensure_home_page())
    page = phone_page
    page.goto(live_server.url + "/")
    # The home page's entry point or the main menu, whichever comes first.
    page.get_by_role("link", name=re.compile("^政策法规")).first.click()
    expect(page).to_have_url(re.compile(r"/policies/$"))
    assert_accessible(page)

    page.get_by_role("link", name="厦门市小散工程和零星作业安全生产纳管办法", exact=True).click()
    expect(page).to_have_url(re.compile(r"/policies/xiamen-measures-2021/$"))
    expect(page.get_by_role("note")).to_have_count(0)  # in force: no banner
    assert_accessible(page)

    contents = page.locator("details.policy-toc")
    contents.locator("summary").click()
    expect(contents).to_have_attribute("open", "")
    contents.get_by_role("link", name=re.compile("^第十二条")).click()
    expect(page).to_have_url(re.compile(r"#article-12$"))
    expect(page.locator("#article-12")).to_be_in_viewport()
    expect(page.locator("#article-12 h3")).to_have_text(re.compile("^第十二条"))

    page.goto(live_server.url + "/policies/huli-implementing-rules/")
    expect(page.get_by_role("note")).to_contain_text("已经失效")
    assert_accessible(page)
