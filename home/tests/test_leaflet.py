"""The notice leaflet (纳管须知): page rules, the QR code to the registration
form, the PDF download, the one-sheet print view and the demo content."""

import io
import re
from unittest import mock

import pytest
import segno
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date
from pypdf import PdfReader

from home.demo import leaflet as leaflet_demo
from home.demo.site import ensure_child
from home.leaflet_pdf import FONT_SIZES, build_leaflet_pdf, render_at_size, rich_text_items
from home.models import HomePage, LeafletPage, StandardPage
from home.models.leaflet import attachment_disposition

REGISTER_URL = "http://testserver/register/"
PAGE_QUERIES = 12  # Wagtail routing, settings, menu and breadcrumbs; none per block
PDF_QUERIES = 6  # Wagtail routing only


def pdf_page_count(data):
    """Page objects in a PDF; reportlab and Chromium both write them as plain
    dictionaries (``/Type /Page``, not inside compressed object streams)."""
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", data))


def pdf_text(data):
    """The text of a PDF as a reader extracts it, through each font's ToUnicode map."""
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def pdf_fonts(data):
    """Each font used by the PDF: (name, whether its glyphs are embedded)."""
    fonts = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.append((str(font["/BaseFont"]), embedded))
    return fonts


def make_body(count):
    """``count`` blocks cycling through the four block types, each with its own text."""
    blocks = [
        lambda n: {"type": "heading", "value": {"text": f"标题{n}"}},
        lambda n: {"type": "paragraph", "value": f"第{n}段：开工前请先登记。"},
        lambda n: {"type": "list", "value": {"title": "", "items": [f"事项{n}甲", f"事项{n}乙"], "numbered": False}},
        lambda n: {"type": "callout", "value": {"title": f"提示{n}", "text": f"<p>注意<b>高处</b>作业安全{n}。</p>"}},
    ]
    return [blocks[n % len(blocks)](n) for n in range(count)]


@pytest.fixture
def leaflet(home_page):
    """The demo leaflet, as `make run` creates it."""
    leaflet_demo.load(home_page)
    return LeafletPage.objects.get()


def make_leaflet(home_page, blocks):
    page, _ = ensure_child(home_page, LeafletPage, "leaflet", title="纳管须知", body=make_body(blocks))
    return page


# --- Page rules -------------------------------------------------------------


def test_leaflet_lives_only_under_the_home_page_and_has_no_children(home_page):
    assert LeafletPage in HomePage.allowed_subpage_models()
    assert LeafletPage.can_exist_under(home_page)
    assert not LeafletPage.can_exist_under(StandardPage(title="关于", slug="about"))
    assert LeafletPage.allowed_subpage_models() == []


def test_only_one_leaflet_can_be_created(home_page):
    assert LeafletPage.can_create_at(home_page)
    make_leaflet(home_page, 1)
    assert not LeafletPage.can_create_at(home_page)


# --- The page on screen -----------------------------------------------------


def test_page_shows_the_blocks_and_links_to_the_pdf(client, leaflet):
    response = client.get("/leaflet/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "小散工程和零星作业安全生产纳管须知" in html
    assert '<h2 class="leaflet-heading">纳管的四个环节</h2>' in html
    assert '<ol class="leaflet-list">' in html  # the four steps are numbered
    assert 'class="leaflet-callout" role="note"' in html
    assert 'href="/leaflet/pdf/"' in html
    assert "data-print hidden" in html  # shown by print.js, never an inline handler
    assert "onclick" not in html


def test_qr_code_encodes_the_absolute_registration_url(client, leaflet):
    with mock.patch("portal.templatetags.portal_tags.segno.make", wraps=segno.make) as make:
        html = client.get("/leaflet/").content.decode()
    assert [c.args[0] for c in make.call_args_list] == [REGISTER_URL]
    # The drawn modules are exactly those of a QR code for that address.
    expected = re.search(r' d="([^"]+)"', segno.make(REGISTER_URL, error="m").svg_inline()).group(1)
    assert f' d="{expected}"' in html
    # People who cannot scan read the address instead.
    assert f'<p class="leaflet-url">{REGISTER_URL}</p>' in html
    assert "扫码在线登记" in html


def test_page_queries_are_bounded_and_do_not_grow_with_blocks(client, home_page, django_assert_max_num_queries):
    page = make_leaflet(home_page, 3)
    counts = []
    for blocks in (3, 30):
        page.body = make_body(blocks)
        page.save_revision().publish()
        client.get("/leaflet/")  # warm the site and settings caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/leaflet/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(PAGE_QUERIES):
        client.get("/leaflet/")


# --- The PDF ----------------------------------------------------------------


def test_pdf_route_downloads_one_a4_page(client, leaflet):
    response = client.get("/leaflet/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"leaflet.pdf\"; filename*=UTF-8''"
        "%E5%B0%8F%E6%95%A3%E5%B7%A5%E7%A8%8B%E5%92%8C%E9%9B%B6%E6%98%9F%E4%BD%9C%E4%B8%9A"
        "%E5%AE%89%E5%85%A8%E7%94%9F%E4%BA%A7%E7%BA%B3%E7%AE%A1%E9%A1%BB%E7%9F%A5.pdf"
    )
    assert response.content.startswith(b"%PDF-")
    assert pdf_page_count(response.content) == 1
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in response.content  # A4 in points
    text = pdf_text(response.content)
    assert leaflet.title in text
    assert REGISTER_URL in text


def test_pdf_is_revalidated_with_last_modified(client, leaflet):
    response = client.get("/leaflet/pdf/")
    assert response["Last-Modified"] == http_date(leaflet.last_published_at.timestamp())
    again = client.get("/leaflet/pdf/", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304
    older = http_date(leaflet.last_published_at.timestamp() - 60)
    assert client.get("/leaflet/pdf/", HTTP_IF_MODIFIED_SINCE=older).status_code == 200


def test_pdf_queries_are_bounded_and_do_not_grow_with_blocks(client, home_page, django_assert_max_num_queries):
    page = make_leaflet(home_page, 3)
    counts = []
    for blocks in (3, 30):
        page.body = make_body(blocks)
        page.save_revision().publish()
        client.get("/leaflet/pdf/")
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/leaflet/pdf/")
        assert pdf_page_count(response.content) == 1
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(PDF_QUERIES):
        client.get("/leaflet/pdf/")


def test_pdf_builder_draws_every_block_and_the_qr_code(leaflet):
    with mock.patch("home.leaflet_pdf.segno.make", wraps=segno.make) as make:
        pdf = build_leaflet_pdf(leaflet, "https://example.org/register/")
    assert make.call_args.args[0] == "https://example.org/register/"
    text = pdf_text(pdf)
    for expected in [
        leaflet.subtitle,
        leaflet.qr_caption,
        "https://example.org/register/",
        "哪些属于小散工程",  # heading
        "各类地下管线的施工",  # list item
        "临时建设工程不在此列",  # callout paragraph
        "住宅小区内的工程",  # paragraph
    ]:
        assert expected in text


def test_pdf_shrinks_the_type_to_stay_on_one_sheet(home_page):
    page = make_leaflet(home_page, 60)
    url = "http://testserver/register/"
    assert render_at_size(page, url, FONT_SIZES[0])[1] > 1  # too long at the normal size...
    assert pdf_page_count(build_leaflet_pdf(page, url)) == 1  # ...so it is set smaller


def test_pdf_embeds_its_chinese_font(leaflet):
    """A reader without the font still shows the text: every font is embedded (a subset)."""
    pdf = build_leaflet_pdf(leaflet, REGISTER_URL)
    fonts = pdf_fonts(pdf)
    assert fonts and all(embedded for _name, embedded in fonts), fonts
    assert all("WenQuanYiMicroHei" in name for name, _embedded in fonts), fonts
    assert len(pdf) < 400_000  # a subset of the 5 MB font, not all of it


def test_pdf_of_an_empty_leaflet_still_builds(home_page):
    page = make_leaflet(home_page, 0)
    pdf = build_leaflet_pdf(page, REGISTER_URL)
    assert pdf_page_count(pdf) == 1
    assert REGISTER_URL in pdf_text(pdf)


def test_rich_text_becomes_plain_paragraphs_and_items():
    html = '<p>先<b>登记</b>，<a linktype="page" id="3">再</a>开工</p><ul><li>甲</li><li>乙<br/>丙</li></ul>'
    assert rich_text_items(html) == [(False, "先登记，再开工"), (True, "甲"), (True, "乙\n丙")]


def test_content_disposition_has_an_ascii_fallback():
    assert attachment_disposition("须知 (1).pdf") == (
        "attachment; filename=\"leaflet.pdf\"; filename*=UTF-8''%E9%A1%BB%E7%9F%A5%20%281%29.pdf"
    )


# --- Demo content -------------------------------------------------------------


def test_demo_leaflet_is_created_once_and_never_overwritten(home_page):
    assert leaflet_demo.load(home_page) == ["Leaflet created: 小散工程和零星作业安全生产纳管须知"]
    page = LeafletPage.objects.get()
    assert (page.slug, page.show_in_menus, page.live) == ("leaflet", True, True)
    page.subtitle = "编辑改过的副标题"
    page.save_revision().publish()
    revisions = page.revisions.count()

    assert leaflet_demo.load(home_page) == []
    page.refresh_from_db()
    assert page.subtitle == "编辑改过的副标题"
    assert page.revisions.count() == revisions
    assert LeafletPage.objects.count() == 1


def test_demo_leaflet_covers_the_scheme_and_fits_at_full_size(leaflet):
    text = leaflet.search_body_text()
    for fact in [
        "30万元",
        "300平方米",
        "临时建设工程",
        "信息登记",
        "日常巡查",
        "执法处置",
        "完工核销",
        "登记回执",
        "工业厂区、学校、医院",
        "安全生产责任险",
        "物业服务企业",
        "高坠",
        "触电",
        "消防",
        "物体打击",
        "坍塌",
        "中毒",
        "扫描",
    ]:
        assert fact in text, fact
    # Editors have room to add text before the PDF has to shrink its type.
    assert render_at_size(leaflet, REGISTER_URL, FONT_SIZES[0])[1] == 1


# --- In a browser -------------------------------------------------------------


@pytest.mark.browser
def test_print_view_is_one_a4_page_with_the_qr_code(live_server, transactional_db, desktop_page):
    from home.demo.site import ensure_home_page

    leaflet_demo.load(ensure_home_page())
    page = desktop_page
    page.goto(f"{live_server.url}/leaflet/")
    assert page.locator(".leaflet-url").inner_text() == f"{live_server.url}/register/"

    page.evaluate("() => { window.printCalls = 0; window.print = () => { window.printCalls += 1; }; }")
    page.get_by_role("button", name=re.compile("Print|打印")).click()
    assert page.evaluate("window.printCalls") == 1

    page.emulate_media(media="print")
    qr = page.locator(".leaflet-qr svg")
    assert qr.is_visible()
    box = qr.bounding_box()
    assert box["width"] >= 110 and box["height"] >= 110  # about 30 mm or more on paper
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".site-footer").is_visible()
    assert not page.locator(".leaflet-actions").is_visible()
    assert pdf_page_count(page.pdf(format="A4")) == 1


@pytest.mark.browser
def test_leaflet_is_accessible_on_a_phone(live_server, transactional_db, phone_page, assert_accessible):
    from home.demo.site import ensure_home_page

    leaflet_demo.load(ensure_home_page())
    phone_page.goto(f"{live_server.url}/leaflet/")
    assert phone_page.locator(".leaflet-qr svg").is_visible()
    # Nothing is wider than the phone's screen.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(phone_page)
