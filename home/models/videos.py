"""Safety-education videos (宣教片) with captions and a transcript."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.search import index

from home import webvtt
from portal.media import stored_size
from portal.pages import public
from portal.search import CJKSearchMixin

from .routing import ChildRouteMixin

# The rendition of the poster used by the index, the video page and the home
# page's featured list; templates must use the same spec so that the one
# prefetched rendition is found.
POSTER_FILTER = "fill-640x360"
# Captions may run this far past the end of the file (rounding in editors).
CAPTION_END_TOLERANCE = 0.5


def format_duration(seconds):
    """'1分05秒' style text for a duration in seconds (rounded to whole seconds)."""
    minutes, secs = divmod(round(seconds), 60)
    if minutes:
        # Translators: a video's length, e.g. 1分05秒
        return _("%(minutes)d min %(seconds)02d s") % {"minutes": minutes, "seconds": secs}
    # Translators: a video's length under a minute, e.g. 45秒
    return _("%(seconds)d s") % {"seconds": secs}


def iso_duration(seconds):
    """An ISO 8601 duration for <time datetime>, e.g. PT1M5S."""
    minutes, secs = divmod(round(seconds), 60)
    return f"PT{minutes}M{secs}S" if minutes else f"PT{secs}S"


def with_posters(videos, filter_spec):
    """Videos with their media file and poster joined and the poster's
    rendition for ``filter_spec`` prefetched: one query more, however many."""
    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=filter_spec)
    return videos.select_related("video", "poster").prefetch_related(
        Prefetch("poster__renditions", queryset=renditions)
    )


class VideoTopic(models.TextChoices):
    FALL = "fall", _("Falls from height")
    ELECTROCUTION = "electrocution", _("Electrocution")
    FIRE = "fire", _("Fire")
    STRUCK_BY = "struck_by", _("Struck by objects")
    COLLAPSE = "collapse", _("Collapse")
    POISONING = "poisoning", _("Poisoning and asphyxiation")
    OTHER = "other", _("Other")


class VideoIndexPage(ChildRouteMixin, CJKSearchMixin, Page):
    intro = RichTextField(_("introduction"), features=["bold", "link"], blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + CJKSearchMixin.cjk_search_fields

    max_count = 1
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.VideoPage"]

    class Meta:
        verbose_name = _("video index")

    @property
    def child_model(self):
        return VideoPage

    def child_route_queryset(self):
        """A video page shows its media file and poster: joined, not fetched one by one."""
        return super().child_route_queryset().select_related("video", "poster")

    def get_context(self, request, *args, **kwargs):
        """The videos, optionally of one topic (?topic=fall), and the topics to
        filter by. Query count does not depend on how many videos there are:
        the media file and poster come by join, the posters' renditions by prefetch.
        An unknown topic is ignored and every video is shown."""
        context = super().get_context(request, *args, **kwargs)
        videos = public(VideoPage.objects.child_of(self).live())
        counts = dict(videos.order_by().values_list("topic").annotate(n=Count("pk")))
        topic = request.GET.get("topic", "")
        if topic not in VideoTopic.values:
            topic = ""
        if topic:
            videos = videos.filter(topic=topic)
        context["videos"] = with_posters(videos, POSTER_FILTER).order_by("path")
        context["topics"] = [
            {"value": value, "label": label, "count": counts.get(value, 0)}
            for value, label in VideoTopic.choices
            if counts.get(value) or value == topic
        ]
        context["topic"] = topic
        context["topic_label"] = VideoTopic(topic).label if topic else ""
        context["video_total"] = sum(counts.values())
        return context


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

    @property
    def cues(self):
        """Parsed caption cues; empty when there are none or they are broken
        (clean() stops editors saving broken captions, but old data may exist).
        Not cached: parsing is cheap and the captions may be edited in between."""
        if not self.captions.strip():
            return []
        try:
            return webvtt.parse(self.captions)
        except webvtt.WebVTTError:
            return []

    def transcript_paragraphs(self):
        """The transcript built from the captions: one paragraph per cue."""
        return [cue.plain_text for cue in self.cues]

    @property
    def duration(self):
        """Length in seconds from the media file, or None when unknown."""
        return self.video.duration if self.video and self.video.duration else None

    def duration_display(self):
        return format_duration(self.duration) if self.duration else ""

    def duration_iso(self):
        return iso_duration(self.duration) if self.duration else ""

    def download_size(self):
        """The file's size in bytes for the download link, None if it is missing."""
        return stored_size(self.video.file) if self.video else None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["index_page"] = self.get_parent()
        return context

    def clean(self):
        """Refuse captions that browsers would not show, with the reason."""
        super().clean()
        if not self.captions.strip():
            return
        try:
            cues = webvtt.parse(self.captions)
        except webvtt.WebVTTError as error:
            raise ValidationError({"captions": str(error)}) from error
        if self.duration and cues[-1].end > self.duration + CAPTION_END_TOLERANCE:
            raise ValidationError(
                {
                    "captions": _("The last caption ends at %(end).1f s, after the video ends (%(duration).1f s).")
                    % {"end": cues[-1].end, "duration": self.duration}
                }
            )

    def get_cached_paths(self):
        """What a front proxy must purge when the video is published: the captions too."""
        return ["/", "/captions/"]

    @path("captions/", name="captions")
    def captions_vtt(self, request):
        """The captions for the <track> element. Served from the page (not as
        an uploaded file) so editors change them in one text field."""
        if not self.captions.strip():
            raise Http404
        text = self.captions.lstrip("\ufeff").replace("\r\n", "\n")
        response = HttpResponse(text, content_type="text/vtt; charset=utf-8")
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def search_body_text(self):
        """Summary and transcript; the captions stand in for a missing transcript,
        as they do on the page."""
        from django.utils.html import strip_tags

        transcript = strip_tags(self.transcript) or " ".join(self.transcript_paragraphs())
        return " ".join([self.summary, transcript])
