"""The records of contractors and property companies in the back office:
a list of each (most works first) and one party's page, for the user's own
streets. The property companies' list exports the star-rating sheet.
Thin views over parties.py."""

from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from portal.admin_views import forbidden
from portal.audit import record_export
from portal.tables import Cell, Table
from portal.xlsx import xlsx_response

from .. import parties
from ..models import DemeritSettings, HazardCategory, Registration
from ..parties import CONTRACTOR, KINDS, PROPERTY_COMPANY
from .actions import annotate_hazard_counts
from .permissions import scope_registrations

PER_PAGE = 50
LIST_TITLES = {CONTRACTOR: _("Contractors' records"), PROPERTY_COMPANY: _("Property companies' records")}


class PartyFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or credit code"), required=False, max_length=100)
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_(
            "Count inspections, hazards, orders, referrals and incidents of this year only; empty for all years."
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def period(self):
        year = self.cleaned_data.get("year") if self.is_valid() else None
        if not year:
            return None
        import datetime

        return (datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def record_cells(record, kind):
    return [
        Cell(record.name, reverse("registration_parties:detail", args=[kind, record.link_id])),
        Cell(record.works),
        Cell(record.under_way),
        Cell(record.inspections),
        Cell(record.hazards),
        Cell(record.rectified),
        Cell(f"{record.on_time_rate}%" if record.on_time_rate is not None else "-"),
        Cell(record.overdue),
        Cell(record.stop_work_orders),
        Cell(record.referrals),
        Cell(record.incidents),
        Cell(record.demerits),
    ]


def record_headings(kind):
    return [
        str(KINDS[kind]),
        gettext("Works"),
        gettext("Under way"),
        gettext("Inspections"),
        gettext("Hazards found"),
        gettext("Rectified"),
        gettext("Rectified on time"),
        gettext("Overdue now"),
        gettext("Stop-work orders"),
        gettext("Referrals"),
        gettext("Incidents"),
        gettext("Demerit points"),
    ]


class PartyViewMixin(WagtailAdminTemplateMixin):
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        if kwargs.get("kind", CONTRACTOR) not in KINDS:
            raise Http404
        if not request.user.has_perm("registration.view_registration"):
            return forbidden(request, gettext("Only back-office staff of the streets may see the parties' records."))
        return super().dispatch(request, *args, **kwargs)

    def works(self):
        return scope_registrations(Registration.objects.all(), self.request.user)

    def tabs(self):
        return [(kind, LIST_TITLES[kind], reverse("registration_parties:index", args=[kind])) for kind in KINDS]


class PartyListView(PartyViewMixin, TemplateView):
    template_name = "registration/admin/parties.html"

    def get_page_title(self):
        return LIST_TITLES[self.kwargs["kind"]]

    def get(self, request, *args, kind, **kwargs):
        form = PartyFilterForm(request.GET)
        search = form.cleaned_data.get("q", "").strip() if form.is_valid() else ""
        period = form.period()
        if request.GET.get("format") == "xlsx" and kind == PROPERTY_COMPANY:
            return self.star_rating(form, period)
        summaries = parties.party_summaries(self.works(), kind, search)
        page = Paginator(summaries, PER_PAGE).get_page(request.GET.get("p"))
        keys = [row["party"] for row in page.object_list]
        table = Table(
            caption=str(self.get_page_title()),
            headings=record_headings(kind),
            rows=[record_cells(record, kind) for record in parties.grouped_records(self.works(), kind, keys, period)],
        )
        query = request.GET.copy()
        query.pop("p", None)
        query["format"] = "xlsx"
        return self.render_to_response(
            self.get_context_data(
                form=form,
                table=table,
                page=page,
                kind=kind,
                tabs=self.tabs(),
                export_url=f"?{query.urlencode()}" if kind == PROPERTY_COMPANY else "",
                status=200 if form.is_valid() else 400,
            ),
            status=200 if form.is_valid() else 400,
        )

    def star_rating(self, form, period):
        """Every property company of the user's streets, for the annual star rating."""
        records = parties.records(self.works(), PROPERTY_COMPANY, period)
        records.sort(key=lambda record: (record.demerits, -record.works, record.name))
        table = Table(
            caption=gettext("Property companies' registration record"),
            headings=record_headings(PROPERTY_COMPANY),
            rows=[record_cells(record, PROPERTY_COMPANY) for record in records],
        )
        year = form.cleaned_data.get("year") if form.is_valid() else None
        about = [(gettext("Year"), year or gettext("All years"))]
        record_export(self.request, table.caption, len(table.rows))
        return xlsx_response(table, table.caption, about, "property-companies")


class PartyDetailView(PartyViewMixin, TemplateView):
    """One party: its figures, its hazards by category with their points, and its works."""

    template_name = "registration/admin/party.html"

    def get(self, request, *args, kind, pk, **kwargs):
        work = get_object_or_404(self.works(), pk=pk)
        form = PartyFilterForm(request.GET)
        works = parties.same_party(self.works(), kind, work)
        found = parties.records(works, kind, form.period())
        if not found:
            raise Http404
        record = found[0]
        self.page_title = record.name
        demerits = DemeritSettings.load()
        by_category = [
            (category.label, record.hazards_by_category[category.value], demerits.for_category(category.value))
            for category in HazardCategory
            if category.value in record.hazards_by_category
        ]
        listed = annotate_hazard_counts(works.select_related("street", "community", "category")).order_by(
            "-submitted_at", "-pk"
        )
        page = Paginator(listed, PER_PAGE).get_page(request.GET.get("p"))
        return self.render_to_response(
            self.get_context_data(
                form=form,
                record=record,
                kind=kind,
                kind_label=KINDS[kind],
                by_category=by_category,
                demerits=demerits,
                page=page,
                list_url=reverse("registration_parties:index", args=[kind]),
                today=timezone.localdate(),
            )
        )
