"""The trainers' side of the self check-in, in the Wagtail admin: the
printable poster of a session (QR code, short code, window) and the
requests of unknown numbers waiting for a trainer's decision.

As on the attendance sheet (sessions/views.py): a user whose role may not take
attendance gets 403; a session that is not theirs answers 404, so its
existence does not leak. The rules are in services.py and permissions.py.
"""

import datetime

from django.contrib import messages
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import Button

from portal.admin_views import forbidden

from ..models import CheckinRequest, RequestStatus, SessionStatus, Trainee, TrainingSession
from ..permissions import editable_sessions, is_district, is_trainer
from ..services import TraineeRefused
from . import services as checkin

# How long after its end a session stays in the "your sessions" list.
RECENT = datetime.timedelta(days=1)
SESSIONS_SHOWN = 20
REQUESTS_PER_PAGE = 50

REFUSED = _("Only the trainers of a session and the district administrators may run its check-in.")


def may_run_checkin(user):
    """The role part (403 otherwise); which sessions is editable_sessions' part (404)."""
    return (
        (is_district(user) or is_trainer(user))
        and user.has_perm("training.change_checkinrequest")
        and user.has_perm("training.add_attendance")
    )


def own_sessions(user):
    return editable_sessions(TrainingSession.objects.all(), user)


def pending_requests(user):
    """Pending requests of the user's sessions, with what the list shows
    joined in, and whether the number matches an (inactive) roster entry."""
    on_roster = Trainee.objects.filter(mobile=OuterRef("mobile"))
    return (
        CheckinRequest.objects.filter(status=RequestStatus.PENDING, session__in=own_sessions(user).values("pk"))
        .select_related("session", "street", "community")
        .annotate(on_roster=Exists(on_roster))
        .order_by("session__starts_at", "session_id", "created_at", "pk")
    )


def poster_url(session):
    return reverse("training_checkin:poster", args=[session.pk])


def requests_url(session=None):
    url = reverse("training_checkin:requests")
    return f"{url}?session={session.pk}" if session is not None else url


class CheckinAdminMixin(WagtailAdminTemplateMixin):
    header_icon = "mobile-alt"

    def dispatch(self, request, *args, **kwargs):
        if not may_run_checkin(request.user):
            return forbidden(request, str(REFUSED))
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("training_sessions:index"), "label": gettext("Sessions")},
            {"url": "", "label": str(self.get_page_title())},
        ]


class RequestsView(CheckinAdminMixin, TemplateView):
    """Pending requests of the user's sessions (or of one, ?session=), with
    confirm / reject buttons, and the user's current sessions with their posters."""

    template_name = "training/admin/checkin_requests.html"
    page_title = _("Self check-in")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, now = self.request.user, timezone.now()
        requests = pending_requests(user)
        session = None
        if (session_id := self.request.GET.get("session", "")).isdigit():
            session = get_object_or_404(own_sessions(user), pk=int(session_id))
            requests = requests.filter(session=session)
        shown = list(requests[: REQUESTS_PER_PAGE + 1])
        rows = [(join, checkin.status_at(join.session, join.created_at)) for join in shown[:REQUESTS_PER_PAGE]]
        sessions = (
            own_sessions(user)
            .filter(ends_at__gte=now - RECENT)
            .exclude(status=SessionStatus.CANCELLED)
            .annotate(pending=Count("checkin_requests", filter=Q(checkin_requests__status=RequestStatus.PENDING)))
            .order_by("starts_at", "pk")[:SESSIONS_SHOWN]
        )
        context.update(
            rows=rows,
            more=len(shown) > REQUESTS_PER_PAGE,
            session=session,
            sessions=[(s, poster_url(s), requests_url(s)) for s in sessions],
            all_url=requests_url(),
            here=self.request.get_full_path(),
        )
        return context


class DecisionView(View):
    """POST only: confirm or reject one pending request, then go back."""

    def dispatch(self, request, pk):
        if not may_run_checkin(request.user):
            return forbidden(request, str(REFUSED))
        return super().dispatch(request, pk)

    def post(self, request, pk):
        join = get_object_or_404(pending_requests(request.user), pk=pk)
        try:
            message = self.perform(join)
        except TraineeRefused as refusal:  # RequestRefused too
            messages.error(request, str(refusal))
        else:
            messages.success(request, message)
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = requests_url()
        return HttpResponseRedirect(target)


class ConfirmView(DecisionView):
    def perform(self, join):
        record, created = checkin.confirm_request(join, self.request.user)
        if not created:
            return gettext(
                "%(name)s confirmed; their attendance was already recorded as %(status)s and is unchanged."
            ) % {"name": join.name, "status": record.get_status_display()}
        return gettext("%(name)s confirmed, on the roster and marked %(status)s.") % {
            "name": join.name,
            "status": record.get_status_display(),
        }


class RejectView(DecisionView):
    def perform(self, join):
        checkin.reject_request(join, self.request.user)
        return gettext("The request of %(name)s was rejected.") % {"name": join.name}


class PosterView(CheckinAdminMixin, TemplateView):
    """One page to print and put up at the venue. A page of its own (not the
    admin's frame), so that it prints cleanly on A4."""

    template_name = "training/admin/checkin_poster.html"
    page_title = _("Check-in poster")

    def get(self, request, pk):
        sessions = own_sessions(request.user).select_related("topic", "street")
        self.session = get_object_or_404(sessions, pk=pk)
        return super().get(request, pk)

    def get_context_data(self, **kwargs):
        session = self.session
        path = reverse("training_public:checkin_session", args=[session.checkin_code])
        return {
            **super().get_context_data(**kwargs),
            "session": session,
            "checkin_url": self.request.build_absolute_uri(path),
            "start_url": self.request.build_absolute_uri(reverse("training_public:checkin")),
            "opens_at": checkin.opens_at(session),
            "late_after": checkin.late_after(session),
            "cancelled": session.status == SessionStatus.CANCELLED,
            "back_url": requests_url(session),
        }


def checkin_buttons(request, session):
    """Buttons for the session's admin page, for the users who may run its
    check-in (see wagtail_hooks.py)."""
    user = request.user
    if not may_run_checkin(user) or not own_sessions(user).filter(pk=session.pk).exists():
        return []
    return [
        Button(
            gettext("Check-in poster"), poster_url(session), icon_name="mobile-alt", classname="button button-secondary"
        ),
        Button(
            gettext("Check-in requests"), requests_url(session), icon_name="user", classname="button button-secondary"
        ),
    ]


# Only views; the URLs and menu entries are in wagtail_hooks.py.
confirm = require_POST(ConfirmView.as_view())
reject = require_POST(RejectView.as_view())
