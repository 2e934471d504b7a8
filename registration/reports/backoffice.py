"""Reports in the back office: the street office's list and triage, the
grid worker's own reports and report form, and their communities' works.

Every view finds reports through permissions.scope_reports: a street's
staff see their streets' reports (another street's is a 404), a grid worker
only the reports they made. Triage is for officers (403 for anyone else).
"""

import django_filters
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button

from portal.admin_views import ScopedViewSetMixin, refusal
from portal.audit import record
from portal.display import ValueColumn
from portal.exports import LocalSpreadsheetExportMixin
from portal.models import AuditAction, Community, StaffProfile

from .. import roles
from .. import services as registration_services
from ..backoffice.action_views import OFFICERS, forbidden, has_role
from ..backoffice.actions import ACTIVE
from ..backoffice.permissions import (
    is_grid_worker_only,
    scope_community_works,
    scope_reports,
    visible_streets,
)
from ..backoffice.photos import photo_response, wants_thumbnail
from ..models import Registration, Report, ReportPhoto, ReportSource, ReportStatus, ReportSubject
from . import forms as report_forms
from . import services
from .public_views import save_report

# --- the list --------------------------------------------------------------


def _streets_for(request):
    return visible_streets(request.user)


class ReportFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=ReportStatus.choices)
    subject = django_filters.ChoiceFilter(label=_("what was seen"), choices=ReportSubject.choices)
    source = django_filters.ChoiceFilter(label=_("reported by"), choices=ReportSource.choices)
    street = django_filters.ModelChoiceFilter(label=_("street"), queryset=_streets_for)
    created_at = django_filters.DateFromToRangeFilter(label=_("reported at"), widget=DateRangePickerWidget)

    class Meta:
        model = Report
        fields = []


class ReportIndexView(LocalSpreadsheetExportMixin, generic.IndexView):
    page_title = _("Reports")
    export_sheet_title = _("Reports")
    # No reporter's name or mobile in the export: it leaves the system.
    list_export = [
        "reference",
        "created_at",
        "get_source_display",
        "get_subject_display",
        "street.name",
        "community.name",
        "address",
        "description",
        "get_status_display",
        "registration.reference",
        "outcome",
    ]
    export_headings = {
        "get_source_display": _("reported by"),
        "get_subject_display": _("what was seen"),
        "street.name": _("street"),
        "community.name": _("community"),
        "get_status_display": _("status"),
        "registration.reference": _("registration"),
    }

    def get_base_queryset(self):
        return scope_reports(Report.objects.select_related("street", "community", "registration"), self.request.user)


class ReportInspectView(generic.InspectView):
    template_name = "registration/admin/report_inspect.html"
    page_title = _("Report")

    def get_object_queryset(self):
        return scope_reports(Report.objects.select_related("street", "community", "registration"), self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        user = self.request.user
        officer = has_role(user, OFFICERS) and user.has_perm("registration.change_report")
        actions = []
        if officer and not report.is_decided:
            actions = [
                Button(label, reverse(f"reports:{name}", args=[report.pk]), classname=classname)
                for label, name, classname in (
                    (_("Open a found-unregistered record"), "found", "button"),
                    (_("Link to a registration"), "link", "button button-secondary"),
                    (_("Send an inspector"), "send", "button button-secondary"),
                    (_("Close with a reason"), "close", "button button-secondary"),
                )
            ]
        context.update(
            report=report,
            report_actions=actions,
            photos=list(report.photos.all()),
            show_reporter=not is_grid_worker_only(user) or report.reported_by_id == user.pk,
            registration_visible=bool(report.registration_id) and user.has_perm("registration.view_registration"),
        )
        return context


class ReportViewSet(ScopedViewSetMixin, ModelViewSet):
    """Reports come from the public form or a grid worker's: never added or edited here."""

    scope = staticmethod(scope_reports)
    model = Report
    name = "reports"
    icon = "warning"
    menu_label = _("Reports (吹哨)")
    menu_order = 120
    add_to_admin_menu = True
    index_view_class = ReportIndexView
    inspect_view_class = ReportInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = ReportFilterSet
    search_fields = ["reference", "address", "description"]
    list_per_page = 50
    ordering = ["-created_at", "-pk"]
    list_display = [
        TitleColumn(
            "reference",
            label=_("reference number"),
            get_url=lambda report: reverse("reports:inspect", args=[report.pk]),
        ),
        ValueColumn("created_at", label=_("reported at"), sort_key="created_at"),
        ValueColumn("subject", label=_("what was seen"), accessor="get_subject_display"),
        ValueColumn("street", label=_("street"), accessor="street.name"),
        ValueColumn("address", label=_("address")),
        ValueColumn("status", label=_("status"), accessor="get_status_display", sort_key="status"),
    ]
    export_filename = "reports"

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(**kwargs) | {"add_url_name": None, "edit_url_name": None}

    def register_admin_url_finder(self):
        """No edit view: a work's usage page lists its reports unlinked (its page links them)."""

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/", self.inspect_view, name="inspect"),
            path("<int:pk>/found/", FoundUnregisteredView.as_view(), name="found"),
            path("<int:pk>/link/", LinkView.as_view(), name="link"),
            path("<int:pk>/send/", SendInspectorView.as_view(), name="send"),
            path("<int:pk>/close/", CloseView.as_view(), name="close"),
            path("photo/<int:pk>/", report_photo, name="photo"),
            path("new/", GridWorkerReportView.as_view(), name="new"),
            path("community-works/", CommunityWorksView.as_view(), name="community_works"),
        ]


def report_photo(request, pk):
    """A report's photo (re-encoded without metadata), for whoever may see the report."""
    if not request.user.has_perm("registration.view_report"):
        raise PermissionDenied
    photo = get_object_or_404(
        ReportPhoto.objects.select_related("report").filter(
            report__in=scope_reports(Report.objects.all(), request.user)
        ),
        pk=pk,
    )
    filename = f"report-{photo.report.reference}-{photo.pk}.jpg"
    if not wants_thumbnail(request):
        record(request, AuditAction.DOWNLOAD, f"{photo.report.reference} · {filename}")
    return photo_response(request, photo.file, filename)


# --- triage ----------------------------------------------------------------


class ReportActionView(WagtailAdminTemplateMixin, FormView):
    """One decision on one report, for the officers of its street."""

    template_name = "registration/admin/report_action.html"
    header_icon = "warning"
    submit_label = _("Save")
    success_message = ""

    def dispatch(self, request, *args, **kwargs):
        self.report = get_object_or_404(
            scope_reports(Report.objects.select_related("street", "community"), request.user), pk=kwargs["pk"]
        )
        if not (has_role(request.user, OFFICERS) and request.user.has_perm("registration.change_report")):
            return forbidden(request)
        if self.report.is_decided:
            return refusal(
                request,
                gettext("Not possible now"),
                gettext("This report has already been decided: “%(status)s”.")
                % {"status": self.report.get_status_display()},
                409,
                back_url=self.report_url,
                back_label=gettext("Back to the report"),
            )
        return super().dispatch(request, *args, **kwargs)

    @property
    def report_url(self):
        return reverse("reports:inspect", args=[self.report.pk])

    def get_page_subtitle(self):
        return self.report.reference

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            report=self.report,
            report_url=self.report_url,
            action_url=self.request.get_full_path(),
            submit_label=self.submit_label,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            target = self.perform(form)
        except registration_services.TransitionError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, self.success_message % {"reference": self.report.reference})
        return redirect(target or self.report_url)

    def perform(self, form):
        raise NotImplementedError


class FoundUnregisteredView(ReportActionView):
    form_class = report_forms.FoundUnregisteredForm
    page_title = _("Open a found-unregistered record")
    submit_label = _("Open the record")
    success_message = _("%(reference)s: a found-unregistered record was opened; its owner was sent an SMS.")

    def get_initial(self):
        return {"address": self.report.address, "description": self.report.description}

    def perform(self, form):
        data = dict(form.cleaned_data)
        outcome = data.pop("outcome", "")
        registration = services.open_found_unregistered(self.report, self.request.user, data, outcome)
        return reverse("works:inspect", args=[registration.pk])


class LinkView(ReportActionView):
    form_class = report_forms.LinkForm
    page_title = _("Link to a registration")
    submit_label = _("Link")
    success_message = _("%(reference)s linked to the registration.")

    def perform(self, form):
        registration = services.find_registration(form.cleaned_data["reference"], self.request.user, self.report.street)
        if registration is None:
            raise registration_services.TransitionError(
                gettext("No registration with this reference number in %(street)s.")
                % {"street": self.report.street.name}
            )
        services.link_to_registration(self.report, self.request.user, registration, form.cleaned_data["outcome"])


def street_inspectors(street):
    """The active inspectors who work for the street."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__name=roles.SAFETY_INSPECTOR,
            pk__in=StaffProfile.streets.through.objects.filter(street=street).values("staffprofile__user_id"),
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class SendInspectorView(ReportActionView):
    form_class = report_forms.SendInspectorForm
    page_title = _("Send an inspector")
    submit_label = _("Send")
    success_message = _("%(reference)s: the inspector will see it on their round.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "inspectors": street_inspectors(self.report.street)}

    def perform(self, form):
        services.send_inspector(self.report, self.request.user, form.cleaned_data["inspector"])


class CloseView(ReportActionView):
    form_class = report_forms.CloseForm
    page_title = _("Close with a reason")
    submit_label = _("Close the report")
    success_message = _("%(reference)s closed.")

    def perform(self, form):
        services.close(self.report, self.request.user, form.cleaned_data["reason"])


# --- grid workers ----------------------------------------------------------


def _grid_worker_communities(user):
    from portal.staff import staff_community_ids

    return Community.objects.filter(pk__in=staff_community_ids(user))


class GridWorkerView(WagtailAdminTemplateMixin):
    def dispatch(self, request, *args, **kwargs):
        if not (request.user.is_superuser or has_role(request.user, {roles.GRID_WORKER})):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)


class GridWorkerReportView(GridWorkerView, FormView):
    """The grid worker's report: the public form's rules, from their own communities."""

    form_class = report_forms.ReportForm
    template_name = "registration/admin/report_new.html"
    page_title = _("Report what you saw")
    header_icon = "warning"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "communities": _grid_worker_communities(self.request.user)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(action_url=self.request.path, **kwargs)

    def form_valid(self, form):
        report = save_report(self.request, form, reported_by=self.request.user)
        if report is None:
            return self.form_invalid(form)
        messages.success(
            self.request, gettext("Report %(reference)s sent to the street office.") % {"reference": report.reference}
        )
        return redirect("reports:index")


class CommunityWorksView(GridWorkerView, TemplateView):
    """The works under way in the grid worker's communities: only what guiding
    an inspector to the site needs (no owner's or workers' personal data)."""

    template_name = "registration/admin/community_works.html"
    page_title = _("Works under way in my communities")
    header_icon = "site"

    def get_context_data(self, **kwargs):
        works = scope_community_works(
            Registration.objects.filter(status__in=ACTIVE)
            .select_related("category", "community")
            .only(
                "reference",
                "status",
                "address",
                "planned_start",
                "planned_end",
                "contractor_name",
                "category__name",
                "community__name",
            ),
            self.request.user,
        ).order_by("community__name", "address", "pk")
        page = Paginator(works, 50).get_page(self.request.GET.get("p"))
        return super().get_context_data(page=page, **kwargs)
