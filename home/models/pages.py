from django.db import models
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.pages import public
from portal.search import CJKSearchMixin

from .blocks import ContentStreamBlock, stream_plain_text

FEATURED_POSTER = "fill-160x90"


class StepBlock(blocks.StructBlock):
    """One of the four steps (四个环节) shown on the home page."""

    title = blocks.CharBlock(label=_("title"), max_length=30)
    text = blocks.TextBlock(label=_("text"), max_length=300)

    class Meta:
        icon = "list-ol"
        label = _("Step")


class HomePage(CJKSearchMixin, Page):
    """The portal's front page: what the scheme is and where to go next."""

    intro = RichTextField(_("introduction"), features=["bold", "link"], blank=True)
    steps = StreamField([("step", StepBlock())], verbose_name=_("the four steps"), blank=True, max_num=6)
    notices_count = models.PositiveSmallIntegerField(_("notices shown"), default=5)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("steps"),
        FieldPanel("notices_count"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")] + CJKSearchMixin.cjk_search_fields

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "home.StandardPage",
        "home.PolicyIndexPage",
        "home.LeafletPage",
        "home.VideoIndexPage",
        "home.NoticeIndexPage",
        "training.TrainingCalendarPage",
    ]

    class Meta:
        verbose_name = _("home page")

    def search_body_text(self):
        return " ".join([strip_tags(self.intro), stream_plain_text(self.steps)])

    def get_context(self, request, *args, **kwargs):
        """Entry points, latest notices and featured videos, in a fixed number of queries."""
        from evaluation.public import counters

        from .leaflet import LeafletPage
        from .notices import NoticePage
        from .policies import PolicyIndexPage
        from .videos import VideoIndexPage, VideoPage, with_posters

        context = super().get_context(request, *args, **kwargs)
        context["counters"] = counters()
        entries = {}
        for child in public(self.get_children().live().type(PolicyIndexPage, LeafletPage, VideoIndexPage)):
            entries.setdefault(child.specific_class, child)
        context["policy_index"] = entries.get(PolicyIndexPage)
        context["leaflet"] = entries.get(LeafletPage)
        context["video_index"] = entries.get(VideoIndexPage)
        context["latest_notices"] = public(NoticePage.objects.live().descendant_of(self)).order_by("-date", "-pk")[
            : self.notices_count
        ]
        featured = public(VideoPage.objects.live().descendant_of(self)).filter(featured=True)
        context["featured_videos"] = with_posters(featured, FEATURED_POSTER).order_by("-first_published_at")[:3]
        return context


class StandardPage(CJKSearchMixin, Page):
    """About, privacy notice, FAQ and other plain pages."""

    summary = models.TextField(_("summary"), blank=True, max_length=300)
    body = StreamField(ContentStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    search_fields = (
        Page.search_fields
        + [index.SearchField("summary"), index.SearchField("body")]
        + CJKSearchMixin.cjk_search_fields
    )

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = _("standard page")

    def search_body_text(self):
        return " ".join([self.summary, stream_plain_text(self.body)])
