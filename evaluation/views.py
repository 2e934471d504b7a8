"""The evaluation figures in the admin: a thin view over figures.py. The
page, its A4 print view (``print=1``) and its XLSX (``format=xlsx``) are
made from the same table, so they always agree."""

from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from portal.admin_views import forbidden
from portal.audit import record_export
from portal.tables import Cell, Table
from portal.xlsx import xlsx_response

from .access import can_view_figures
from .figures import figures, lines
from .forms import EvaluationForm


def change_text(line):
    change = line.change
    if change is None:
        return "-"
    if line.percent:
        return gettext("%(sign)s%(value)s points") % {"sign": "+" if change > 0 else "", "value": change}
    return f"{'+' if change > 0 else ''}{change}%"


def value_text(value, percent):
    if value is None:
        return "-"
    return f"{value}%" if percent else value


def evaluation_table(current, previous):
    return Table(
        caption=gettext("Evaluation figures, %(period)s") % {"period": current.period},
        headings=[
            gettext("Figure"),
            gettext("This period"),
            gettext("Same period last year"),
            gettext("Year over year"),
        ],
        rows=[
            [
                Cell(("　" * line.level) + line.label),
                Cell(value_text(line.value, line.percent)),
                Cell(value_text(line.previous, line.percent)),
                Cell(change_text(line)),
            ]
            for line in lines(current, previous)
        ],
    )


class EvaluationView(WagtailAdminTemplateMixin, View):
    page_title = _("Evaluation figures")
    header_icon = "table"
    template_name = "evaluation/evaluation.html"
    print_template_name = "evaluation/evaluation_print.html"

    def dispatch(self, request, *args, **kwargs):
        if not can_view_figures(request.user):
            return forbidden(request, gettext("Only street officers and district administrators may see the figures."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        data = request.GET.copy()
        wants_xlsx = data.pop("format", [""])[0] == "xlsx"
        wants_print = data.pop("print", [""])[0] == "1"
        form = EvaluationForm(data, request.user)
        table = current = None
        if form.is_valid():
            period, street_ids = form.period(), form.street_ids()
            current = figures(request.user, period, street_ids)
            previous = figures(request.user, period.year_before(), street_ids)
            table = evaluation_table(current, previous)
            about = [
                (gettext("Period"), str(period)),
                (gettext("Same period last year"), str(period.year_before())),
                (gettext("Streets"), form.street_names()),
            ]
            if wants_xlsx:
                record_export(request, self.page_title, len(table.rows))
                return xlsx_response(table, gettext("Evaluation figures"), about, "evaluation")
        query = data.copy()
        context = self.get_context_data(
            form=form,
            table=table,
            figures=current,
            streets=form.street_names() if table else "",
            export_url=f"?{_with(query, format='xlsx')}",
            print_url=f"?{_with(query, print='1')}",
            page_url=reverse("evaluation:figures") + (f"?{query.urlencode()}" if query else ""),
            printed_at=timezone.now(),
        )
        template = self.print_template_name if wants_print and table else self.template_name
        return TemplateResponse(request, template, context, status=200 if table else 400)


def _with(query, **extra):
    query = query.copy()
    for name, value in extra.items():
        query[name] = value
    return query.urlencode()
