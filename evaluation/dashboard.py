"""What the officers' dashboard shows, for the user's own streets: the
figures of the day (what waits for them) and the charts of a chosen period.
Each chart is one grouped query; the page's data tables and charts are made
from the same series."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.exports import LOCAL_TZ
from registration.backoffice.permissions import scope_hazards, scope_reports
from registration.models import Hazard, IncidentType, Inspection, Report, ReportStatus, Status, WorkKind
from training.models import TraineeRole
from training.reports.figures import ReportFilters, attended_records, person_times_by_role

from .figures import (
    Period,
    incidents_in,
    inspection_count,
    of_works,
    tallies_in,
    tallies_kept,
    works_in,
)

PERIODS = {
    "12m": _("Last 12 months"),
    "year": _("This year"),
    "last_year": _("Last year"),
    "24m": _("Last 24 months"),
}
DEFAULT_PERIOD = "12m"


def dashboard_period(name, today=None):
    today = today or timezone.localdate()
    if name == "year":
        return Period(datetime.date(today.year, 1, 1), today)
    if name == "last_year":
        return Period.year(today.year - 1)
    months = 24 if name == "24m" else 12
    first_month = _add_months(today.replace(day=1), 1 - months)
    return Period(first_month, today)


def _add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_of(period):
    month, months = period.first.replace(day=1), []
    while month <= period.last:
        months.append(month)
        month = _add_months(month, 1)
    return months


# --- the figures of the day -------------------------------------------------


def today_figures(user, today=None):
    """Counts for what waits: reviews, works under way, hazards, this month's
    inspections, reports to triage and this year's person-times."""
    today = today or timezone.localdate()
    works = works_in(user)
    by_status = dict(
        works.filter(status__in=(Status.SUBMITTED, Status.UNDER_WAY))
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    hazards = scope_hazards(Hazard.objects.open(), user)
    month = Period(today.replace(day=1), today)
    year = Period(datetime.date(today.year, 1, 1), today)
    return [
        (_("Waiting for review"), by_status.get(Status.SUBMITTED, 0)),
        (_("Works under way"), by_status.get(Status.UNDER_WAY, 0)),
        (_("Open hazards"), hazards.count()),
        (_("Overdue hazards"), hazards.filter(deadline__lt=today).count()),
        (_("Inspections this month"), inspection_count(user, month)),
        (_("Reports waiting"), scope_reports(Report.objects.filter(status=ReportStatus.NEW), user).count()),
        (
            _("Person-times this year"),
            attended_records(user, ReportFilters(date_from=year.first, date_to=year.last)).count(),
        ),
    ]


# --- the charts ---------------------------------------------------------------


@dataclass
class Chart:
    """A chart and its data table: ``labels`` along the axis, ``series`` as (name, values)."""

    slug: str
    title: str
    kind: str  # bar, stacked, line
    labels: list
    series: list

    def as_json(self):
        return {
            "kind": self.kind,
            "labels": [str(label) for label in self.labels],
            "series": [{"name": str(name), "values": values} for name, values in self.series],
        }

    @property
    def rows(self):
        """The data table: one row per label."""
        return [(label, [values[index] for _name, values in self.series]) for index, label in enumerate(self.labels)]


def _monthly(queryset, field_name, months, local=True):
    trunc = TruncMonth(field_name, tzinfo=LOCAL_TZ) if local else TruncMonth(field_name)
    counts = {}
    for key, n in queryset.annotate(month=trunc).order_by().values_list("month").annotate(n=Count("pk")):
        day = timezone.localtime(key, LOCAL_TZ).date() if isinstance(key, datetime.datetime) else key
        counts[day.replace(day=1)] = n
    return [counts.get(month, 0) for month in months]


def inspections_per_month(user, period, months):
    """From the daily tallies where kept (figures.tallies_kept), else from the inspections."""
    if not tallies_kept():
        inspections = of_works(Inspection, user, ()).filter(period.moments("inspected_at"))
        return _monthly(inspections, "inspected_at", months)
    counts = dict(
        tallies_in(user)
        .filter(period.days("day"))
        .annotate(month=TruncMonth("day"))
        .order_by()
        .values_list("month")
        .annotate(n=Sum("inspections"))
    )
    return [counts.get(month, 0) for month in months]


def charts(user, period):
    months = months_of(period)
    labels = [f"{month:%Y-%m}" for month in months]
    works = works_in(user).filter(period.moments("submitted_at"))
    hazards = of_works(Hazard, user, ())

    by_kind = []
    kind_counts = {}
    for kind, key, n in (
        works.annotate(month=TruncMonth("submitted_at", tzinfo=LOCAL_TZ))
        .order_by()
        .values_list("kind", "month")
        .annotate(n=Count("pk"))
    ):
        kind_counts[(kind, timezone.localtime(key, LOCAL_TZ).date().replace(day=1))] = n
    for kind in WorkKind:
        by_kind.append((kind.label, [kind_counts.get((kind.value, month), 0) for month in months]))

    by_role = person_times_by_role(user, ReportFilters(date_from=period.first, date_to=period.last))
    roles = [role for role in TraineeRole if role.value in by_role]

    incidents = incidents_in(user)
    incident_counts = dict(
        ((year, incident_type), n)
        for year, incident_type, n in incidents.annotate(year=ExtractYear("occurred_on"))
        .order_by()
        .values_list("year", "incident_type")
        .annotate(n=Count("pk"))
    )
    years = sorted({year for year, _type in incident_counts})
    types = [t for t in IncidentType if any((year, t.value) in incident_counts for year in years)]

    return [
        Chart("registrations", _("Registrations per month, by kind"), "stacked", labels, by_kind),
        Chart(
            "inspections",
            _("Inspections per month"),
            "bar",
            labels,
            [(_("Inspections"), inspections_per_month(user, period, months))],
        ),
        Chart(
            "hazards",
            _("Hazards found and rectified per month"),
            "bar",
            labels,
            [
                (
                    _("Found"),
                    _monthly(hazards.filter(period.moments("found_at")), "found_at", months),
                ),
                (
                    _("Rectified"),
                    _monthly(hazards.filter(period.days("rectified_on")), "rectified_on", months, local=False),
                ),
            ],
        ),
        Chart(
            "person_times",
            _("Training person-times by role"),
            "bar",
            [role.label for role in roles],
            [(_("Person-times"), [by_role[role.value] for role in roles])],
        ),
        Chart(
            "incidents",
            _("Incidents per year, by type"),
            "stacked",
            [str(year) for year in years],
            [(t.label, [incident_counts.get((year, t.value), 0) for year in years]) for t in types],
        ),
    ]
