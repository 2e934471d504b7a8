"""After the work: the registrant asks for completion write-off (完工核销申请)
with a photo, an officer confirms it (by writing the work off) or declines
it with a reason; after the write-off the registrant rates the service once
(好差评). The public views and the back office both act through here.
"""

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import services
from .backoffice.notifications import message_body, queue_message
from .models import (
    AttachmentKind,
    CompletionRequest,
    CompletionRequestStatus,
    Registration,
    Satisfaction,
    ServiceRating,
    Status,
)
from .models.aftercare import SATISFIED_OR_BETTER

PENDING = CompletionRequestStatus.PENDING
DECLINED_NEWS = _("the request for completion write-off was not confirmed")


class AftercareRefused(services.TransitionError):
    """A request or rating the rules do not allow now; its message says why."""


def _locked(registration):
    return Registration.objects.select_for_update().get(pk=registration.pk)


# Completion write-off requests


def pending_request(registration):
    return registration.completion_requests.filter(status=PENDING).select_related("photo").first()


def latest_request(registration):
    return registration.completion_requests.select_related("photo").first()


def may_request_completion(registration, pending=None):
    return registration.status == Status.UNDER_WAY and pending is None


def request_completion(registration, finished_on, photo, note=""):
    """The registrant reports the work finished. ``photo`` is a checked upload
    (content_type set). Refused unless the work is under way and no other
    request is waiting; the row lock and a partial unique constraint keep it
    to one however often the button is tapped."""
    with transaction.atomic():
        work = _locked(registration)
        if work.status != Status.UNDER_WAY:
            raise AftercareRefused(
                _("Only a work under way can be reported finished. Its status is now “%(status)s”.")
                % {"status": work.get_status_display()}
            )
        if work.completion_requests.filter(status=PENDING).exists():
            raise AftercareRefused(_("A request for completion write-off is already waiting for the street office."))
        (attachment,) = services.save_attachments(work, [(AttachmentKind.COMPLETION, photo)])
        request = CompletionRequest.objects.create(
            registration=work, finished_on=finished_on, note=(note or "").strip(), photo=attachment
        )
        services.log_action(work, "completion_request", finished_on=finished_on.isoformat())
    return request


def decline_request(completion_request, by, reason):
    """The street office does not confirm the work finished; the registrant
    gets the reason by SMS and on the status page, and may ask again."""
    reason = (reason or "").strip()
    if not reason:
        raise AftercareRefused(_("Give the reason; the registrant will see it."))
    with transaction.atomic():
        work = _locked(completion_request.registration)
        updated = CompletionRequest.objects.filter(pk=completion_request.pk, status=PENDING).update(
            status=CompletionRequestStatus.DECLINED, decided_by=by, decided_at=timezone.now(), decline_reason=reason
        )
        if not updated:
            raise AftercareRefused(_("This request has already been decided."))
        queue_message(work, message_body(work.reference, reason=reason, news=DECLINED_NEWS))
        services.log_action(work, "completion_declined", by, reason=reason)
    completion_request.refresh_from_db()
    return completion_request


def confirm_pending_request(work, by):
    """Called inside the write-off's transaction: a waiting request is confirmed by it."""
    return CompletionRequest.objects.filter(registration=work, status=PENDING).update(
        status=CompletionRequestStatus.CONFIRMED, decided_by=by, decided_at=timezone.now()
    )


# Service ratings (好差评)


def needs_reason(level):
    return level is not None and int(level) < SATISFIED_OR_BETTER


def may_rate(registration):
    return (
        registration.status == Status.COMPLETED and not ServiceRating.objects.filter(registration=registration).exists()
    )


def rate_service(registration, level, reason=""):
    """The registrant's one rating of a written-off work."""
    reason = (reason or "").strip()
    level = Satisfaction(int(level))
    if needs_reason(level) and not reason:
        raise AftercareRefused(_("Say why the service was below “satisfied”, so that the street office can improve."))
    try:
        with transaction.atomic():
            work = _locked(registration)
            if work.status != Status.COMPLETED:
                raise AftercareRefused(_("The service can be rated once the work has been written off."))
            rating = ServiceRating.objects.create(registration=work, level=level, reason=reason)
            services.log_action(work, "rated", level=int(level))
    except IntegrityError:
        raise AftercareRefused(_("This work has already been rated. Thank you.")) from None
    return rating


def ratings_by_street(ratings):
    """Counts per street and level of a (street-scoped) ServiceRating queryset,
    in one query: [{street, total, counts: {level: n}, satisfied_share}]."""
    per_level = {f"level_{level.value}": Count("pk", filter=Q(level=level.value)) for level in Satisfaction}
    rows = (
        ratings.values("registration__street_id", "registration__street__name")
        .annotate(total=Count("pk"), **per_level)
        .order_by("registration__street__sort_order", "registration__street_id")
    )
    return [
        {
            "street": row["registration__street__name"],
            "street_id": row["registration__street_id"],
            "total": row["total"],
            "counts": [row[f"level_{level.value}"] for level in Satisfaction],
            "satisfied": row["level_5"] + row["level_4"],
        }
        for row in rows
    ]
