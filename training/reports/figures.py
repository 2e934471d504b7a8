"""The training reports as plain functions: person-times, a trainee's
history, absentees and compliance. No HTTP here: the admin views, the
exports and the tests call these, so the page and its spreadsheet always
show the same figures.

What counts, in every report:

- a person-time (人次) is one attendance record whose status is present or
  late (models.ATTENDED) in a session whose status is *held*;
- cancelled sessions never count, even when records were taken for them;
- planned sessions do not count either, even when attendance was recorded
  (the trainer has not yet confirmed that the session took place). The
  person-times report says how many such records it left out, so that the
  trainer can mark the session held;
- periods (month, quarter, year, date ranges) are those of the session's
  start, in Xiamen's wall-clock time (Asia/Shanghai), on every database.

Who sees what (built on permissions.py; its visible_* functions do the
narrowing, these functions only compose them):

- district administrators and superusers: every record;
- street officers: the records of their streets' trainees, whoever ran the
  session, and the compliance of their streets' trainees;
- trainers: the records of their own sessions (all trainees, since
  district sessions draw from every street), their own sessions' absentees
  and their trainees' history in those sessions. The compliance list is not
  theirs: it counts sessions they did not run, which they may not see;
- anyone else (content editors …): none of the reports.

Figures are counted by the database (values() / annotate() / aggregate()),
so a report costs the same few queries whatever the number of records.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth, TruncQuarter, TruncYear
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.exports import LOCAL_TZ

from ..models import (
    ATTENDED,
    Attendance,
    AttendanceStatus,
    SessionStatus,
    Trainee,
    TraineeRole,
    TrainingSession,
    TrainingSettings,
)
from ..permissions import (
    is_district,
    is_street_officer,
    is_trainer,
    visible_attendance,
    visible_sessions,
    visible_trainees,
)
from ..services import audience_filter

# SQLite allows at most 500 SELECTs in one UNION; stay well below.
UNION_CHUNK = 200


# --- who may see the reports ---------------------------------------------------


def can_view_reports(user):
    """Person-times, trainee history and absentees."""
    return user.has_perm("training.view_attendance") and (
        is_district(user) or is_trainer(user) or is_street_officer(user)
    )


def can_view_compliance(user):
    """Who has not been trained enough: the district and the streets."""
    return (
        user.has_perm("training.view_trainee")
        and user.has_perm("training.view_attendance")
        and (is_district(user) or is_street_officer(user))
    )


# --- filters -------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFilters:
    """What a report is narrowed to; every field is optional. Dates are local
    calendar days, both ends included; ``year`` and the dates combine."""

    year: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    role: str = ""
    street_id: int | None = None
    street_ids: tuple = ()  # several streets (the evaluation figures); combines with street_id
    topic_id: int | None = None
    level: str = ""


def local_midnight(day):
    """The start of a calendar day in Xiamen, as an aware datetime."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=LOCAL_TZ)


def year_bounds(year):
    return local_midnight(datetime.date(year, 1, 1)), local_midnight(datetime.date(year + 1, 1, 1))


def start_bounds(filters):
    """The [start, end) range of session starts the filters allow (None: open)."""
    starts, ends = [], []
    if filters.year:
        start, end = year_bounds(filters.year)
        starts.append(start)
        ends.append(end)
    if filters.date_from:
        starts.append(local_midnight(filters.date_from))
    if filters.date_to:
        ends.append(local_midnight(filters.date_to + datetime.timedelta(days=1)))
    return (max(starts) if starts else None), (min(ends) if ends else None)


def filter_sessions(queryset, filters, prefix=""):
    """Apply the session-side filters (period, topic, level) to ``queryset``;
    ``prefix`` is the path to the session, e.g. "session__"."""
    start, end = start_bounds(filters)
    conditions = {}
    if start:
        conditions[f"{prefix}starts_at__gte"] = start
    if end:
        conditions[f"{prefix}starts_at__lt"] = end
    if filters.topic_id:
        conditions[f"{prefix}topic_id"] = filters.topic_id
    if filters.level:
        conditions[f"{prefix}level"] = filters.level
    return queryset.filter(**conditions)


def filter_trainees(queryset, filters, prefix=""):
    """Apply the trainee-side filters (role, street); ``prefix`` as above."""
    conditions = {}
    if filters.role:
        conditions[f"{prefix}role"] = filters.role
    if filters.street_id:
        conditions[f"{prefix}street_id"] = filters.street_id
    if filters.street_ids:
        conditions[f"{prefix}street_id__in"] = filters.street_ids
    return queryset.filter(**conditions)


def filter_records(queryset, filters):
    return filter_trainees(filter_sessions(queryset, filters, "session__"), filters, "trainee__")


def counted_records():
    """Every record that counts as a person-time, whoever may see it (the public counters)."""
    return Attendance.objects.filter(status__in=ATTENDED, session__status=SessionStatus.HELD)


def attended_records(user, filters):
    """The records that count as person-times, as the user may see them."""
    return filter_records(visible_attendance(counted_records(), user), filters)


# --- person-times --------------------------------------------------------------


def _period_label(kind):
    def label(row):
        local = timezone.localtime(row["key"], LOCAL_TZ)
        if kind == "month":
            return f"{local:%Y-%m}"
        if kind == "quarter":
            return gettext("%(year)d Q%(quarter)d") % {"year": local.year, "quarter": (local.month - 1) // 3 + 1}
        return str(local.year)

    return label


def _role_label(value):
    return str(TraineeRole(value).label) if value in TraineeRole.values else value


@dataclass(frozen=True)
class Grouping:
    label: str
    key: object  # the field or expression grouped on
    to_label: Callable  # values row -> the row's label
    columns: tuple = ()  # further fields read for the label and the order
    order: tuple = ("key",)


def _truncated(trunc):
    # Truncated in Xiamen's time: 2026-03-31 23:30 local is March, not April.
    return trunc("session__starts_at", tzinfo=LOCAL_TZ)


GROUPINGS = {
    "month": Grouping(_("Month"), _truncated(TruncMonth), _period_label("month")),
    "quarter": Grouping(_("Quarter"), _truncated(TruncQuarter), _period_label("quarter")),
    "year": Grouping(_("Year"), _truncated(TruncYear), _period_label("year")),
    "role": Grouping(_("Role"), F("trainee__role"), lambda row: _role_label(row["key"])),
    "street": Grouping(
        _("Street"),
        F("trainee__street_id"),
        lambda row: row["trainee__street__name"],
        columns=("trainee__street__name", "trainee__street__sort_order", "trainee__street__code"),
        order=("trainee__street__sort_order", "trainee__street__code"),
    ),
    "topic": Grouping(
        _("Topic"),
        F("session__topic_id"),
        lambda row: row["session__topic__name"],
        columns=("session__topic__name", "session__topic__sort_order"),
        order=("session__topic__sort_order", "session__topic__name"),
    ),
}


@dataclass(frozen=True)
class CountRow:
    key: object  # a local datetime (periods), a role value or a street / topic id; None for the total
    label: str
    person_times: int
    people: int


@dataclass(frozen=True)
class PersonTimes:
    group_by: str
    group_label: str
    rows: list
    total: CountRow
    # Attended records in planned sessions that have started: not counted.
    unconfirmed: int


def _counts():
    return {"person_times": Count("pk"), "people": Count("trainee_id", distinct=True)}


def person_times_by_role(user, filters):
    """{role: person-times}: the person_times rule, for the evaluation figures
    and the dashboard, in one query (no people, totals or unconfirmed)."""
    records = attended_records(user, filters).order_by()
    return dict(records.values_list("trainee__role").annotate(n=Count("pk")))


def person_times(user, filters, group_by="month"):
    """Person-times and distinct people per group, and the totals row. The
    total's people are counted over the whole set (someone trained in March
    and in May is one person in the year), so they are not the sum of the
    rows' people; the total's person-times are the sum of the rows'."""
    grouping = GROUPINGS[group_by]
    records = attended_records(user, filters).order_by()
    grouped = (
        records.annotate(key=grouping.key)
        .values("key", *grouping.columns)
        .annotate(**_counts())
        .order_by(*grouping.order)
    )
    rows = [CountRow(row["key"], grouping.to_label(row), row["person_times"], row["people"]) for row in grouped]
    totals = records.aggregate(**_counts())
    unconfirmed = filter_records(
        visible_attendance(
            Attendance.objects.filter(
                status__in=ATTENDED, session__status=SessionStatus.PLANNED, session__starts_at__lte=timezone.now()
            ),
            user,
        ),
        filters,
    ).count()
    return PersonTimes(
        group_by,
        str(grouping.label),
        rows,
        CountRow(None, gettext("Total"), totals["person_times"], totals["people"]),
        unconfirmed,
    )


# --- one trainee's history -----------------------------------------------------


@dataclass(frozen=True)
class History:
    trainee: Trainee
    records: list  # Attendance, with session, topic, street and marker joined
    attended_held: int  # person-times, by the rule above


def trainee_history(user, trainee):
    """Every record of the trainee the user may see, newest session first,
    whatever the session's status (a cancelled one is shown as such)."""
    records = list(
        visible_attendance(Attendance.objects.filter(trainee=trainee), user)
        .select_related("session__topic", "session__street", "marked_by")
        .order_by("-session__starts_at", "-session_id")
    )
    attended = sum(1 for record in records if record.status in ATTENDED and record.session.status == SessionStatus.HELD)
    return History(trainee, records, attended)


# --- absentees -----------------------------------------------------------------

NO_RECORD = ""  # the status of an audience member nobody marked


@dataclass(frozen=True)
class AbsenteeRow:
    session: TrainingSession
    trainee_id: int
    name: str
    role: str
    street: str
    community: str
    organisation: str
    mobile: str
    status: str  # absent, excused, or NO_RECORD
    remarks: str

    @property
    def role_label(self):
        return _role_label(self.role)

    @property
    def status_label(self):
        if self.status == NO_RECORD:
            return gettext("No record")
        return str(AttendanceStatus(self.status).label)


@dataclass(frozen=True)
class Absentees:
    rows: list
    sessions: int  # held sessions looked at


def _absentee_columns(**expressions):
    """The columns both halves of the absentee union select, in one order.
    All are annotations (named ``a_…``), so that the SELECT lists line up
    whichever model each half starts from."""
    names = (
        "session",
        "trainee",
        "name",
        "role",
        "street",
        "street_order",
        "community",
        "organisation",
        "mobile",
        "status",
        "remarks",
        "starts_at",
    )
    return {f"a_{name}": expressions[name] for name in names}


def _marked_absent(user, session_ids, statuses, filters):
    records = visible_attendance(Attendance.objects.filter(session_id__in=session_ids, status__in=statuses), user)
    columns = _absentee_columns(
        session=F("session_id"),
        trainee=F("trainee_id"),
        name=F("trainee__name"),
        role=F("trainee__role"),
        street=F("trainee__street__name"),
        street_order=F("trainee__street__sort_order"),
        community=F("trainee__community__name"),
        organisation=F("trainee__organisation"),
        mobile=F("trainee__mobile"),
        status=F("status"),
        remarks=F("remarks"),
        starts_at=F("session__starts_at"),
    )
    return filter_trainees(records, filters, "trainee__").annotate(**columns).values(*columns)


def _unmarked_audience(session, trainees, filters):
    """The session's audience (services.audience_filter) with no record."""
    unmarked = trainees.filter(audience_filter(session)).filter(
        ~Exists(Attendance.objects.filter(session_id=session.pk, trainee=OuterRef("pk")))
    )
    columns = _absentee_columns(
        session=Value(session.pk, output_field=BigIntegerField()),
        trainee=F("pk"),
        name=F("name"),
        role=F("role"),
        street=F("street__name"),
        street_order=F("street__sort_order"),
        community=F("community__name"),
        organisation=F("organisation"),
        mobile=F("mobile"),
        status=Value(NO_RECORD, output_field=CharField()),
        remarks=Value("", output_field=CharField()),
        starts_at=Value(session.starts_at, output_field=DateTimeField()),
    )
    return filter_trainees(unmarked, filters).annotate(**columns).values(*columns)


def absentees(user, filters, include_excused=False):
    """Who missed the held sessions the user may see: their absent records
    (and excused ones, if asked), and the members of each session's audience
    with no record at all. Newest session first, then by street and name.

    The audience is today's roster (active trainees in the session's
    audience roles, of its street for a street session), as on the sheet.
    One query for the sessions, then one UNION query per 200 sessions."""
    sessions = (
        filter_sessions(visible_sessions(TrainingSession.objects.filter(status=SessionStatus.HELD), user), filters)
        .select_related("topic", "street")
        .order_by("-starts_at", "-pk")
    )
    sessions = {session.pk: session for session in sessions}
    statuses = [AttendanceStatus.ABSENT] + ([AttendanceStatus.EXCUSED] if include_excused else [])
    trainees = visible_trainees(Trainee.objects.all(), user)
    ids = list(sessions)
    rows = []
    # Chunks follow the sessions' order, so the chunks' rows line up in order too.
    for start in range(0, len(ids), UNION_CHUNK):
        chunk = ids[start : start + UNION_CHUNK]
        marked = _marked_absent(user, chunk, statuses, filters).order_by()
        unmarked = [_unmarked_audience(sessions[pk], trainees, filters).order_by() for pk in chunk]
        union = marked.union(*unmarked, all=True).order_by(
            "-a_starts_at", "-a_session", "a_street_order", "a_name", "a_trainee"
        )
        rows += [
            AbsenteeRow(
                sessions[row["a_session"]],
                row["a_trainee"],
                row["a_name"],
                row["a_role"],
                row["a_street"],
                row["a_community"] or "",
                row["a_organisation"],
                row["a_mobile"],
                row["a_status"],
                row["a_remarks"],
            )
            for row in union
        ]
    return Absentees(rows, len(sessions))


# --- compliance ----------------------------------------------------------------


@dataclass(frozen=True)
class Compliance:
    year: int
    required: int  # N: sessions each trainee should attend in the year
    rows: list  # Trainee, with .attended and street / community joined
    population: int  # active trainees looked at


def required_sessions():
    return TrainingSettings.load().compliance_min_sessions_per_year


def compliance(user, year, role="", street_id=None, required=None):
    """Active trainees (of ``role`` and ``street_id`` if given) who attended
    fewer than ``required`` held sessions in ``year`` (local time): the
    least trained first, so those never trained (0) lead the list."""
    required = required_sessions() if required is None else required
    start, end = year_bounds(year)
    scope = ReportFilters(role=role, street_id=street_id)
    trainees = filter_trainees(visible_trainees(Trainee.objects.filter(active=True), user), scope)
    counted = (
        visible_attendance(
            Attendance.objects.filter(
                trainee=OuterRef("pk"),
                status__in=ATTENDED,
                session__status=SessionStatus.HELD,
                session__starts_at__gte=start,
                session__starts_at__lt=end,
            ),
            user,
        )
        .order_by()
        .values("trainee")
        .annotate(n=Count("pk"))
        .values("n")
    )
    annotated = trainees.annotate(attended=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)))
    rows = list(
        annotated.filter(attended__lt=required)
        .select_related("street", "community")
        .order_by("attended", "street__sort_order", "street__code", "name", "pk")
    )
    return Compliance(year, required, rows, trainees.count())
