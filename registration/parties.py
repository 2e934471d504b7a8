"""The records of the parties: what a contractor's or a property company's
works went through (inspections, hazards, stop-work orders, referrals,
incidents) and the demerit points that follow, for the back office's pages
and the property companies' star rating (星级评定).

A party is not a model: a contractor is who the works name by credit code
(a company) or resident ID number (a person); a property company by its
name, as the registrants write it. Works whose personal data were removed
(retention.py) no longer name anyone and belong to no party.

Figures are counted by the database, grouped by work, for the works of the
parties shown: a page of parties costs the same few queries whatever the
number of works, inspections or parties.
"""

from dataclasses import dataclass, field

from django.db.models import Case, Count, F, Q, Value, When
from django.db.models.functions import Concat, Trim
from django.utils.translation import gettext_lazy as _

from .models import (
    ContractorType,
    DemeritSettings,
    EnforcementReferral,
    Hazard,
    Incident,
    Inspection,
    Status,
    StatusChange,
)

CONTRACTOR = "contractor"
PROPERTY_COMPANY = "property_company"
KINDS = {CONTRACTOR: _("Contractor"), PROPERTY_COMPANY: _("Property company")}


def party_key(kind):
    """The expression naming a work's party: "o:<credit code>" or "p:<ID number>"
    for a contractor, the trimmed name for a property company."""
    if kind == PROPERTY_COMPANY:
        return Trim("property_company_name")
    return Case(
        When(contractor_type=ContractorType.ORGANISATION, then=Concat(Value("o:"), F("contractor_uscc"))),
        default=Concat(Value("p:"), F("contractor_id_number")),
    )


def with_party(works, kind):
    """The works that name a party of ``kind``, annotated with its ``party``."""
    if kind == PROPERTY_COMPANY:
        works = works.exclude(property_company_name="")
    else:
        works = works.exclude(
            Q(contractor_type=ContractorType.ORGANISATION, contractor_uscc="")
            | Q(contractor_type=ContractorType.INDIVIDUAL, contractor_id_number="")
        )
    return works.annotate(party=party_key(kind))


def same_party(works, kind, registration):
    """The works of the party ``registration`` names (none if it names nobody)."""
    key = with_party(works.model.objects.filter(pk=registration.pk), kind).values_list("party", flat=True).first()
    if key is None:
        return works.none()
    return with_party(works, kind).filter(party=key)


@dataclass
class PartyRecord:
    key: str
    name: str = ""
    link_id: int | None = None  # a work of the party: its page is reached through it
    works: int = 0
    under_way: int = 0
    inspections: int = 0
    hazards: int = 0
    rectified: int = 0
    rectified_on_time: int = 0
    overdue: int = 0
    stop_work_orders: int = 0
    referrals: int = 0
    incidents: int = 0
    demerits: int = 0
    hazards_by_category: dict = field(default_factory=dict)

    @property
    def on_time_rate(self):
        return round(100 * self.rectified_on_time / self.rectified, 1) if self.rectified else None


def _between(field_name, period):
    """The filter keeping rows whose ``field_name`` (a date) falls in the period (both ends included)."""
    if period is None:
        return Q()
    start, end = period
    return Q(**{f"{field_name}__gte": start, f"{field_name}__lte": end})


def _local_between(field_name, period):
    """As _between, for a datetime field: its local date in the period."""
    return _between(f"{field_name}__date", period)


def records(works, kind, period=None, today=None):
    """A PartyRecord per party of ``works`` (already scoped to the user),
    in the order of ``works``' parties as first met. ``period``: (first day,
    last day) for the events counted; the works themselves are not narrowed."""
    from django.utils import timezone

    today = today or timezone.localdate()
    rows = list(
        with_party(works, kind).order_by().values_list("pk", "party", "contractor_name", "property_company_name")
    )
    by_work, result = {}, {}
    for pk, key, contractor_name, property_name in rows:
        by_work[pk] = key
        record = result.get(key)
        if record is None:
            name = property_name.strip() if kind == PROPERTY_COMPANY else contractor_name
            record = result[key] = PartyRecord(key=key, name=name, link_id=pk)
        record.works += 1
    if not by_work:
        return []
    work_ids = list(by_work)
    for pk, n in (
        works.model.objects.filter(pk__in=work_ids, status=Status.UNDER_WAY)
        .values_list("pk")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        result[by_work[pk]].under_way += n

    def grouped(queryset, **counts):
        return queryset.filter(registration_id__in=work_ids).values("registration_id").annotate(**counts).order_by()

    for row in grouped(Inspection.objects.filter(_local_between("inspected_at", period)), n=Count("pk")):
        result[by_work[row["registration_id"]]].inspections += row["n"]

    demerits = DemeritSettings.load()
    late = Q(rectified_on__gt=F("deadline")) | Q(
        rectified_on__isnull=True, written_off_on__isnull=True, deadline__lt=today
    )
    hazard_rows = (
        Hazard.objects.filter(_local_between("inspection__inspected_at", period), registration_id__in=work_ids)
        .values("registration_id", "category")
        .annotate(
            n=Count("pk"),
            rectified=Count("pk", filter=Q(rectified_on__isnull=False)),
            on_time=Count("pk", filter=Q(rectified_on__lte=F("deadline"))),
            late=Count("pk", filter=late),
            overdue=Count("pk", filter=Q(rectified_on__isnull=True, written_off_on__isnull=True, deadline__lt=today)),
        )
        .order_by()
    )
    for row in hazard_rows:
        record = result[by_work[row["registration_id"]]]
        record.hazards += row["n"]
        record.rectified += row["rectified"]
        record.rectified_on_time += row["on_time"]
        record.overdue += row["overdue"]
        record.hazards_by_category[row["category"]] = record.hazards_by_category.get(row["category"], 0) + row["n"]
        record.demerits += row["n"] * demerits.for_category(row["category"]) + row["late"] * demerits.late

    for model, date_field, attribute, condition in (
        (StatusChange, "created_at", "stop_work_orders", Q(to_status=Status.STOPPED)),
        (EnforcementReferral, "referred_at", "referrals", Q()),
    ):
        for row in grouped(model.objects.filter(condition, _local_between(date_field, period)), n=Count("pk")):
            record = result[by_work[row["registration_id"]]]
            setattr(record, attribute, getattr(record, attribute) + row["n"])
    for row in grouped(Incident.objects.filter(_between("occurred_on", period)), n=Count("pk")):
        result[by_work[row["registration_id"]]].incidents += row["n"]

    for record in result.values():
        record.demerits += record.stop_work_orders * demerits.stop_work + record.incidents * demerits.incident
    return list(result.values())


def party_summaries(works, kind, search=""):
    """The parties of ``works`` with their number of works, most works first:
    a list to page through before records() counts a page's details."""
    works = with_party(works, kind)
    if search:
        name_field = "property_company_name" if kind == PROPERTY_COMPANY else "contractor_name"
        works = works.filter(Q(**{f"{name_field}__icontains": search}) | Q(contractor_uscc=search.upper()))
    return works.order_by().values("party").annotate(works_count=Count("pk")).order_by("-works_count", "party")


def grouped_records(works, kind, keys, period=None):
    """records() for the parties ``keys`` only, in that order."""
    chosen = with_party(works, kind).filter(party__in=keys)
    by_key = {record.key: record for record in records(chosen, kind, period)}
    return [by_key[key] for key in keys if key in by_key]
