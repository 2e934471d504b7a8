"""Which standard checklists apply to a work, and what the answers make of it."""

import datetime

from django.db.models import Prefetch, Q
from django.utils import timezone

from ..models import Checklist, ChecklistAnswerValue, ChecklistItem


def checklists_for(registration):
    """The active checklists of the work's category or any of its high-risk
    operations, and those that apply to every work, with their items: two queries."""
    operations = registration.high_risk_operations.all()
    applies = (
        Q(categories=registration.category_id)
        | Q(high_risk_operations__in=operations)
        | Q(categories__isnull=True, high_risk_operations__isnull=True)
    )
    ids = Checklist.objects.filter(applies, active=True).values("pk")
    return list(
        Checklist.objects.filter(pk__in=ids)
        .order_by("sort_order", "pk")
        .prefetch_related(Prefetch("items", queryset=ChecklistItem.objects.order_by("sort_order", "pk")))
    )


def default_deadline(item, today=None):
    return (today or timezone.localdate()) + datetime.timedelta(days=item.deadline_days)


def hazards_from_answers(answers):
    """The hazards the “not compliant” answers become, for record_inspection.

    ``answers``: dicts with item (a ChecklistItem), answer, and for a failed
    item its note, deadline and photo. The hazard describes the item, plus
    what the inspector noted."""
    hazards = []
    for answer in answers:
        if answer["answer"] != ChecklistAnswerValue.NOT_COMPLIANT:
            continue
        item = answer["item"]
        note = (answer.get("note") or "").strip()
        hazards.append(
            {
                "category": item.hazard_category,
                "description": f"{item.text}：{note}" if note else item.text,
                "deadline": answer.get("deadline") or default_deadline(item),
                "photo": answer.get("photo"),
                "answer": answer,
            }
        )
    return hazards
