"""Measures (政策法规): a document with an explicit status, a body of
chapters and articles, attachments and links to related documents."""

import html
from dataclasses import dataclass, field
from itertools import count
from typing import ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Case, F, IntegerField, When
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from portal.pages import public
from portal.search import CJKSearchMixin

from .blocks import RICH_TEXT_FEATURES, stream_plain_text
from .routing import ChildRouteMixin


class PolicyStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    EXPIRED = "expired", _("Expired")
    DRAFT = "draft", _("Draft for comment")
    UNDER_REVISION = "under_revision", _("Under revision")


class ArticleBlock(blocks.StructBlock):
    """One article (条). Its number is given by its position in the document."""

    text = blocks.RichTextBlock(label=_("text"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "doc-full"
        label = _("Article")


class ChapterBlock(blocks.StructBlock):
    """A chapter (章) holding articles."""

    title = blocks.CharBlock(label=_("chapter title"), max_length=100)
    articles = blocks.ListBlock(ArticleBlock(), label=_("articles"))

    class Meta:
        icon = "folder-open-inverse"
        label = _("Chapter")


class SectionBlock(blocks.StructBlock):
    """A headed section, for documents that are not split into articles
    (a drafting explanation, for example)."""

    title = blocks.CharBlock(label=_("section title"), max_length=100)
    text = blocks.RichTextBlock(label=_("text"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "doc-empty"
        label = _("Section")


class PolicyBodyBlock(blocks.StreamBlock):
    chapter = ChapterBlock()
    article = ArticleBlock()
    section = SectionBlock()


_DIGITS = "零一二三四五六七八九"
_UNITS = ("", "十", "百", "千")


def _numeral_below_ten_thousand(n):
    """1..9999 in full form, with one 零 for each run of inner zeros: 一百零三, 一千零一十."""
    parts = []
    zero_pending = False
    for power in (3, 2, 1, 0):
        digit = n // 10**power % 10
        if digit == 0:
            zero_pending = bool(parts)
            continue
        if zero_pending:
            parts.append("零")
            zero_pending = False
        parts.append(_DIGITS[digit] + _UNITS[power])
    return "".join(parts)


def chinese_numeral(n):
    """Write 0 <= n < 100,000,000 in Chinese numerals as legal texts number their
    articles: 十二, 二十一, 一百零三, 一百一十, 一千零一, 十万零一十.

    A leading 一十 is shortened to 十 (第十条, not 第一十条), inner ones are not
    (一百一十)."""
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n < 10**8:
        raise ValueError(f"cannot write {n!r} in Chinese numerals")
    if n == 0:
        return _DIGITS[0]
    high, low = divmod(n, 10_000)
    text = ""
    if high:
        text = _numeral_below_ten_thousand(high) + "万"
        if low and low < 1000:
            text += "零"
    if low:
        text += _numeral_below_ten_thousand(low)
    return text[1:] if text.startswith("一十") else text


# The labels below (第一章, 第十二条, 一、) are the document's own numbering,
# part of its Chinese text like its title, so they are not interface strings.


def _excerpt(rich_text, length=24):
    return Truncator(html.unescape(strip_tags(rich_text.source))).chars(length)


@dataclass
class OutlineArticle:
    """An article numbered continuously across the whole document (第一条 … 第一百零三条)."""

    kind: ClassVar[str] = "article"
    number: int
    text: object  # RichText
    heading_level: int

    @property
    def label(self):
        return f"第{chinese_numeral(self.number)}条"

    @property
    def anchor(self):
        return f"article-{self.number}"

    @property
    def excerpt(self):
        return _excerpt(self.text)


@dataclass
class OutlineChapter:
    kind: ClassVar[str] = "chapter"
    number: int
    title: str
    articles: list = field(default_factory=list)

    @property
    def label(self):
        return f"第{chinese_numeral(self.number)}章"

    @property
    def anchor(self):
        return f"chapter-{self.number}"


@dataclass
class OutlineSection:
    kind: ClassVar[str] = "section"
    number: int
    title: str
    text: object  # RichText

    @property
    def label(self):
        return f"{chinese_numeral(self.number)}、"

    @property
    def anchor(self):
        return f"section-{self.number}"


def build_outline(body):
    """Number a policy body's chapters, articles and sections in document order.

    Articles are numbered across chapters (第二章 continues where 第一章 ended),
    as Chinese legal texts are cited, so "#article-12" names one article of the
    whole document, not the twelfth of some chapter.
    """
    chapters, articles, sections = count(1), count(1), count(1)
    outline = []
    for block in body:
        if block.block_type == "chapter":
            chapter = OutlineChapter(next(chapters), block.value["title"])
            chapter.articles = [
                OutlineArticle(next(articles), article["text"], heading_level=3) for article in block.value["articles"]
            ]
            outline.append(chapter)
        elif block.block_type == "article":
            outline.append(OutlineArticle(next(articles), block.value["text"], heading_level=2))
        elif block.block_type == "section":
            outline.append(OutlineSection(next(sections), block.value["title"], block.value["text"]))
    return outline


class PolicyFilterForm(forms.Form):
    """The index's filters. Unknown values are dropped, not reported: they come
    from hand-edited or stale addresses, and the list should still show."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    issuing_body = forms.ChoiceField(label=_("Issuing body"), required=False)

    def __init__(self, data, issuing_bodies):
        super().__init__(data)
        self.fields["status"].choices = [("", _("All statuses")), *PolicyStatus.choices]
        self.fields["issuing_body"].choices = [("", _("All issuing bodies"))] + [
            (body, body) for body in issuing_bodies
        ]
        for name, form_field in self.fields.items():
            form_field.widget.attrs.update({"class": "form-select", "id": f"policy-filter-{name}"})

    def filters(self):
        """The valid, non-empty filter values."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class PolicyIndexPage(ChildRouteMixin, CJKSearchMixin, Page):
    intro = RichTextField(_("introduction"), features=["bold", "link"], blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + CJKSearchMixin.cjk_search_fields

    max_count = 1
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.PolicyDocumentPage"]

    per_page = 10
    # Only what the list shows (and pageurl needs), so a long list stays one query.
    list_fields = (
        "title",
        "slug",
        "url_path",
        "document_number",
        "issuing_body",
        "issue_date",
        "status",
        "summary",
    )

    class Meta:
        verbose_name = _("measures index")

    @property
    def child_model(self):
        return PolicyDocumentPage

    def published_documents(self):
        """Live documents the public may see."""
        return public(PolicyDocumentPage.objects.child_of(self).live())

    def documents(self, published=None):
        """Published documents, those in force first, then newest first."""
        published = self.published_documents() if published is None else published
        return (
            published.only(*self.list_fields)
            .annotate(
                not_in_force=Case(When(status=PolicyStatus.IN_FORCE, then=0), default=1, output_field=IntegerField())
            )
            .order_by("not_in_force", F("issue_date").desc(nulls_last=True), "-pk")
        )

    def filtered_documents(self, params):
        """The filter form bound to ``params`` (request.GET) and the documents it selects."""
        published = self.published_documents()
        issuing_bodies = published.order_by("issuing_body").values_list("issuing_body", flat=True).distinct()
        form = PolicyFilterForm(params, list(issuing_bodies))
        return form, self.documents(published).filter(**form.filters())

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        form, documents = self.filtered_documents(request.GET)
        context["filter_form"] = form
        context["is_filtered"] = bool(form.filters())
        context["documents_page"] = Paginator(documents, self.per_page).get_page(request.GET.get("page"))
        return context


class PolicyDocumentPage(CJKSearchMixin, Page):
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=100)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=PolicyStatus.choices, default=PolicyStatus.IN_FORCE)
    status_note = models.CharField(
        _("status note"),
        max_length=200,
        blank=True,
        help_text=_("Shown in the banner when the document is not in force."),
    )
    summary = models.TextField(_("summary"), blank=True, max_length=500)
    preamble = RichTextField(_("preamble"), features=RICH_TEXT_FEATURES, blank=True)
    body = StreamField(PolicyBodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("document_number"),
                FieldPanel("issuing_body"),
                FieldPanel("issue_date"),
                FieldPanel("effective_date"),
                FieldPanel("expiry_date"),
                FieldPanel("status"),
                FieldPanel("status_note"),
            ],
            heading=_("Document facts"),
        ),
        FieldPanel("summary"),
        FieldPanel("preamble"),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("Attachments")),
        InlinePanel("relations", label=_("Related documents")),
    ]
    search_fields = (
        Page.search_fields
        + [
            index.SearchField("document_number"),
            index.SearchField("issuing_body"),
            index.SearchField("summary"),
            index.SearchField("body"),
            index.FilterField("status"),
            index.FilterField("issuing_body"),
        ]
        + CJKSearchMixin.cjk_search_fields
    )

    parent_page_types = ["home.PolicyIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("policy document")

    def clean(self):
        super().clean()
        if self.effective_date and self.expiry_date and self.expiry_date < self.effective_date:
            raise ValidationError({"expiry_date": _("The expiry date cannot be before the effective date.")})

    @property
    def is_in_force(self):
        return self.status == PolicyStatus.IN_FORCE

    def outline(self):
        """The numbered chapters, articles and sections, for the TOC and the body."""
        return build_outline(self.body)

    def related_groups(self):
        """Live related documents as (kind label, [pages]) in the order of RelationKind."""
        labels = dict(RelationKind.choices)
        groups = {}
        for relation in self.relations.select_related("target"):
            if relation.target.live:
                groups.setdefault(relation.kind, []).append(relation.target)
        return [(labels[kind], groups[kind]) for kind in RelationKind.values if kind in groups]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["outline"] = self.outline()
        context["attachments"] = self.attachments.select_related("document")
        context["related_groups"] = self.related_groups()
        return context

    def search_body_text(self):
        from django.utils.html import strip_tags

        return " ".join(
            [
                self.document_number,
                self.issuing_body,
                self.summary,
                strip_tags(self.preamble),
                stream_plain_text(self.body),
            ]
        )


class PolicyAttachment(Orderable):
    page = ParentalKey(PolicyDocumentPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", on_delete=models.CASCADE, related_name="+", verbose_name=_("document")
    )
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("Leave blank to use the document's title.")
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")

    @property
    def display_title(self):
        return self.title or self.document.title


class RelationKind(models.TextChoices):
    MEASURE = "measure", _("Measure")
    DRAFTING_EXPLANATION = "drafting_explanation", _("Drafting explanation")
    IMPLEMENTING_RULES = "implementing_rules", _("Implementing rules")
    REVISED_DRAFT = "revised_draft", _("Revised draft")
    PREVIOUS_VERSION = "previous_version", _("Previous version")
    OTHER = "other", _("Related document")


class PolicyRelation(Orderable):
    page = ParentalKey(PolicyDocumentPage, on_delete=models.CASCADE, related_name="relations")
    target = models.ForeignKey(
        PolicyDocumentPage,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("related document"),
    )
    kind = models.CharField(_("relation"), max_length=30, choices=RelationKind.choices)

    panels = [FieldPanel("target"), FieldPanel("kind")]

    class Meta(Orderable.Meta):
        verbose_name = _("related document")
