"""The notice leaflet (纳管须知): one page, printable on an A4 sheet, with a PDF."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.search import CJKSearchMixin

from .blocks import CalloutBlock, HeadingBlock, stream_plain_text


class LeafletListBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=100, required=False)
    items = blocks.ListBlock(blocks.CharBlock(max_length=300), label=_("items"))
    numbered = blocks.BooleanBlock(label=_("numbered"), required=False)

    class Meta:
        icon = "list-ul"
        label = _("List")


class LeafletBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.TextBlock(label=_("Paragraph"), max_length=1000)
    list = LeafletListBlock()
    callout = CalloutBlock()


class LeafletPage(RoutablePageMixin, CJKSearchMixin, Page):
    subtitle = models.CharField(_("subtitle"), max_length=200, blank=True)
    body = StreamField(LeafletBodyBlock(), verbose_name=_("body"), blank=True)
    qr_caption = models.CharField(
        _("QR code caption"), max_length=100, blank=True, default="扫码登记小散工程"
    )

    content_panels = Page.content_panels + [
        FieldPanel("subtitle"),
        FieldPanel("body"),
        FieldPanel("qr_caption"),
    ]
    search_fields = (
        Page.search_fields
        + [index.SearchField("subtitle"), index.SearchField("body")]
        + CJKSearchMixin.cjk_search_fields
    )

    max_count = 1
    parent_page_types = ["home.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("notice leaflet")

    def search_body_text(self):
        return " ".join([self.subtitle, stream_plain_text(self.body)])
