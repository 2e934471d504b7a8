"""The inspector's round (今日巡查): the works under way in the user's
streets, the most overdue visit first.

A work is due ``interval`` days after its last inspection (or, never
inspected, after it was submitted). The interval is the category's, or the
shortest of its high-risk operations' when one is shorter (settings on the
snippets). Works with an overdue hazard come first of all. Everything is
computed in SQL, so a page of the round is the same few queries whatever
the number of works.
"""

import datetime

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from ..backoffice.actions import ACTIVE, annotate_hazard_counts
from ..backoffice.permissions import scope_registrations
from ..models import Hazard, Inspection, Registration

# Open hazards whose deadline is this close show as "due soon" on the round.
DUE_SOON_DAYS = 2
ONE_DAY = datetime.timedelta(days=1)


def _subquery(queryset, field, aggregate, output_field):
    return Subquery(
        queryset.order_by().values("registration_id").annotate(value=aggregate(field)).values("value"),
        output_field=output_field,
    )


def annotate_round(queryset, today=None):
    """Add ``last_inspected_at``, ``interval_days``, ``due_at`` and the hazard counts."""
    today = today or timezone.localdate()
    operations = Registration.high_risk_operations.through.objects.filter(
        registration_id=OuterRef("pk"), highriskoperation__inspection_interval_days__isnull=False
    )
    shortest_operation = _subquery(operations, "highriskoperation__inspection_interval_days", Min, IntegerField())
    last_inspected = _subquery(
        Inspection.objects.filter(registration=OuterRef("pk")), "inspected_at", Max, DateTimeField()
    )
    due_soon = Hazard.objects.open().filter(
        registration=OuterRef("pk"), deadline__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)
    )
    category_interval = F("category__inspection_interval_days")
    queryset = annotate_hazard_counts(queryset, today).annotate(
        last_inspected_at=last_inspected,
        interval_days=Least(
            category_interval, Coalesce(shortest_operation, category_interval), output_field=IntegerField()
        ),
        due_hazard_count=Coalesce(_subquery(due_soon, "pk", Count, IntegerField()), Value(0)),
    )
    return queryset.annotate(
        due_at=ExpressionWrapper(
            Coalesce("last_inspected_at", "submitted_at")
            + ExpressionWrapper(F("interval_days") * Value(ONE_DAY), output_field=DurationField()),
            output_field=DateTimeField(),
        ),
        hazard_first=Case(When(Q(overdue_hazard_count__gt=0), then=Value(0)), default=Value(1)),
    )


def round_for(user, today=None):
    """The works of the user's round, in the order to visit them."""
    works = scope_registrations(Registration.objects.filter(status__in=ACTIVE), user)
    return annotate_round(works.select_related("category", "street", "community"), today).order_by(
        "hazard_first", "due_at", "pk"
    )


def days_overdue(work, now=None):
    """Whole days the visit is overdue (0: due today; negative: due later)."""
    today = timezone.localdate(now)
    return (today - timezone.localdate(work.due_at)).days
