"""The public training calendar: a Wagtail page listing the upcoming
sessions (planned, not yet over), for trainees and their offices to plan.

It shows what a trainee needs to decide to come (topic, time, venue, who it
is for, capacity), never the check-in code nor anyone's name: the code is
given out at the venue, on the poster.
"""

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from portal.search import CJKSearchMixin

from .sessions import AudienceRole, SessionStatus, TrainingSession

__all__ = [
    "TrainingCalendarPage",
]


SESSIONS_PER_PAGE = 20


def upcoming_sessions(now=None):
    """Planned sessions that have not ended, soonest first, with what the
    calendar shows joined or prefetched: a fixed number of queries."""
    now = now or timezone.now()
    return (
        TrainingSession.objects.filter(status=SessionStatus.PLANNED, ends_at__gt=now)
        .select_related("topic", "street")
        .prefetch_related(Prefetch("audience_roles", queryset=AudienceRole.objects.order_by("sort_order", "code")))
        .only("title", "starts_at", "ends_at", "venue", "level", "capacity", "status", "topic__name", "street__name")
        .order_by("starts_at", "pk")
    )


class TrainingCalendarPage(CJKSearchMixin, Page):
    intro = RichTextField(_("introduction"), features=["bold", "link"], blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")] + CJKSearchMixin.cjk_search_fields

    max_count = 1
    subpage_types = []

    class Meta:
        verbose_name = _("training calendar")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(upcoming_sessions(), SESSIONS_PER_PAGE)
        context["sessions_page"] = paginator.get_page(request.GET.get("page"))
        return context
