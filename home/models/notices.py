from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.pages import public
from portal.search import CJKSearchMixin

from .blocks import ContentStreamBlock, stream_plain_text
from .routing import ChildRouteMixin


class NoticeIndexPage(ChildRouteMixin, CJKSearchMixin, Page):
    """通知公告: notices, newest first, paginated."""

    intro = RichTextField(_("introduction"), features=["bold", "link"], blank=True)
    per_page = models.PositiveSmallIntegerField(_("notices per page"), default=10)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("per_page")]
    search_fields = Page.search_fields + CJKSearchMixin.cjk_search_fields

    max_count = 1
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.NoticePage"]

    class Meta:
        verbose_name = _("notice index")

    @property
    def child_model(self):
        return NoticePage

    def notices(self):
        return public(NoticePage.objects.child_of(self).live()).order_by("-date", "-pk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(self.notices(), self.per_page or 10)
        context["notices_page"] = paginator.get_page(request.GET.get("page"))
        return context


class NoticePage(CJKSearchMixin, Page):
    date = models.DateField(_("date"), default=timezone.localdate)
    summary = models.TextField(_("summary"), blank=True, max_length=300)
    body = StreamField(ContentStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = (
        Page.search_fields
        + [index.SearchField("summary"), index.SearchField("body"), index.FilterField("date")]
        + CJKSearchMixin.cjk_search_fields
    )

    parent_page_types = ["home.NoticeIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("notice")

    def search_body_text(self):
        return " ".join([self.summary, stream_plain_text(self.body)])
