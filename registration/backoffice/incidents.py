"""The incident register in the back office: street staff record their
streets' incidents; the district sees all. Wagtail's generic views log every
creation, edit and deletion (the history view shows who did what)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from portal.admin_views import ScopedViewSetMixin
from portal.display import ValueColumn
from portal.exports import LocalSpreadsheetExportMixin
from portal.models import Community

from ..models import Incident, IncidentSeverity, IncidentType, Registration, WorkKind
from .permissions import scope_incidents, scope_registrations, visible_streets


class IncidentForm(WagtailAdminModelForm):
    """The street and community lists hold only the user's streets; the work
    is named by its reference number (a list of every work would be far too long)."""

    reference = forms.CharField(
        label=_("reference number of the work"),
        required=False,
        max_length=30,
        help_text=_("Optional: the registered work it happened on, e.g. HL-2026-000123."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        self.fields["street"].queryset = visible_streets(user)
        self.fields["community"].queryset = Community.objects.filter(street__in=visible_streets(user)).select_related(
            "street"
        )
        if self.instance.registration_id:
            self.fields["reference"].initial = self.instance.registration.reference

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip().upper()
        if not reference:
            return None
        work = scope_registrations(Registration.objects.all(), self.for_user).filter(reference=reference).first()
        if work is None:
            raise forms.ValidationError(_("No work with this reference number in your streets."))
        return work

    def clean(self):
        cleaned = super().clean()
        street, community, work = cleaned.get("street"), cleaned.get("community"), cleaned.get("reference")
        if street and community and community.street_id != street.pk:
            self.add_error("community", _("This community is not in the street chosen."))
        if work and street and work.street_id != street.pk:
            self.add_error("reference", _("This work is in another street."))
        if work and cleaned.get("kind") and work.kind != cleaned["kind"]:
            self.add_error("kind", _("The work is a %(kind)s.") % {"kind": work.get_kind_display()})
        if (cleaned.get("deaths") or cleaned.get("injuries")) and cleaned.get("severity") == IncidentSeverity.NO_INJURY:
            self.add_error("severity", _("Someone was hurt: choose the severity that matches."))
        return cleaned

    def save(self, commit=True):
        self.instance.registration = self.cleaned_data.get("reference")
        if not self.instance.pk:
            self.instance.recorded_by = self.for_user
        return super().save(commit)


EDIT_HANDLER = ObjectList(
    [
        FieldPanel("occurred_on"),
        FieldRowPanel([FieldPanel("street", widget=forms.Select), FieldPanel("community", widget=forms.Select)]),
        FieldPanel("reference"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("incident_type")]),
        FieldPanel("severity"),
        FieldRowPanel([FieldPanel("deaths"), FieldPanel("injuries")]),
        FieldPanel("summary"),
    ],
    base_form_class=IncidentForm,
)


class IncidentFilterSet(WagtailFilterSet):
    street = django_filters.ModelChoiceFilter(label=_("street"), queryset=lambda request: visible_streets(request.user))
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=WorkKind.choices)
    incident_type = django_filters.ChoiceFilter(label=_("type of incident"), choices=IncidentType.choices)
    occurred_on = django_filters.DateFromToRangeFilter(label=_("date of the incident"), widget=DateRangePickerWidget)

    class Meta:
        model = Incident
        fields = []


class IncidentIndexView(LocalSpreadsheetExportMixin, generic.IndexView):
    export_sheet_title = _("Incidents")
    list_export = [
        "occurred_on",
        "street.name",
        "community.name",
        "registration_reference",
        "get_kind_display",
        "get_incident_type_display",
        "get_severity_display",
        "deaths",
        "injuries",
        "summary",
    ]
    export_headings = {
        "street.name": _("street"),
        "community.name": _("community"),
        "registration_reference": _("reference number"),
        "get_kind_display": _("kind"),
        "get_incident_type_display": _("type of incident"),
        "get_severity_display": _("severity"),
    }

    def get_base_queryset(self):
        return scope_incidents(
            Incident.objects.select_related("street", "community", "registration"), self.request.user
        )


class IncidentViewSet(ScopedViewSetMixin, ModelViewSet):
    scope = staticmethod(scope_incidents)
    model = Incident
    name = "incidents"
    icon = "warning"
    menu_label = _("Incidents")
    menu_order = 135
    add_to_admin_menu = True
    index_view_class = IncidentIndexView
    filterset_class = IncidentFilterSet
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    ordering = ["-occurred_on", "-pk"]
    list_display = [
        "occurred_on",
        ValueColumn(
            "street", label=_("street and community"), accessor=lambda i: f"{i.street.name} · {i.community.name}"
        ),
        ValueColumn("kind", label=_("kind"), accessor="get_kind_display"),
        ValueColumn("incident_type", label=_("type of incident"), accessor="get_incident_type_display"),
        ValueColumn("severity", label=_("severity"), accessor="get_severity_display"),
        ValueColumn("casualties", label=_("deaths / injured"), accessor=lambda i: f"{i.deaths} / {i.injuries}"),
        ValueColumn("registration", label=_("reference number"), accessor=lambda i: i.registration or "-"),
    ]
    inspect_view_fields = [
        "occurred_on",
        "street",
        "community",
        "registration",
        "kind",
        "incident_type",
        "severity",
        "deaths",
        "injuries",
        "summary",
        "recorded_by",
        "recorded_at",
    ]
    export_filename = "incidents"
    edit_handler = EDIT_HANDLER
