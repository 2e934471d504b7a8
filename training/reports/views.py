"""Admin pages of the training reports: thin views over figures.py.

Each page is a GET form (filters) and a table; adding ``format=xlsx`` to the
same query downloads that very table as a spreadsheet, so the export always
matches what the page shows. Without the right role the pages answer 403;
a trainee the user may not see answers 404. Anonymous users never get
here: Wagtail's admin URLs send them to the login page.
"""

import datetime

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from portal.admin_views import forbidden
from portal.audit import record_export
from portal.validators import normalise_mobile
from portal.xlsx import xlsx_response

from ..models import Trainee
from ..permissions import visible_trainees
from . import figures, forms, tables

ROWS_PER_PAGE = 100
SEARCH_LIMIT = 30


def report_links(user):
    """The report pages this user may open, for the menu and the page tabs."""
    links = []
    if figures.can_view_reports(user):
        links += [
            ("person_times", _("Person-times"), "table"),
            ("absentees", _("Absentees"), "warning"),
        ]
    if figures.can_view_compliance(user):
        links.append(("compliance", _("Compliance"), "calendar-check"))
    if figures.can_view_reports(user):
        links.append(("trainee_search", _("Trainee history"), "user"))
    return [(name, label, icon, reverse(f"training_reports:{name}")) for name, label, icon in links]


def describe(form):
    """(label, value) pairs for the filters actually set, for the export."""
    pairs = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", False):
            continue
        if isinstance(value, bool):
            value = gettext("Yes")
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        elif hasattr(field, "choices") and not hasattr(value, "pk"):
            value = dict(field.choices).get(value, value)
        pairs.append((field.label, value))
    return pairs


class ReportView(WagtailAdminTemplateMixin, View):
    """A filter form, a table, its export. Subclasses say how to check the
    form, run the report and turn it into a table."""

    template_name = "training/admin/reports/report.html"
    header_icon = "table"
    name = ""  # the URL name, for the tabs
    form_class = None
    export_filename = "report"
    paginate = True
    refused = _("Only trainers, street officers and district administrators may see the training reports.")

    def allowed(self, user):
        return figures.can_view_reports(user)

    def dispatch(self, request, *args, **kwargs):
        if not self.allowed(request.user):
            return forbidden(request, str(self.refused))
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("training_reports:person_times"), "label": gettext("Training reports")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_form(self, data):
        return self.form_class(data, self.request.user)

    def run(self, form):
        raise NotImplementedError

    def about(self, form):
        return describe(form)

    def table(self, result):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        data = request.GET.copy()
        wants_xlsx = data.pop("format", [""])[0] == "xlsx"
        data.pop("p", None)
        form = self.get_form(data)
        result = table = None
        if form is None or form.is_valid():
            result = self.run(form)
            table = self.table(result)
            if wants_xlsx:
                record_export(request, self.get_page_title(), len(table.rows))
                return xlsx_response(table, self.get_page_title(), self.about(form), self.export_filename)
        export_query = data.copy()
        export_query["format"] = "xlsx"
        page = self.page_of(table)
        context = self.get_context_data(
            form=form,
            result=result,
            table=table,
            page=page,
            rows=page.object_list if page else (table.rows if table else []),
            export_url=f"?{export_query.urlencode()}",
            tabs=report_links(request.user),
            current=self.name,
        )
        return self.render_to_response(context, status=400 if table is None else 200)

    def page_of(self, table):
        if table is None or not self.paginate:
            return None
        page = Paginator(table.rows, ROWS_PER_PAGE).get_page(self.request.GET.get("p"))
        page.elided_range = page.paginator.get_elided_page_range(page.number)
        return page


class PersonTimesView(ReportView):
    page_title = _("Person-times")
    name = "person_times"
    form_class = forms.PersonTimesForm
    export_filename = "person-times"
    template_name = "training/admin/reports/person_times.html"
    paginate = False

    def run(self, form):
        return figures.person_times(self.request.user, form.filters(), form.group_by_value())

    def table(self, result):
        return tables.person_times_table(
            result, gettext("Person-times and people by %(group)s") % {"group": result.group_label}
        )


class AbsenteesView(ReportView):
    page_title = _("Absentees")
    name = "absentees"
    form_class = forms.AbsenteeForm
    export_filename = "absentees"
    template_name = "training/admin/reports/absentees.html"

    def run(self, form):
        return figures.absentees(self.request.user, form.filters(), form.cleaned_data["include_excused"])

    def table(self, result):
        return tables.absentee_table(result, gettext("Absentees of held sessions"))


class ComplianceView(ReportView):
    page_title = _("Compliance")
    name = "compliance"
    form_class = forms.ComplianceForm
    export_filename = "compliance"
    template_name = "training/admin/reports/compliance.html"
    refused = _("Only street officers and district administrators may see who has not been trained.")

    def allowed(self, user):
        return figures.can_view_compliance(user)

    def run(self, form):
        street = form.cleaned_data.get("street")
        return figures.compliance(
            self.request.user,
            form.cleaned_data["year"],
            form.cleaned_data.get("role") or "",
            street.pk if street else None,
        )

    def table(self, result):
        return tables.compliance_table(
            result,
            gettext("Trainees who attended fewer than %(n)d held sessions in %(year)d")
            % {"n": result.required, "year": result.year},
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.has_perm("training.change_trainingsettings"):
            context["settings_url"] = reverse("wagtailsettings:edit", args=["training", "trainingsettings"])
        return context


class TraineeSearchView(ReportView):
    """Find a trainee by name or mobile number, to open their history."""

    page_title = _("Trainee history")
    name = "trainee_search"
    template_name = "training/admin/reports/trainee_search.html"
    paginate = False

    def get(self, request, *args, **kwargs):
        query = request.GET.get("q", "").strip()
        found = []
        if query:
            condition = Q(name__icontains=query)
            digits = normalise_mobile(query)
            if digits.isdigit() and len(digits) >= 3:
                condition |= Q(mobile__contains=digits)
            found = (
                visible_trainees(Trainee.objects.filter(condition), request.user)
                .select_related("street", "community")
                .order_by("name", "pk")[:SEARCH_LIMIT]
            )
        context = self.get_context_data(
            query=query, found=found, tabs=report_links(request.user), current=self.name, limit=SEARCH_LIMIT
        )
        return self.render_to_response(context)


class TraineeHistoryView(ReportView):
    page_title = _("Trainee history")
    name = "trainee_search"
    export_filename = "trainee-history"
    template_name = "training/admin/reports/trainee_history.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.allowed(request.user):
            return forbidden(request, str(self.refused))
        trainees = visible_trainees(Trainee.objects.select_related("street", "community"), request.user)
        self.trainee = get_object_or_404(trainees, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.trainee.name

    def get_form(self, data):
        return None

    def about(self, form):
        trainee = self.trainee
        return [
            (gettext("Name"), trainee.name),
            (gettext("Role"), trainee.get_role_display()),
            (gettext("Street"), trainee.street.name),
            (gettext("Organisation"), trainee.organisation),
        ]

    def run(self, form):
        return figures.trainee_history(self.request.user, self.trainee)

    def table(self, result):
        return tables.history_table(result, gettext("Training sessions of %(name)s") % {"name": self.trainee.name})

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("training_reports:person_times"), "label": gettext("Training reports")},
            {"url": reverse("training_reports:trainee_search"), "label": gettext("Trainee history")},
            {"url": "", "label": self.trainee.name},
        ]
