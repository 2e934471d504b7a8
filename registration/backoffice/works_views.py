"""The works list (台账) in the Wagtail admin: list, filters, search, export,
detail view, permission-checked attachment downloads and the dashboard
summary. Every view filters through permissions.py, so a street user only
ever meets their own streets' works.

The review, inspection, enforcement and write-off actions live in
backoffice.py / admin_views*.py; they add buttons to the detail page through
the ``register_registration_actions`` hook (see RegistrationInspectView).
"""

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Subquery
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView, LogEntryUserColumn
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from portal.admin_views import ScopedObjectMixin, ScopedViewSetMixin
from portal.audit import record
from portal.display import EMPTY, ValueColumn, display_value
from portal.exports import LocalSpreadsheetExportMixin
from portal.models import AuditAction, Community, Street

from ..models import (
    ANSWER_FIELDS,
    Attachment,
    CompletionRequest,
    CompletionRequestStatus,
    Hazard,
    HighRiskOperation,
    Inspection,
    Origin,
    Registration,
    Status,
    StatusChange,
    WorkCategory,
    WorkKind,
)
from ..services import PUBLIC_ACTOR, log_action, registration_rate_of
from .actions import annotate_hazard_counts
from .permissions import (
    scope_attachments,
    scope_completion_requests,
    scope_hazards,
    scope_registrations,
    user_streets,
)
from .photos import IMAGE_TYPES, photo_response, wants_thumbnail
from .search import SEARCH_FIELDS, search_works

ACTIONS_HOOK = "register_registration_actions"


# --- queries ---------------------------------------------------------------


# What a work's row shows besides its own columns. One work or an export joins
# them; a page of the list fetches them after it is cut (RegistrationIndexView).
RELATED = ("category", "street", "community")


def annotate_works(queryset):
    """Per-work figures as subqueries, so a page of the list costs the same few
    queries whatever its length."""
    last_inspection = Inspection.objects.filter(registration=OuterRef("pk")).order_by("-inspected_at")
    return annotate_hazard_counts(
        queryset.annotate(last_inspected_at=Subquery(last_inspection.values("inspected_at")[:1]))
    )


def scoped_works(request):
    return annotate_works(scope_registrations(Registration.objects.all(), request.user))


# --- filters ---------------------------------------------------------------


def _streets_for(user):
    streets = user_streets(user)
    queryset = Street.objects.all()
    return queryset if streets is None else queryset.filter(pk__in=streets)


def _communities_for(request):
    streets = user_streets(request.user)
    queryset = Community.objects.select_related("street")
    return queryset if streets is None else queryset.filter(street__in=streets)


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class RegistrationFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=Status.choices)
    street = django_filters.ModelChoiceFilter(label=_("street"), queryset=lambda request: _streets_for(request.user))
    community = django_filters.ModelChoiceFilter(label=_("community"), queryset=_communities_for)
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=WorkKind.choices)
    category = django_filters.ModelChoiceFilter(label=_("category"), queryset=WorkCategory.objects.all())
    high_risk_operations = django_filters.ModelChoiceFilter(
        label=_("high-risk operations"), queryset=HighRiskOperation.objects.all(), distinct=True
    )
    submitted_at = django_filters.DateFromToRangeFilter(label=_("submitted at"), widget=DateRangePickerWidget)
    planned_start = django_filters.DateFromToRangeFilter(label=_("planned start"), widget=DateRangePickerWidget)
    overdue_hazards = django_filters.ChoiceFilter(label=_("overdue hazards"), choices=YES_NO, method="filter_overdue")
    completion_requested = django_filters.ChoiceFilter(
        label=_("completion write-off requested"), choices=YES_NO, method="filter_completion_requested"
    )
    origin = django_filters.ChoiceFilter(label=_("origin"), choices=Origin.choices)

    class Meta:
        model = Registration
        fields = []

    def filter_overdue(self, queryset, name, value):
        # EXISTS rather than the overdue_hazard_count annotation: a (semi-)join
        # on the open hazards' partial index, not a count per work of the city.
        overdue = Exists(Hazard.objects.open().filter(registration=OuterRef("pk"), deadline__lt=timezone.localdate()))
        return queryset.filter(overdue if value == "yes" else ~overdue)

    def filter_completion_requested(self, queryset, name, value):
        waiting = Exists(
            CompletionRequest.objects.filter(registration=OuterRef("pk"), status=CompletionRequestStatus.PENDING)
        )
        return queryset.filter(waiting if value == "yes" else ~waiting)


# --- export ----------------------------------------------------------------


def write_off_reason():
    """The reason given when a work was written off with hazards still open."""
    return Subquery(
        StatusChange.objects.filter(registration=OuterRef("pk"), to_status=Status.COMPLETED)
        .exclude(reason="")
        .order_by("-created_at")
        .values("reason")[:1]
    )


class RegistrationIndexView(LocalSpreadsheetExportMixin, generic.IndexView):
    # registration/static/registration/css/backoffice.css shows each row as a card on a phone.
    table_classname = "listing works-ledger"
    page_title = _("Works ledger")
    export_sheet_title = _("Works ledger")
    list_export = [
        "reference",
        "get_kind_display",
        "category.name",
        "street.name",
        "community.name",
        "address",
        "get_special_area_display",
        "get_owner_type_display",
        "owner_name",
        "owner_contact",
        "owner_mobile",
        "get_contractor_type_display",
        "contractor_name",
        "site_manager_name",
        "site_manager_mobile",
        "worker_count",
        "get_registrant_role_display",
        "property_company_name",
        "property_company_contact",
        "property_company_mobile",
        "high_risk_names",
        "insured",
        "get_status_display",
        "get_origin_display",
        "planned_start",
        "planned_end",
        "submitted_at",
        "last_inspected_at",
        "open_hazard_count",
        "overdue_hazard_count",
        "write_off_reason",
    ]
    export_headings = {
        "get_kind_display": _("kind"),
        "category.name": _("category"),
        "street.name": _("street"),
        "community.name": _("community"),
        "get_special_area_display": _("special area"),
        "get_owner_type_display": _("owner type"),
        "get_contractor_type_display": _("contractor type"),
        "get_registrant_role_display": _("registered by"),
        "high_risk_names": _("high-risk operations"),
        "get_status_display": _("status"),
        "get_origin_display": _("origin"),
        "last_inspected_at": _("last inspection"),
        "open_hazard_count": _("open hazards"),
        "overdue_hazard_count": _("overdue hazards"),
        "write_off_reason": _("write-off with open hazards: reason"),
    }
    export_column_widths = {
        "reference": 16,
        "address": 30,
        "owner_name": 20,
        "contractor_name": 20,
        "high_risk_names": 20,
        "write_off_reason": 30,
    }

    def get_base_queryset(self):
        works = scoped_works(self.request)
        if self.is_export:
            return (
                works.select_related(*RELATED)
                .prefetch_related("high_risk_operations")
                .annotate(write_off_reason=write_off_reason())
            )
        # A page is sorted and cut before its street, community and category are
        # fetched: joined, a search matching 13,000 works at city scale was
        # planned as nested loops over every match (150 ms instead of 40).
        return works.prefetch_related(*RELATED)

    def get_filename(self):
        return f"ledger-{timezone.localdate():%Y%m%d}"

    def search_queryset(self, queryset):
        """The same icontains match as Wagtail's, narrowed by an index on PostgreSQL (search.py)."""
        if not self.is_searching:
            return queryset
        return search_works(queryset, self.search_query)


class RegistrationInspectView(ScopedObjectMixin, generic.InspectView):
    """Everything about one work. Action views elsewhere add their buttons by
    registering a ``register_registration_actions`` hook: a function
    ``(request, registration)`` returning wagtail.admin.widgets.Button objects
    (or an empty list); they appear in the ``registration_actions`` block."""

    page_title = _("Work details")

    def get_object_queryset(self):
        return scoped_works(self.request).select_related(*RELATED)

    def get_field_display_value(self, field_name, field):
        return display_value(super().get_field_display_value(field_name, field))

    def get_contractor_id_number_display_value(self):
        return self.object.contractor_id_masked or EMPTY

    def get_entered_by_display_value(self):
        user = self.object.entered_by
        return user and (user.get_full_name() or user.get_username())

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(
            HeaderButton(
                _("History"), url=reverse("works:history", args=[self.object.pk]), icon_name="history", priority=30
            )
        )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        work = self.object
        user = self.request.user
        context.update(
            registration=work,
            registration_actions=[
                button for hook in hooks.get_hooks(ACTIONS_HOOK) for button in (hook(self.request, work) or [])
            ],
            history_url=reverse("works:history", args=[work.pk]),
            high_risk_operations=list(work.high_risk_operations.all()),
            attachments=list(scope_attachments(Attachment.objects.filter(registration=work), user)),
            status_changes=list(work.status_changes.select_related("changed_by")),
            completion_requests=list(work.completion_requests.select_related("decided_by")),
            inspections=list(work.inspections.select_related("inspector").prefetch_related("answers")),
            reports=list(work.reports.only("pk", "reference", "status", "registration_id")),
            hazards=list(work.hazards.select_related("verified_by", "inspection__inspector")),
            referrals=list(work.referrals.all()) if user.has_perm("registration.view_enforcementreferral") else [],
            today=timezone.localdate(),
        )
        return context


class DeleteReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this registration deleted?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit log. To close a real work, write it off instead."),
        error_messages={"required": _("Give the reason for deleting this registration.")},
    )


class RegistrationDeleteView(generic.DeleteView):
    """Only the district administrator may delete (street roles lack the
    permission); a reason is asked for and logged with what was deleted."""

    form_class = DeleteReasonForm
    template_name = "registration/admin/confirm_delete.html"

    def form_valid(self, form):
        work = self.object
        log_action(
            work,
            "delete",
            self.request.user,
            reason=form.cleaned_data["reason"],
            reference=work.reference,
            address=work.address,
        )
        return super().form_valid(form)


class HistoryDetailColumn(Column):
    """The reason or note of a logged action (history.COMMENTS)."""

    def get_value(self, instance):
        return instance.comment or EMPTY


class ActorColumn(LogEntryUserColumn):
    """Staff by name; an action without a user was the registrant's own (online)."""

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        if instance.user_id is None:
            context["display_name"] = PUBLIC_ACTOR
        return context


class RegistrationHistoryView(HistoryView):
    """A work's history (办理记录) for everyone who may see the work, not only
    those who may edit it: who did what, when, and why."""

    any_permission_required = ["view"]

    @cached_property
    def columns(self):
        return [
            Column("message", label=pgettext_lazy("work history", "Action")),
            HistoryDetailColumn("comment", label=_("Reason or note")),
            ActorColumn("user", label=pgettext_lazy("work history", "By")),
            ValueColumn("timestamp", label=pgettext_lazy("work history", "Time")),
        ]


class RegistrationUsageView(UsageView):
    permission_required = None
    any_permission_required = ["view"]


def _inspect_url(instance):
    return reverse("works:inspect", args=[instance.pk])


# Columns hidden on a phone, where each work is a card: the rest is on its page.
DESK_ONLY = "works-col--desk"


class RegistrationViewSet(ScopedViewSetMixin, ModelViewSet):
    """The works list (台账). Every view that opens one work finds it only
    among the user's streets (ScopedViewSetMixin)."""

    scope = staticmethod(scope_registrations)

    model = Registration
    name = "works"
    icon = "clipboard-list"
    menu_label = _("Works")
    menu_order = 150
    add_to_admin_menu = True
    index_view_class = RegistrationIndexView
    inspect_view_class = RegistrationInspectView
    delete_view_class = RegistrationDeleteView
    history_view_class = RegistrationHistoryView
    usage_view_class = RegistrationUsageView
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = ["reference", "status", *ANSWER_FIELDS, "submitted_at", "updated_at", "entered_by"]
    inspect_template_name = "registration/admin/registration_inspect.html"
    filterset_class = RegistrationFilterSet
    search_fields = list(SEARCH_FIELDS)
    search_backend_name = None
    list_per_page = 50
    ordering = ["-submitted_at", "-pk"]
    list_display = [
        TitleColumn("reference", label=_("reference number"), get_url=_inspect_url, sort_key="reference"),
        ValueColumn("status", label=_("status"), accessor="get_status_display", sort_key="status"),
        ValueColumn("kind", label=_("kind"), accessor="get_kind_display", classname=DESK_ONLY),
        ValueColumn("category", label=_("category"), accessor="category.name", classname=DESK_ONLY),
        ValueColumn(
            "street",
            label=_("street and community"),
            classname=DESK_ONLY,
            accessor=lambda work: f"{work.street.name} · {work.community.name}",
        ),
        ValueColumn("address", label=_("detailed address")),
        ValueColumn("owner_name", label=_("owner name"), classname=DESK_ONLY),
        ValueColumn("contractor_name", label=_("contractor name"), classname=DESK_ONLY),
        ValueColumn("planned_start", label=_("planned start"), sort_key="planned_start"),
        ValueColumn("planned_end", label=_("planned end"), sort_key="planned_end", classname=DESK_ONLY),
        ValueColumn("last_inspected_at", label=_("last inspection"), sort_key="last_inspected_at"),
        ValueColumn("open_hazard_count", label=_("open hazards"), sort_key="open_hazard_count"),
    ]
    list_export = RegistrationIndexView.list_export
    export_filename = "ledger"
    panels = [
        FieldPanel("address"),
        FieldPanel("description"),
        FieldPanel("planned_start"),
        FieldPanel("planned_end"),
        FieldPanel("worker_count"),
        FieldPanel("site_manager_name"),
        FieldPanel("site_manager_mobile"),
        FieldPanel("insured"),
        FieldPanel("insurance_policy_number"),
    ]

    def get_common_view_kwargs(self, **kwargs):
        # Works are created through services.create_registration (the public
        # form, or the staff walk-in form), never through a generic add form.
        return super().get_common_view_kwargs(**kwargs) | {"add_url_name": None}

    def get_urlpatterns(self):
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "add"]


# --- attachments and photos ------------------------------------------------


def download_attachment(request, pk):
    """A private attachment: downloaded, or an image shown inline (``?size=thumb``
    for its thumbnail). Without the view permission: 403; a work in another
    street: 404, so its existence is not revealed."""
    if not request.user.has_perm("registration.view_registration"):
        raise PermissionDenied
    attachment = get_object_or_404(
        scope_attachments(Attachment.objects.select_related("registration"), request.user), pk=pk
    )
    if not wants_thumbnail(request):  # a thumbnail on the work's page is not a download
        record(request, AuditAction.DOWNLOAD, f"{attachment.registration.reference} · {attachment.original_name}")
    if attachment.content_type in IMAGE_TYPES and (wants_thumbnail(request) or request.GET.get("inline")):
        return photo_response(request, attachment.file, attachment.original_name, attachment.content_type)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


HAZARD_PHOTOS = {"found": "photo", "rectified": "rectification_photo"}


def hazard_photo(request, pk, which):
    """A hazard's photo (``found``) or its rectification photo (``rectified``),
    for those who may see the work's hazards."""
    if not request.user.has_perm("registration.view_hazard") or which not in HAZARD_PHOTOS:
        raise PermissionDenied
    hazard = get_object_or_404(scope_hazards(Hazard.objects.select_related("registration"), request.user), pk=pk)
    filename = f"hazard-{hazard.pk}-{which}.jpg"
    if not wants_thumbnail(request):
        record(request, AuditAction.DOWNLOAD, f"{hazard.registration.reference} · {filename}")
    return photo_response(request, getattr(hazard, HAZARD_PHOTOS[which]), filename)


# --- dashboard -------------------------------------------------------------


class WorksSummaryPanel(Component):
    """Counts by status and overdue hazards, for the user's streets only."""

    name = "works_summary"
    order = 50
    template_name = "registration/admin/works_summary_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        by_status_and_origin = {
            (status, origin): n
            for status, origin, n in scope_registrations(Registration.objects.all(), self.user)
            .order_by()
            .values_list("status", "origin")
            .annotate(n=Count("pk"))
        }
        counts = {}
        for (status, _origin), n in by_status_and_origin.items():
            counts[status] = counts.get(status, 0) + n
        hazards = scope_hazards(Hazard.objects.all(), self.user)
        rate = registration_rate_of(by_status_and_origin)
        return {
            "registration_rate": rate,
            "rows": [(status.label, status.value, counts.get(status.value, 0)) for status in Status],
            "total": sum(counts.values()),
            "overdue_hazards": hazards.overdue().count(),
            "written_off_open": hazards.filter(written_off_on__isnull=False, rectified_on__isnull=True).count(),
            "completion_requested": scope_completion_requests(
                CompletionRequest.objects.filter(status=CompletionRequestStatus.PENDING), self.user
            ).count(),
            "works_url": reverse("works:index"),
        }
