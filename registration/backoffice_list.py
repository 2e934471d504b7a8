"""The works list (台账) in the Wagtail admin: list, filters, search, export,
detail view, permission-checked attachment downloads and the dashboard
summary. Every view filters through permissions.py, so a street user only
ever meets their own streets' works.

The review, inspection, enforcement and write-off actions live in
backoffice.py / admin_views*.py; they add buttons to the detail page through
the ``register_registration_actions`` hook (see RegistrationInspectView).
"""

import datetime
import zoneinfo

import django_filters
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView

from portal.models import Community, Street

from .backoffice import annotate_hazard_counts
from .models import Attachment, Hazard, HighRiskOperation, Inspection, Registration, Status, WorkCategory, WorkKind
from .permissions import scope_attachments, scope_hazards, scope_registrations, user_streets

ACTIONS_HOOK = "register_registration_actions"


# --- queries ---------------------------------------------------------------

def annotate_works(queryset):
    """Related rows and per-work figures as joins and subqueries, so a page of
    the list costs the same few queries whatever its length."""
    last_inspection = Inspection.objects.filter(registration=OuterRef("pk")).order_by("-inspected_at")
    return annotate_hazard_counts(queryset.select_related("category", "street", "community").annotate(
        last_inspected_at=Subquery(last_inspection.values("inspected_at")[:1]),
    ))


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
    overdue_hazards = django_filters.ChoiceFilter(
        label=_("overdue hazards"), choices=YES_NO, method="filter_overdue"
    )

    class Meta:
        model = Registration
        fields = []

    def filter_overdue(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(overdue_hazard_count__gt=0)
        return queryset.filter(overdue_hazard_count=0)


# --- export ----------------------------------------------------------------

LOCAL_TZ = zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _local_text(value):
    return timezone.localtime(value, LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


def _local_naive(value):
    # Spreadsheets have no time zones: write the wall-clock time in Xiamen.
    return timezone.make_naive(value, LOCAL_TZ) if timezone.is_aware(value) else value


class StreetScopedMixin:
    """Look objects up only among the user's streets: another street's work answers 404."""

    def get_base_object_queryset(self):
        return scope_registrations(super().get_base_object_queryset(), self.request.user)

    def get_queryset(self):
        return scope_registrations(super().get_queryset(), self.request.user)


class RegistrationIndexView(generic.IndexView):
    list_export = [
        "reference", "get_kind_display", "category.name", "street.name", "community.name", "address",
        "owner_name", "contractor_name", "get_status_display", "planned_start", "planned_end",
        "submitted_at", "last_inspected_at", "open_hazard_count", "overdue_hazard_count",
    ]
    export_headings = {
        "get_kind_display": _("kind"),
        "category.name": _("category"),
        "street.name": _("street"),
        "community.name": _("community"),
        "get_status_display": _("status"),
        "last_inspected_at": _("last inspection"),
        "open_hazard_count": _("open hazards"),
        "overdue_hazard_count": _("overdue hazards"),
    }
    custom_value_preprocess = {
        **generic.IndexView.custom_value_preprocess,
        datetime.datetime: {"csv": _local_text, "xlsx": _local_naive},
    }

    def get_base_queryset(self):
        return scoped_works(self.request)

    def get_filename(self):
        return f"ledger-{timezone.localdate():%Y%m%d}"

    def write_csv_response(self, queryset):
        """Start with a UTF-8 byte order mark: without it Excel reads the
        Chinese text as a legacy code page."""
        response = super().write_csv_response(queryset)
        stream = response.streaming_content
        response.streaming_content = _prepend("\ufeff", stream)
        response["Content-Type"] = "text/csv; charset=utf-8"
        return response


def _prepend(first, stream):
    yield first.encode("utf-8")
    yield from stream


class RegistrationInspectView(StreetScopedMixin, generic.InspectView):
    """Everything about one work. Action views elsewhere add their buttons by
    registering a ``register_registration_actions`` hook: a function
    ``(request, registration)`` returning wagtail.admin.widgets.Button objects
    (or an empty list); they appear in the ``registration_actions`` block."""

    def get_object(self, queryset=None):
        return get_object_or_404(scoped_works(self.request), pk=self.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        work = self.object
        user = self.request.user
        context.update(
            registration=work,
            registration_actions=[
                button for hook in hooks.get_hooks(ACTIONS_HOOK) for button in (hook(self.request, work) or [])
            ],
            high_risk_operations=list(work.high_risk_operations.all()),
            attachments=list(scope_attachments(Attachment.objects.filter(registration=work), user)),
            status_changes=list(work.status_changes.select_related("changed_by")),
            inspections=list(work.inspections.select_related("inspector")),
            hazards=list(work.hazards.select_related("verified_by")),
            referrals=list(work.referrals.all()) if user.has_perm("registration.view_enforcementreferral") else [],
            today=timezone.localdate(),
        )
        return context


class RegistrationEditView(StreetScopedMixin, generic.EditView):
    pass


class RegistrationDeleteView(StreetScopedMixin, generic.DeleteView):
    pass


class RegistrationHistoryView(StreetScopedMixin, HistoryView):
    pass


class RegistrationUsageView(StreetScopedMixin, UsageView):
    pass


def _inspect_url(instance):
    return reverse("works:inspect", args=[instance.pk])


class RegistrationViewSet(ModelViewSet):
    """The works list (台账)."""

    model = Registration
    name = "works"
    icon = "clipboard-list"
    menu_label = _("Works")
    menu_order = 150
    add_to_admin_menu = True
    index_view_class = RegistrationIndexView
    inspect_view_class = RegistrationInspectView
    edit_view_class = RegistrationEditView
    delete_view_class = RegistrationDeleteView
    history_view_class = RegistrationHistoryView
    usage_view_class = RegistrationUsageView
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = [
        "reference", "status", "kind", "category", "street", "community", "address", "special_area",
        "owner_type", "owner_name", "owner_contact", "owner_mobile", "owner_uscc",
        "contractor_name", "contractor_uscc", "site_manager_name", "site_manager_mobile", "worker_count",
        "registrant_role", "property_company_name", "property_company_contact", "property_company_mobile",
        "description", "planned_start", "planned_end", "investment_yuan", "floor_area_m2",
        "insured", "insurance_policy_number", "submitted_at", "updated_at", "entered_by",
    ]
    inspect_template_name = "registration/admin/registration_inspect.html"
    filterset_class = RegistrationFilterSet
    search_fields = ["reference", "address", "owner_name", "owner_contact", "contractor_name", "site_manager_name"]
    search_backend_name = None
    list_per_page = 50
    ordering = ["-submitted_at", "-pk"]
    list_display = [
        TitleColumn("reference", label=_("reference number"), get_url=_inspect_url, sort_key="reference"),
        "kind",
        Column("category", label=_("category"), accessor="category.name"),
        Column(
            "street", label=_("street and community"),
            accessor=lambda work: f"{work.street.name} · {work.community.name}",
        ),
        "address",
        "owner_name",
        "contractor_name",
        "status",
        DateColumn("planned_start", label=_("planned start"), sort_key="planned_start"),
        DateColumn("planned_end", label=_("planned end"), sort_key="planned_end"),
        DateColumn("last_inspected_at", label=_("last inspection"), sort_key="last_inspected_at"),
        Column("open_hazard_count", label=_("open hazards"), sort_key="open_hazard_count"),
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


# --- attachments -----------------------------------------------------------

def download_attachment(request, pk):
    """Stream a private attachment. Without the view permission: 403; a work in
    another street: 404, so its existence is not revealed."""
    if not request.user.has_perm("registration.view_registration"):
        raise PermissionDenied
    attachment = get_object_or_404(
        scope_attachments(Attachment.objects.select_related("registration"), request.user), pk=pk
    )
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


# --- dashboard -------------------------------------------------------------

class WorksSummaryPanel(Component):
    """Counts by status and overdue hazards, for the user's streets only."""

    name = "works_summary"
    order = 50
    template_name = "registration/admin/works_summary_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        counts = dict(
            scope_registrations(Registration.objects.all(), self.user)
            .order_by().values_list("status").annotate(n=Count("pk"))
        )
        overdue = scope_hazards(
            Hazard.objects.filter(rectified_on__isnull=True, deadline__lt=timezone.localdate()), self.user
        ).count()
        return {
            "rows": [(status.label, status.value, counts.get(status.value, 0)) for status in Status],
            "total": sum(counts.values()),
            "overdue_hazards": overdue,
            "works_url": reverse("works:index"),
        }
