"""The yearly evaluation figures (考核评估数据) as plain functions, read by
the evaluation page, its print view and XLSX, the dashboard and the tests.

What each figure counts, for a period (first and last day, both included,
in Xiamen's calendar) and a set of streets:

- works registered: registrations submitted in the period, whatever their
  status now (the ledger's count), by kind;
- registration rate (纳管率): of the works submitted in the period and not
  withdrawn, the share registered by their owners before anyone found them;
- inspections: inspections made in the period;
- hazards found: hazards of inspections made in the period; of these, the
  rectification rate is the share rectified (by now) and the on-time rate
  the share rectified on or before their deadline;
- hazards rectified: hazards rectified in the period, whenever found (the
  seed's 整改隐患 figure);
- inspection coverage: of the works under way at some time in the period
  (accepted before its end, not written off or withdrawn before its start,
  planned to start by its end), the share inspected at least once in it;
- write-offs, stop-work orders: the status changes to completed or stopped
  made in the period; referrals: enforcement referrals made in the period;
- training person-times by role: training/reports/figures.py's rule (held
  sessions, present or late), trainees of the streets;
- incidents by type and kind: incidents that occurred in the period.

Every figure is a count by the database: a period costs the same few
queries whatever the number of rows. Year-over-year compares the same
dates a year earlier.
"""

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, Count, Exists, F, OuterRef, Q, Sum
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from portal.exports import LOCAL_TZ
from registration.backoffice.permissions import scope_incidents, scope_inspections, scope_registrations
from registration.models import (
    EnforcementReferral,
    Hazard,
    Incident,
    IncidentType,
    Inspection,
    InspectionTally,
    Registration,
    Status,
    StatusChange,
    StatusTally,
    WorkActivity,
    WorkKind,
)
from registration.services import registration_rate_of
from training.models import TraineeRole
from training.reports.figures import ReportFilters, person_times_by_role


@dataclass(frozen=True)
class Period:
    first: datetime.date
    last: datetime.date

    @classmethod
    def year(cls, year):
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @property
    def start(self):
        """The period's first moment in Xiamen, as an aware datetime."""
        return datetime.datetime.combine(self.first, datetime.time.min, tzinfo=LOCAL_TZ)

    @property
    def end(self):
        """The first moment after the period."""
        return datetime.datetime.combine(self.last + datetime.timedelta(days=1), datetime.time.min, tzinfo=LOCAL_TZ)

    def year_before(self):
        return Period(_year_before(self.first), _year_before(self.last))

    def moments(self, field_name):
        """The filter keeping rows whose datetime ``field_name`` falls in the period."""
        return Q(**{f"{field_name}__gte": self.start, f"{field_name}__lt": self.end})

    def days(self, field_name):
        """The filter keeping rows whose date ``field_name`` falls in the period."""
        return Q(**{f"{field_name}__gte": self.first, f"{field_name}__lte": self.last})

    def __str__(self):
        return f"{self.first:%Y-%m-%d} – {self.last:%Y-%m-%d}"


def _year_before(day):
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def rate(part, whole):
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Figures:
    period: Period
    works: int = 0
    works_by_kind: dict = field(default_factory=dict)
    self_registered: int = 0
    found_unregistered: int = 0
    registration_rate: float | None = None
    inspections: int = 0
    hazards_found: int = 0
    hazards_found_rectified: int = 0
    hazards_found_on_time: int = 0
    hazards_rectified: int = 0
    works_under_way: int = 0
    works_inspected: int = 0
    write_offs: int = 0
    stop_work_orders: int = 0
    referrals: int = 0
    person_times: int = 0
    person_times_by_role: dict = field(default_factory=dict)
    incidents: int = 0
    incidents_by_type_and_kind: dict = field(default_factory=dict)  # (type, kind) -> count
    deaths: int = 0
    injuries: int = 0

    @property
    def rectification_rate(self):
        return rate(self.hazards_found_rectified, self.hazards_found)

    @property
    def on_time_rate(self):
        return rate(self.hazards_found_on_time, self.hazards_found)

    @property
    def coverage(self):
        return rate(self.works_inspected, self.works_under_way)

    def incidents_of(self, incident_type=None, kind=None):
        return sum(
            n
            for (type_, kind_), n in self.incidents_by_type_and_kind.items()
            if incident_type in (None, type_) and kind in (None, kind_)
        )


def in_streets(queryset, user, street_ids, scope, street_field):
    queryset = scope(queryset, user)
    return queryset.filter(**{f"{street_field}__in": street_ids}) if street_ids else queryset


def works_in(user, street_ids=()):
    return in_streets(Registration.objects.all(), user, street_ids, scope_registrations, "street_id")


def of_works(model, user, street_ids):
    return in_streets(model.objects.all(), user, street_ids, scope_inspections, "registration__street_id")


def incidents_in(user, street_ids=()):
    return in_streets(Incident.objects.all(), user, street_ids, scope_incidents, "street_id")


def under_way_in(works, period):
    """The works under way at some time in the period (see the module's
    docstring): their first acceptance is before the period's end (some
    acceptance is), and their first write-off or withdrawal is not before its
    start (none is). Written as a semi-join and an anti-join, which the
    database runs in one pass over the status changes rather than two
    lookups per work."""

    def changed(before, *statuses):
        return Exists(
            StatusChange.objects.filter(registration=OuterRef("pk"), to_status__in=statuses, created_at__lt=before)
        )

    return works.filter(
        changed(period.end, Status.UNDER_WAY),
        ~changed(period.start, Status.COMPLETED, Status.WITHDRAWN),
        planned_start__lte=period.last,
    )


def coverage(user, period, street_ids=()):
    """(works under way in the period, of them inspected in it): from one
    WorkActivity row per work where kept (PostgreSQL), else from the status
    changes and inspections of every work."""
    if tallies_kept():
        activity = in_streets(WorkActivity.objects.all(), user, street_ids, scope_registrations, "street_id")
        under_way = activity.filter(
            Q(ended_at__isnull=True) | Q(ended_at__gte=period.start),
            accepted_at__lt=period.end,
            planned_start__lte=period.last,
        )
        inspected = RawSQL(
            "inspected_days && daterange(%s, %s, '[]')", (period.first, period.last), output_field=BooleanField()
        )
    else:
        under_way = under_way_in(works_in(user, street_ids), period)
        inspected = Exists(Inspection.objects.filter(period.moments("inspected_at"), registration=OuterRef("pk")))
    counts = under_way.alias(inspected=inspected).aggregate(
        n=Count("pk"), covered=Count("pk", filter=Q(inspected=True))
    )
    return counts["n"], counts["covered"]


def tallies_kept():
    """Whether the database keeps InspectionTally, WorkActivity and StatusTally
    (PostgreSQL's triggers, migrations 0016, 0019 and 0023)."""
    return connection.vendor == "postgresql"


def tallies_in(user, street_ids=()):
    return in_streets(InspectionTally.objects.all(), user, street_ids, scope_registrations, "street_id")


def inspection_count(user, period, street_ids=()):
    """The inspections made in the period: summed from the daily tallies where kept."""
    if tallies_kept():
        tallies = tallies_in(user, street_ids).filter(period.days("day"))
        return tallies.aggregate(n=Sum("inspections"))["n"] or 0
    return of_works(Inspection, user, street_ids).filter(period.moments("inspected_at")).count()


def status_change_counts(user, period, street_ids, statuses):
    """{status: changes to it in the period}: summed from the daily tallies where kept."""
    if tallies_kept():
        tallies = in_streets(StatusTally.objects.all(), user, street_ids, scope_registrations, "street_id")
        counted = tallies.filter(period.days("day"), to_status__in=statuses).values_list("to_status")
        return dict(counted.order_by().annotate(n=Sum("changes")))
    changes = of_works(StatusChange, user, street_ids).filter(period.moments("created_at"), to_status__in=statuses)
    return dict(changes.order_by().values_list("to_status").annotate(n=Count("pk")))


def figures(user, period, street_ids=()):
    """The Figures of ``period`` for the streets ``street_ids`` among the user's (all of them if empty)."""
    street_ids = tuple(street_ids)
    result = Figures(period)
    works = works_in(user, street_ids)
    submitted = works.filter(period.moments("submitted_at"))
    by_status_and_origin = {}
    for kind, status, origin, n in submitted.order_by().values_list("kind", "status", "origin").annotate(n=Count("pk")):
        result.works_by_kind[kind] = result.works_by_kind.get(kind, 0) + n
        by_status_and_origin[(status, origin)] = by_status_and_origin.get((status, origin), 0) + n
    result.works = sum(result.works_by_kind.values())
    result.self_registered, result.found_unregistered, result.registration_rate = registration_rate_of(
        by_status_and_origin
    )

    result.inspections = inspection_count(user, period, street_ids)
    hazards = of_works(Hazard, user, street_ids)
    found = hazards.filter(period.moments("found_at")).aggregate(
        n=Count("pk"),
        rectified=Count("pk", filter=Q(rectified_on__isnull=False)),
        on_time=Count("pk", filter=Q(rectified_on__lte=F("deadline"))),
    )
    result.hazards_found, result.hazards_found_rectified, result.hazards_found_on_time = (
        found["n"],
        found["rectified"],
        found["on_time"],
    )
    result.hazards_rectified = hazards.filter(period.days("rectified_on")).count()

    result.works_under_way, result.works_inspected = coverage(user, period, street_ids)

    changes = status_change_counts(user, period, street_ids, (Status.COMPLETED, Status.STOPPED))
    result.write_offs, result.stop_work_orders = changes.get(Status.COMPLETED, 0), changes.get(Status.STOPPED, 0)
    result.referrals = of_works(EnforcementReferral, user, street_ids).filter(period.moments("referred_at")).count()

    result.person_times_by_role = person_times_by_role(
        user, ReportFilters(date_from=period.first, date_to=period.last, street_ids=street_ids)
    )
    result.person_times = sum(result.person_times_by_role.values())

    incidents = incidents_in(user, street_ids).filter(period.days("occurred_on"))
    for incident_type, kind, n, deaths, injuries in (
        incidents.order_by()
        .values_list("incident_type", "kind")
        .annotate(n=Count("pk"), deaths=Sum("deaths"), injuries=Sum("injuries"))
    ):
        result.incidents_by_type_and_kind[(incident_type, kind)] = n
        result.incidents += n
        result.deaths += deaths or 0
        result.injuries += injuries or 0
    return result


# --- the table: one list of rows for the page, the print view and the XLSX --


@dataclass(frozen=True)
class Line:
    label: str
    value: object  # int, a percentage (float) or None
    previous: object
    percent: bool = False
    level: int = 0  # 1 for a line that details the one above

    @property
    def change(self):
        """Year-over-year: the change in percent for counts, in points for rates."""
        if self.value is None or self.previous is None:
            return None
        if self.percent:
            return round(self.value - self.previous, 1)
        return rate(self.value - self.previous, self.previous)


def lines(current, previous):
    """The evaluation table's lines, this period against the year before."""

    def line(label, getter, percent=False, level=0):
        return Line(str(label), getter(current), getter(previous), percent, level)

    rows = [
        line(_("Works registered"), lambda f: f.works),
        *(line(kind.label, lambda f, kind=kind: f.works_by_kind.get(kind.value, 0), level=1) for kind in WorkKind),
        line(_("Found unregistered"), lambda f: f.found_unregistered, level=1),
        line(_("Registration rate (%)"), lambda f: f.registration_rate, percent=True),
        line(_("Inspections"), lambda f: f.inspections),
        line(_("Works under way"), lambda f: f.works_under_way),
        line(_("Inspection coverage (%)"), lambda f: f.coverage, percent=True),
        line(_("Hazards found"), lambda f: f.hazards_found),
        line(_("Rectification rate (%)"), lambda f: f.rectification_rate, percent=True, level=1),
        line(_("On-time rectification rate (%)"), lambda f: f.on_time_rate, percent=True, level=1),
        line(_("Hazards rectified"), lambda f: f.hazards_rectified),
        line(_("Write-offs"), lambda f: f.write_offs),
        line(_("Stop-work orders"), lambda f: f.stop_work_orders),
        line(_("Enforcement referrals"), lambda f: f.referrals),
        line(_("Training person-times"), lambda f: f.person_times),
        *(
            line(role.label, lambda f, role=role: f.person_times_by_role.get(role.value, 0), level=1)
            for role in TraineeRole
            if role.value in current.person_times_by_role or role.value in previous.person_times_by_role
        ),
        line(_("Incidents"), lambda f: f.incidents),
    ]
    for kind in WorkKind:
        for incident_type in IncidentType:
            if current.incidents_of(incident_type, kind) or previous.incidents_of(incident_type, kind):
                label = f"{kind.label} · {incident_type.label}"
                rows.append(line(label, lambda f, t=incident_type, k=kind: f.incidents_of(t, k), level=1))
    rows += [
        line(_("Deaths"), lambda f: f.deaths, level=1),
        line(_("Injured"), lambda f: f.injuries, level=1),
    ]
    return rows
