"""Measures (政策法规): a document with an explicit status, a body of
chapters and articles, attachments and links to related documents."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from portal.search import CJKSearchMixin

from .blocks import RICH_TEXT_FEATURES, stream_plain_text


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


class PolicyIndexPage(Page):
    intro = RichTextField(_("introduction"), features=["bold", "link"], blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    max_count = 1
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.PolicyDocumentPage"]

    class Meta:
        verbose_name = _("measures index")


class PolicyDocumentPage(CJKSearchMixin, Page):
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=100)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=PolicyStatus.choices, default=PolicyStatus.IN_FORCE
    )
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

    def search_body_text(self):
        from django.utils.html import strip_tags

        return " ".join(
            [self.document_number, self.issuing_body, self.summary, strip_tags(self.preamble),
             stream_plain_text(self.body)]
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
