"""The notice leaflet as a one-page A4 PDF, built with reportlab from the page's blocks.

Kept apart from the view so it can be tested without a request. The text is
set in the Chinese font of pdf_fonts.py, embedded as a subset so the PDF
renders everywhere; the QR code comes from segno, like every other QR code
in the project, and is drawn as vector squares so it stays sharp when printed.
"""

from html import escape
from html.parser import HTMLParser
from io import BytesIO

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BalancedColumns,
    BaseDocTemplate,
    Flowable,
    Frame,
    FrameBreak,
    ListFlowable,
    ListItem,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from .pdf_fonts import chinese_font

FONT = chinese_font()

MARGIN = 12 * mm
COLUMN_GAP = 6 * mm
QR_SIZE = 30 * mm
PRIMARY = colors.HexColor("#0b4f9c")
CALLOUT_BACKGROUND = colors.HexColor("#fff4e5")
# Largest body size first; the first size whose layout fits one sheet wins.
FONT_SIZES = (10.5, 10, 9.5, 9, 8.5, 8, 7.5, 7, 6.5, 6)


class QRCode(Flowable):
    """A segno QR code drawn with reportlab rectangles (vector, no image)."""

    def __init__(self, data, size, quiet_zone=4):
        super().__init__()
        self.qr = segno.make(data, error="m")
        self.size = size
        self.quiet_zone = quiet_zone

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        rows = [list(row) for row in self.qr.matrix_iter(scale=1, border=self.quiet_zone)]
        module = self.size / len(rows)
        self.canv.setFillColor(colors.black)
        for r, row in enumerate(rows):
            y = self.size - (r + 1) * module
            c = 0
            while c < len(row):  # one rectangle per run of dark modules
                if not row[c]:
                    c += 1
                    continue
                start = c
                while c < len(row) and row[c]:
                    c += 1
                self.canv.rect(start * module, y, (c - start) * module, module, stroke=0, fill=1)


class _RichTextParagraphs(HTMLParser):
    """Plain text of each paragraph and list item of Wagtail rich text.

    The font has no bold or italic face, so inline formatting is dropped;
    link targets are dropped too, as they mean nothing on paper.
    """

    BLOCKS = {"p", "li", "h2", "h3", "h4", "h5", "h6", "div"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.items = []  # (is_list_item, text)
        self._parts = []
        self._list_item = False

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self._flush()
            self._list_item = tag == "li"
        elif tag == "br":
            self._parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data):
        self._parts.append(data)

    def _flush(self):
        text = "".join(self._parts).strip()
        if text:
            self.items.append((self._list_item, text))
        self._parts = []

    def close(self):
        super().close()
        self._flush()


def rich_text_items(source):
    """[(is_list_item, text), ...] for a rich-text HTML source."""
    parser = _RichTextParagraphs()
    parser.feed(source or "")
    parser.close()
    return parser.items


def _markup(text):
    """Escape text for a reportlab Paragraph, keeping line breaks."""
    return escape(text.strip()).replace("\n", "<br/>")


def _styles(size):
    base = ParagraphStyle(
        "body",
        fontName=FONT,
        bulletFontName=FONT,
        fontSize=size,
        leading=size * 1.45,
        wordWrap="CJK",
        spaceAfter=size * 0.35,
    )
    return {
        "body": base,
        "title": ParagraphStyle(
            "title", parent=base, fontSize=size * 1.9, leading=size * 2.3, textColor=PRIMARY, spaceAfter=size * 0.3
        ),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=size * 1.1, leading=size * 1.5),
        "heading": ParagraphStyle(
            "heading",
            parent=base,
            fontSize=size * 1.25,
            leading=size * 1.6,
            textColor=PRIMARY,
            spaceBefore=size * 0.6,
            spaceAfter=size * 0.25,
            keepWithNext=1,
        ),
        "callout_title": ParagraphStyle(
            "callout_title",
            parent=base,
            backColor=CALLOUT_BACKGROUND,
            textColor=colors.HexColor("#7a2e00"),
            leftIndent=size * 0.5,
            rightIndent=size * 0.5,
            borderPadding=(size * 0.3, size * 0.5),
            spaceAfter=0,
            keepWithNext=1,
        ),
        "callout": ParagraphStyle(
            "callout",
            parent=base,
            backColor=CALLOUT_BACKGROUND,
            leftIndent=size * 0.5,
            rightIndent=size * 0.5,
            borderPadding=(size * 0.3, size * 0.5),
            spaceAfter=0,
        ),
        "qr_caption": ParagraphStyle(
            "qr_caption", parent=base, fontSize=size * 0.95, leading=size * 1.3, alignment=TA_CENTER, spaceAfter=0
        ),
        "url": ParagraphStyle(
            "url", parent=base, fontSize=size * 0.7, leading=size * 0.95, alignment=TA_CENTER, spaceAfter=0
        ),
    }


def _bullets(texts, style, numbered):
    items = [ListItem(Paragraph(_markup(t), style)) for t in texts]
    return ListFlowable(
        items,
        bulletType="1" if numbered else "bullet",
        start=None if numbered else "•",
        bulletFontName=FONT,
        bulletFontSize=style.fontSize * 0.85,
        leftIndent=style.fontSize * 1.3,
        bulletDedent=style.fontSize * 1.1,
        spaceAfter=style.spaceAfter,
    )


def body_flowables(page, styles):
    """One or more flowables per block of the leaflet's body, in order."""
    story = []
    for block in page.body:
        value = block.value
        if block.block_type == "heading":
            story.append(Paragraph(_markup(value["text"]), styles["heading"]))
        elif block.block_type == "paragraph":
            story.append(Paragraph(_markup(value), styles["body"]))
        elif block.block_type == "list":
            if value["title"]:
                story.append(Paragraph(_markup(value["title"]), styles["body"]))
            story.append(_bullets(list(value["items"]), styles["body"], value["numbered"]))
        elif block.block_type == "callout":
            story.extend(_callout(value, styles))
    return story


def _callout(value, styles):
    """A shaded run of paragraphs; unlike a table, it may break across columns."""
    paragraphs = [(value["title"], styles["callout_title"])] if value["title"] else []
    paragraphs += [
        (("• " if is_item else "") + text, styles["callout"]) for is_item, text in rich_text_items(value["text"].source)
    ]
    if not paragraphs:
        return []
    last_text, last_style = paragraphs[-1]
    paragraphs[-1] = (last_text, ParagraphStyle("callout_end", parent=last_style, spaceAfter=styles["body"].fontSize))
    # The shading reaches above the first line, so leave it some room.
    return [Spacer(0, styles["body"].fontSize * 0.4)] + [Paragraph(_markup(t), s) for t, s in paragraphs]


def header_flowable(page, registration_url, styles, width):
    """Title and subtitle on the left; the QR code, its caption and the address
    it encodes (for those who cannot scan) on the right."""
    qr_column = QR_SIZE + 4 * mm
    left = [Paragraph(_markup(page.title), styles["title"])]
    if page.subtitle:
        left.append(Paragraph(_markup(page.subtitle), styles["subtitle"]))
    right = [QRCode(registration_url, QR_SIZE)]
    if page.qr_caption:
        right.append(Paragraph(_markup(page.qr_caption), styles["qr_caption"]))
    right.append(Paragraph(_markup(registration_url), styles["url"]))
    table = Table([[left, right]], colWidths=[width - qr_column, qr_column])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),  # the default, Helvetica, would be named but not embedded
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2 * mm),
                ("LINEBELOW", (0, 0), (-1, 0), 1, PRIMARY),
            ]
        )
    )
    return table


def render_at_size(page, registration_url, size):
    """The PDF bytes and page count at one body font size."""
    styles = _styles(size)
    width, height = A4
    inner_width = width - 2 * MARGIN
    header = header_flowable(page, registration_url, styles, inner_width)
    header_height = header.wrap(inner_width, height)[1] + 4 * mm

    def frame(name, bottom, top):
        return Frame(
            MARGIN,
            bottom,
            inner_width,
            top - bottom,
            id=name,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )

    top = height - MARGIN
    body_top = top - header_height
    buffer = BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=page.title,
        subject=page.subtitle,
        author="",
        creator="",
        lang="zh-CN",
        initialFontName=FONT,  # else every page names Helvetica, which is never embedded
        pageTemplates=[
            PageTemplate("first", [frame("header", body_top, top), frame("body", MARGIN, body_top)]),
            PageTemplate("later", [frame("body", MARGIN, top)]),
        ],
    )
    story = [NextPageTemplate("later"), header]
    body = body_flowables(page, styles)
    if body:  # BalancedColumns cannot balance nothing
        story += [
            FrameBreak(),
            BalancedColumns(
                body,
                nCols=2,
                innerPadding=COLUMN_GAP,
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
            ),
        ]
    doc.build(story)
    return buffer.getvalue(), doc.page


def build_leaflet_pdf(page, registration_url):
    """The leaflet as PDF bytes, on one A4 sheet whenever the text allows.

    The result depends only on the page and the address, which is what lets
    the view answer with the page's publication time as Last-Modified.
    Editors may add blocks, so the body font shrinks step by step until the
    layout fits one sheet; only text too long even at the smallest size runs
    on to a second sheet rather than being cut.
    """
    for size in FONT_SIZES:
        pdf, pages = render_at_size(page, registration_url, size)
        if pages == 1:
            break
    return pdf
