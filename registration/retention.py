"""Retention (PIPL): the personal data of works that ended long ago is
anonymised. A work written off or withdrawn more than
``REGISTRATION_RETENTION_YEARS`` years ago keeps what the statistics count
(kind, category, street, community, dates, statuses, inspections, hazards,
ratings) and loses what identifies a person: names and mobiles of private
people, ID numbers, a private owner's address, the attachments and the
messages sent. Organisations' names and credit codes are not personal data
and stay. Run daily by celery beat (``portal.tasks.anonymise_expired``) or
``manage.py anonymise_expired``; two runs at once anonymise each work once.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from .models import Attachment, ContractorType, OutboundMessage, OwnerType, Registration, Status, StatusChange

ANONYMISED = "（已匿名）"
ENDED = (Status.COMPLETED, Status.WITHDRAWN)


def due(now=None):
    """Works that ended (their last status change) more than the retention period ago."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=365 * settings.REGISTRATION_RETENTION_YEARS)
    ended_at = Subquery(
        StatusChange.objects.filter(registration=OuterRef("pk"))
        .values("registration")
        .annotate(last=Max("created_at"))
        .values("last")[:1]
    )
    return (
        Registration.objects.filter(status__in=ENDED, anonymised_at__isnull=True)
        .annotate(ended_at=ended_at)
        .filter(ended_at__lt=cutoff)
    )


def anonymise(work, now):
    person_owner = work.owner_type == OwnerType.INDIVIDUAL
    person_contractor = work.contractor_type == ContractorType.INDIVIDUAL
    changes = {
        "owner_contact": ANONYMISED,
        "owner_mobile": "",
        "registrant_mobile": "",
        "contractor_id_number": "",
        "site_manager_name": ANONYMISED,
        "site_manager_mobile": "",
        "property_company_contact": ANONYMISED if work.property_company_contact else "",
        "property_company_mobile": "",
        "insurance_policy_number": "",
        "anonymised_at": now,
    }
    if person_owner:
        changes.update(owner_name=ANONYMISED, address=ANONYMISED)
    if person_contractor:
        changes["contractor_name"] = ANONYMISED
    Registration.objects.filter(pk=work.pk).update(**changes)
    for attachment in Attachment.objects.filter(registration=work):
        attachment.file.delete(save=False)
        attachment.delete()
    OutboundMessage.objects.filter(registration=work).delete()


def anonymise_due(now=None):
    """Anonymise every work due; returns how many."""
    now = now or timezone.now()
    count = 0
    for work in due(now).only("pk", "owner_type", "contractor_type", "property_company_contact").iterator():
        with transaction.atomic():
            # Another run (a second worker) may hold or have done this one.
            mine = Registration.objects.select_for_update(skip_locked=True).filter(
                pk=work.pk, anonymised_at__isnull=True
            )
            if not list(mine.values_list("pk", flat=True)):
                continue
            anonymise(work, now)
        count += 1
    return count
