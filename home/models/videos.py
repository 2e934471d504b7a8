"""Safety-education videos (宣教片) with captions and a transcript."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from portal.search import CJKSearchMixin


class VideoTopic(models.TextChoices):
    FALL = "fall", _("Falls from height")
    ELECTROCUTION = "electrocution", _("Electrocution")
    FIRE = "fire", _("Fire")
    STRUCK_BY = "struck_by", _("Struck by objects")
    COLLAPSE = "collapse", _("Collapse")
    POISONING = "poisoning", _("Poisoning and asphyxiation")
    OTHER = "other", _("Other")


class VideoIndexPage(Page):
    intro = RichTextField(_("introduction"), features=["bold", "link"], blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    max_count = 1
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.VideoPage"]

    class Meta:
        verbose_name = _("video index")


class VideoPage(RoutablePageMixin, CJKSearchMixin, Page):
    topic = models.CharField(_("topic"), max_length=20, choices=VideoTopic.choices)
    summary = models.TextField(_("summary"), blank=True, max_length=300)
    video = models.ForeignKey(
        "wagtailmedia.Media",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("video file"),
    )
    poster = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("poster image"),
    )
    captions = models.TextField(
        _("captions (WebVTT)"),
        blank=True,
        help_text=_("The subtitle track in WebVTT format, starting with the line WEBVTT."),
    )
    transcript = RichTextField(
        _("transcript"),
        features=["bold", "ol", "ul"],
        blank=True,
        help_text=_("Leave blank to build the transcript from the captions."),
    )
    featured = models.BooleanField(_("featured on the home page"), default=False)

    content_panels = Page.content_panels + [
        FieldPanel("topic"),
        FieldPanel("summary"),
        FieldPanel("video"),
        FieldPanel("poster"),
        FieldPanel("captions"),
        FieldPanel("transcript"),
        FieldPanel("featured"),
    ]
    search_fields = (
        Page.search_fields
        + [index.SearchField("summary"), index.SearchField("transcript"), index.FilterField("topic")]
        + CJKSearchMixin.cjk_search_fields
    )

    parent_page_types = ["home.VideoIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("video")

    def search_body_text(self):
        from django.utils.html import strip_tags

        return " ".join([self.summary, strip_tags(self.transcript)])
