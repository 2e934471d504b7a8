"""The session and topic admin built from Wagtail's generic views
(培训管理 › 培训场次, 培训主题).

Every view narrows its queryset through permissions.py, so a row the user
may not see is neither listed nor exported, and opening it answers 404: a
trainer sees only their own sessions, a street officer only their streets'
sessions (read-only).
"""

import django_filters
from django import forms
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.admin_views import ScopedViewSetMixin
from portal.exports import LocalSpreadsheetExportMixin, local_text
from portal.models import Street

from ..models import (
    ATTENDED,
    Attendance,
    SessionLevel,
    SessionStatus,
    Topic,
    TraineeRole,
    TrainingSession,
    TrainingSettings,
)
from ..permissions import (
    can_mark_attendance,
    editable_sessions,
    is_district,
    visible_attendance,
    visible_sessions,
)
from .forms import TrainingSessionForm

# --- sessions ----------------------------------------------------------------


def _attended_count():
    counted = (
        Attendance.objects.filter(session=OuterRef("pk"), status__in=ATTENDED)
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def annotate_sessions(queryset, user):
    """Topic and street joined, the person-times counted, and whether the
    user may take the session's attendance: a fixed number of queries per page."""
    mine = (
        Value(True)
        if is_district(user)
        else Exists(TrainingSession.trainers.through.objects.filter(trainingsession_id=OuterRef("pk"), user_id=user.pk))
    )
    return queryset.select_related("topic", "street").annotate(attended_count=_attended_count(), is_mine=mine)


def sheet_url(session):
    return reverse("training:sheet", args=[session.pk])


class SessionFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=SessionStatus.choices)
    topic = django_filters.ModelChoiceFilter(label=_("topic"), queryset=Topic.objects.all())
    level = django_filters.ChoiceFilter(label=_("organised by"), choices=SessionLevel.choices)
    street = django_filters.ModelChoiceFilter(label=_("street"), queryset=Street.objects.all())
    audience_roles__code = django_filters.ChoiceFilter(label=_("audience"), choices=TraineeRole.choices, distinct=True)
    starts_at = django_filters.DateFromToRangeFilter(label=_("date"), widget=DateRangePickerWidget)

    class Meta:
        model = TrainingSession
        fields = []


class SessionIndexView(LocalSpreadsheetExportMixin, generic.IndexView):
    def get_base_queryset(self):
        return annotate_sessions(visible_sessions(super().get_base_queryset(), self.request.user), self.request.user)

    def get_filename(self):
        return f"training-sessions-{timezone.localdate():%Y%m%d}"

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.is_mine and self.request.user.has_perm("training.change_attendance"):
            buttons.insert(0, MenuItem(_("Attendance sheet"), url=sheet_url(instance), icon_name="tasks", priority=5))
        return buttons


class SessionCreateView(generic.CreateView):
    """New sessions take the check-in defaults from the training settings and
    list their creator as a trainer."""

    def get_initial_form_instance(self):
        defaults = TrainingSettings.load(request_or_site=self.request)
        return TrainingSession(
            late_after_minutes=defaults.default_grace_minutes,
            checkin_opens_minutes_before=defaults.default_checkin_lead_minutes,
        )

    def get_initial(self):
        return {**super().get_initial(), "trainers": [self.request.user.pk]}

    def save_instance(self):
        self.form.instance.created_by = self.request.user
        return super().save_instance()

    def get_success_url(self):
        return reverse("training_sessions:inspect", args=[self.object.pk])


class SessionEditView(generic.EditView):
    def get_success_url(self):
        return reverse("training_sessions:inspect", args=[self.object.pk])


class SessionInspectView(generic.InspectView):
    """The session with its attendance (only the trainees the user may see)
    and, for its trainers, the way to the attendance sheet."""

    def get_edit_url(self):
        if editable_sessions(TrainingSession.objects.filter(pk=self.object.pk), self.request.user).exists():
            return super().get_edit_url()
        return None

    def get_delete_url(self):
        return super().get_delete_url() if self.get_edit_url() else None

    def get_starts_at_display_value(self):
        return local_text(self.object.starts_at)

    def get_ends_at_display_value(self):
        return local_text(self.object.ends_at)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        session, user = self.object, self.request.user
        records = (
            visible_attendance(Attendance.objects.filter(session=session), user)
            .select_related("trainee__street", "trainee__community", "marked_by")
            .order_by("trainee__street__sort_order", "trainee__name")
        )
        counts = dict(records.order_by().values_list("status").annotate(n=Count("pk")))
        context.update(
            records=records,
            counts=counts,
            attended=sum(counts.get(status, 0) for status in ATTENDED),
            can_mark=can_mark_attendance(user, session),
            sheet_url=sheet_url(session),
            materials=session.materials.all(),
            session_actions=[
                button
                for hook in hooks.get_hooks("register_training_session_actions")
                for button in (hook(self.request, session) or [])
            ],
        )
        return context


class TrainingSessionViewSet(ScopedViewSetMixin, ModelViewSet):
    """Sessions: edited, deleted and their history seen only by those who may
    edit them; inspected by everyone who may see them (permissions.py)."""

    scope = staticmethod(editable_sessions)
    inspect_scope = staticmethod(visible_sessions)
    model = TrainingSession
    name = "training_sessions"
    url_prefix = "training/sessions"
    icon = "calendar-alt"
    menu_label = _("Sessions")
    menu_order = 100
    index_view_class = SessionIndexView
    add_view_class = SessionCreateView
    edit_view_class = SessionEditView
    inspect_view_class = SessionInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    inspect_template_name = "training/admin/session_inspect.html"
    inspect_view_fields = [
        "title",
        "topic",
        "starts_at",
        "ends_at",
        "venue",
        "level",
        "street",
        "audience_roles",
        "capacity",
        "trainers",
        "status",
        "checkin_code",
        "checkin_opens_minutes_before",
        "late_after_minutes",
        "created_by",
    ]
    filterset_class = SessionFilterSet
    search_fields = ["title", "venue", "topic__name"]
    search_backend_name = None
    ordering = ["-starts_at", "-pk"]
    list_per_page = 30
    list_display = [
        "title",
        Column("topic", label=_("topic"), accessor="topic.name"),
        Column(
            "starts_at",
            label=_("starts at"),
            accessor=lambda session: local_text(session.starts_at),
            sort_key="starts_at",
        ),
        "venue",
        Column("organiser", label=_("organised by"), accessor="organiser"),
        "status",
        Column("attended_count", label=_("person-times"), sort_key="attended_count"),
    ]
    list_export = [
        "title",
        "topic.name",
        "starts_at",
        "ends_at",
        "venue",
        "organiser",
        "get_status_display",
        "capacity",
        "attended_count",
    ]
    export_headings = {
        "topic.name": _("Topic"),
        "organiser": _("Organised by"),
        "get_status_display": _("Status"),
        "attended_count": _("Person-times (present or late)"),
    }
    export_filename = "training-sessions"
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            # Plain selects rather than snippet choosers: short lists, quicker on a phone.
            FieldPanel("topic", widget=forms.Select),
            FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
            FieldPanel("venue"),
            FieldRowPanel([FieldPanel("level"), FieldPanel("street", widget=forms.Select)]),
            FieldPanel("audience_roles", widget=forms.CheckboxSelectMultiple),
            FieldPanel("capacity"),
            FieldPanel("trainers", widget=forms.CheckboxSelectMultiple),
            FieldPanel("materials"),
            FieldPanel("status"),
            MultiFieldPanel(
                [FieldPanel("checkin_opens_minutes_before"), FieldPanel("late_after_minutes")],
                heading=_("Self check-in"),
            ),
        ],
        base_form_class=TrainingSessionForm,
    )


# --- topics ------------------------------------------------------


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Topics")
    menu_order = 300
    list_display = ["name", "sort_order"]
    search_fields = ["name"]
    ordering = ["sort_order", "name"]
