"""The notice leaflet (纳管须知): one page, printable on an A4 sheet, with a PDF."""

from urllib.parse import quote

from django.db import models
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.search import CJKSearchMixin

from .blocks import CalloutBlock, HeadingBlock, stream_plain_text

# The registration form arrives with its own app; until then this address may 404.
REGISTRATION_PATH = "/register/"
PDF_FALLBACK_NAME = "leaflet.pdf"


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
    qr_caption = models.CharField(_("QR code caption"), max_length=100, blank=True, default="扫码登记小散工程")

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

    def get_cached_paths(self):
        """What a front proxy must purge when the leaflet is published: the PDF too."""
        return ["/", "/pdf/"]

    @staticmethod
    def registration_url(request):
        """The registration form on this host, absolute because the QR code is
        opened by another device (the phone that scans the printed sheet)."""
        return request.build_absolute_uri(REGISTRATION_PATH)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["registration_url"] = self.registration_url(request)
        return context

    @path("pdf/", name="pdf")
    def pdf(self, request):
        """The leaflet as a downloadable A4 PDF. It changes only when the page is
        published, so Last-Modified lets browsers and proxies revalidate it."""
        from home.leaflet_pdf import build_leaflet_pdf

        timestamp = int(self.last_published_at.timestamp()) if self.last_published_at else None
        if timestamp is not None:
            not_modified = get_conditional_response(request, last_modified=timestamp)
            if not_modified is not None:
                return not_modified
        pdf = build_leaflet_pdf(self, self.registration_url(request))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = attachment_disposition(f"{self.title}.pdf")
        if timestamp is not None:
            response["Last-Modified"] = http_date(timestamp)
        return response


def attachment_disposition(filename, fallback=PDF_FALLBACK_NAME):
    """Content-Disposition for a download with a Chinese name: the RFC 5987
    filename* for browsers that read it, an ASCII filename for the rest."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
