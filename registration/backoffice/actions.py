"""Back-office rules for the street offices: review, daily inspections and
hazards, enforcement, stop work and completion write-off.

No HTTP here: the admin views, the data generator and the tests call these
functions. Each one runs in a single transaction, changes status only
through ``services.change_status`` (which records the StatusChange the
registrant sees and lets the outbox queue a message), and writes a Wagtail
log entry so the action shows in the work's history with who, when and what.
"""

import datetime

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.images import prepare_photo

from .. import aftercare, services
from ..field import checklists
from ..models import (
    ChecklistAnswer,
    EnforcementReferral,
    Hazard,
    Inspection,
    InspectionResult,
    OpenedVia,
    Registration,
)
from ..models import Status as S

# The Wagtail log action types of this module: name -> label in the history.
LOG_ACTIONS = {
    "registration.accept": _("Accept registration"),
    "registration.return": _("Return for correction"),
    "registration.inspect": _("Record inspection"),
    "registration.rectify": _("Record hazard rectification"),
    "registration.refer": _("Refer to enforcement"),
    "registration.case_outcome": _("Record enforcement case outcome"),
    "registration.stop": _("Stop work"),
    "registration.release": _("Release stopped work"),
    "registration.write_off": _("Write off completed work"),
    "registration.completion_declined": _("Completion write-off not confirmed"),
    "registration.found_unregistered": _("Found unregistered"),
}

# Works an inspector can still visit, refer or stop: registered and not yet closed.
ACTIVE = {S.UNDER_WAY, S.STOPPED}
# Registrations waiting for the street's review (accept or return).
REVIEWABLE = {S.SUBMITTED}

# How far a clock on a phone may run ahead of the server's before a recorded
# inspection time counts as "in the future".
CLOCK_SLACK = datetime.timedelta(minutes=10)


class ActionRefused(services.TransitionError):
    """A back-office action the rules refuse. A TransitionError, so callers
    catch one exception for every refusal, lifecycle or otherwise."""


def _actor_label(registration):
    """What the registrant sees as the actor: the street office, not a staff member's name."""
    return registration.street.name


def _require(value, message):
    value = (value or "").strip()
    if not value:
        raise ActionRefused(message)
    return value


def _require_active(registration, message):
    if registration.status not in ACTIVE:
        raise ActionRefused(message)


def _lock(registration):
    """The registration row, locked until the transaction ends, so two
    officers acting at once see each other's change."""
    return Registration.objects.select_for_update().select_related("street").get(pk=registration.pk)


def _transition(registration, to_status, action, by, reason="", *, allowed_from=None, refusal="", **log_data):
    """Change a work's status as one logged back-office action, the row locked.
    ``allowed_from`` narrows the lifecycle's own rules for this action."""
    with transaction.atomic():
        work = _lock(registration)
        if allowed_from is not None and work.status not in allowed_from:
            raise ActionRefused(refusal)
        services.change_status(work, to_status, by=by, actor_label=_actor_label(work), reason=reason)
        if reason:
            log_data["reason"] = reason
        services.log_action(work, action, by, status=to_status, **log_data)
    registration.status = work.status
    return work


# Review (受理)


def accept(registration, by):
    """Accept a submitted registration: the work is registered and under way."""
    return _transition(registration, S.UNDER_WAY, "accept", by)


def return_for_correction(registration, by, reason):
    """Send a submitted registration back; the registrant reads the reason in the status lookup."""
    reason = _require(reason, gettext("Give the reason for returning it; the registrant will see it."))
    return _transition(registration, S.RETURNED, "return", by, reason)


# Daily inspection (日常巡查) and hazards


def _save_photo(field, upload):
    """Store an already checked upload in the private storage (the name is
    random), re-encoded without metadata; returns the EXIF position it had."""
    photo = prepare_photo(upload)
    field.save(photo.content.name, photo.content, save=False)
    return photo.latitude, photo.longitude


def record_inspection(
    registration,
    inspector,
    inspected_at,
    result,
    notes="",
    hazards=(),
    *,
    answers=(),
    opened_via=OpenedVia.DESK,
    device_time=None,
    position=None,
):
    """Record an inspection with its hazards and checklist answers; a
    stop-work order stops the work.

    ``hazards``: dicts with category, description, photo (a checked upload
    or None) and deadline. ``answers``: the checklist's answers (dicts with
    item, answer, and note, deadline and photo for a “not compliant” one);
    each “not compliant” answer becomes a hazard too. ``position``: latitude,
    longitude and accuracy in metres from the phone, or None. The checks all
    run before anything is written, so a refusal leaves no inspection,
    hazard or file behind.
    """
    answers = list(answers)
    hazards = list(hazards) + checklists.hazards_from_answers(answers)
    notes = (notes or "").strip()
    today = timezone.localdate()
    if result not in InspectionResult.values:
        raise ActionRefused(gettext("Choose the result of the inspection."))
    if inspected_at > timezone.now() + CLOCK_SLACK:
        raise ActionRefused(gettext("The inspection time cannot be in the future."))
    if result == InspectionResult.HAZARDS and not hazards:
        raise ActionRefused(gettext("Describe at least one hazard, or choose “No hazard found”."))
    if result == InspectionResult.NO_HAZARD and hazards:
        raise ActionRefused(gettext("The result is “No hazard found”, but hazards are listed."))
    if result == InspectionResult.STOP_WORK and not (notes or hazards):
        raise ActionRefused(gettext("Say why work must stop: describe the hazards or write notes."))
    for hazard in hazards:
        if not (hazard.get("description") or "").strip():
            raise ActionRefused(gettext("Describe every hazard."))
        if hazard["deadline"] < today:
            raise ActionRefused(gettext("The deadline for rectification cannot be in the past."))
    latitude, longitude, accuracy = position or (None, None, None)

    with transaction.atomic():
        work = _lock(registration)
        _require_active(work, gettext("Only a work under way or stopped can be inspected."))
        inspection = Inspection.objects.create(
            registration=work,
            inspector=inspector,
            inspected_at=inspected_at,
            result=result,
            notes=notes,
            opened_via=opened_via,
            device_time=device_time,
            latitude=latitude,
            longitude=longitude,
            position_accuracy_m=accuracy,
        )
        hazard_of_answer = {}
        for item in hazards:
            hazard = Hazard(
                inspection=inspection,
                registration=work,
                category=item["category"],
                description=item["description"].strip(),
                deadline=item["deadline"],
            )
            if item.get("photo"):
                hazard.photo_latitude, hazard.photo_longitude = _save_photo(hazard.photo, item["photo"])
            hazard.save()
            if "answer" in item:
                hazard_of_answer[id(item["answer"])] = hazard
        ChecklistAnswer.objects.bulk_create(
            ChecklistAnswer(
                inspection=inspection,
                item=answer["item"],
                checklist_name=answer["item"].checklist.name,
                item_text=answer["item"].text,
                answer=answer["answer"],
                hazard=hazard_of_answer.get(id(answer)),
            )
            for answer in answers
        )
        if result == InspectionResult.STOP_WORK and work.status == S.UNDER_WAY:
            reason = notes or "；".join(item["description"].strip() for item in hazards)
            services.change_status(work, S.STOPPED, by=inspector, actor_label=_actor_label(work), reason=reason)
        services.log_action(
            work,
            "inspect",
            inspector,
            inspection=inspection.pk,
            result=result,
            notes=notes,
            inspected_at=inspected_at.isoformat(),
            hazards=len(hazards),
            checklist_items=len(answers),
            opened_via=opened_via,
            located=latitude is not None,
            status=work.status,
        )
    registration.status = work.status
    return inspection


def rectify_hazard(hazard, by, rectified_on, photo=None):
    """Record that a hazard was put right, verified on site by ``by``."""
    if rectified_on > timezone.localdate():
        raise ActionRefused(gettext("The rectification date cannot be in the future."))
    with transaction.atomic():
        hazard = Hazard.objects.select_for_update().select_related("inspection").get(pk=hazard.pk)
        if hazard.closed_by_write_off:
            raise ActionRefused(gettext("This hazard was closed when the work was written off."))
        if not hazard.is_open:
            raise ActionRefused(gettext("This hazard has already been rectified."))
        if rectified_on < timezone.localdate(hazard.inspection.inspected_at):
            raise ActionRefused(gettext("The rectification date cannot be before the inspection."))
        hazard.rectified_on = rectified_on
        hazard.verified_by = by
        if photo:
            _save_photo(hazard.rectification_photo, photo)
        hazard.save()
        work = _lock(hazard.registration)
        services.log_action(
            work, "rectify", by, hazard=hazard.pk, category=hazard.category, rectified_on=rectified_on.isoformat()
        )
    return hazard


def open_hazards(registration):
    return Hazard.objects.open().filter(registration=registration)


def overdue_hazards(queryset_or_registration, today=None):
    """Open hazards past their deadline, of one registration or of a queryset of them."""
    if isinstance(queryset_or_registration, QuerySet):
        hazards = Hazard.objects.filter(registration__in=queryset_or_registration.values("pk"))
    else:
        hazards = Hazard.objects.filter(registration=queryset_or_registration)
    return hazards.overdue(today)


def _hazard_count(condition):
    counted = (
        Hazard.objects.open()
        .filter(condition, registration=OuterRef("pk"))
        .order_by()
        .values("registration")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def annotate_hazard_counts(queryset, today=None):
    """Add ``open_hazard_count`` and ``overdue_hazard_count`` to each registration.

    Correlated subqueries rather than a JOIN with GROUP BY: the list stays one
    query, and its other annotations and filters are not multiplied by hazards.
    """
    today = today or timezone.localdate()
    return queryset.annotate(
        open_hazard_count=_hazard_count(Q()),
        overdue_hazard_count=_hazard_count(Q(deadline__lt=today)),
    )


# Enforcement (执法处置)


def refer_to_enforcement(registration, by, department, reason):
    department = _require(department, gettext("Name the enforcement department."))
    reason = _require(reason, gettext("Give the reason for the referral."))
    with transaction.atomic():
        work = _lock(registration)
        _require_active(work, gettext("Only a work under way or stopped can be referred."))
        referral = EnforcementReferral.objects.create(
            registration=work, referred_by=by, department=department, reason=reason
        )
        services.log_action(work, "refer", by, referral=referral.pk, department=department, reason=reason)
    return referral


def record_case_outcome(referral, by, case_number, outcome="", closed=False):
    """Record the enforcement department's case number and outcome; closing the case is final."""
    case_number = _require(case_number, gettext("Enter the case number."))
    outcome = (outcome or "").strip()
    if closed and not outcome:
        raise ActionRefused(gettext("Describe the outcome before closing the case."))
    with transaction.atomic():
        referral = EnforcementReferral.objects.select_for_update().get(pk=referral.pk)
        if referral.closed_at:
            raise ActionRefused(gettext("This case is closed."))
        referral.case_number = case_number
        referral.outcome = outcome
        if closed:
            referral.closed_at = timezone.now()
        referral.save(update_fields=["case_number", "outcome", "closed_at"])
        work = _lock(referral.registration)
        services.log_action(
            work,
            "case_outcome",
            by,
            referral=referral.pk,
            case_number=case_number,
            outcome=outcome,
            closed=bool(closed),
        )
    return referral


def stop_work(registration, by, reason):
    """Order a work stopped for rectification (停工整改)."""
    reason = _require(reason, gettext("Give the reason for stopping the work; the registrant will see it."))
    return _transition(registration, S.STOPPED, "stop", by, reason)


def release(registration, by, reason):
    """Let a stopped work resume once it has been put right."""
    reason = _require(reason, gettext("Say why the work may resume."))
    return _transition(
        registration,
        S.UNDER_WAY,
        "release",
        by,
        reason,
        allowed_from={S.STOPPED},
        refusal=gettext("Only a stopped work can be released."),
    )


# Completion write-off (完工核销)


def write_off(registration, by, override_reason=""):
    """Close a finished work. Refused while hazards are open, unless the
    officer or inspector gives a reason to override. Then the reason is the
    status change's reason (shown in the status table, the history and the
    ledger), and the hazards left open are closed by the write-off: no longer
    open or overdue, but still told apart from rectified ones."""
    override_reason = (override_reason or "").strip()
    with transaction.atomic():
        work = _lock(registration)
        still_open = list(open_hazards(work).values_list("pk", flat=True))
        if still_open and not override_reason:
            raise ActionRefused(
                gettext(
                    "%(count)d hazard(s) are still open. Record their rectification first, or give a reason "
                    "to write the work off anyway."
                )
                % {"count": len(still_open)}
            )
        reason = override_reason if still_open else ""
        services.change_status(work, S.COMPLETED, by=by, actor_label=_actor_label(work), reason=reason)
        data = {"status": S.COMPLETED}
        if still_open:
            Hazard.objects.filter(pk__in=still_open).update(written_off_on=timezone.localdate())
            data.update(override_reason=override_reason, open_hazards=still_open)
        if aftercare.confirm_pending_request(work, by):
            data["requested"] = True
        services.log_action(work, "write_off", by, **data)
    registration.status = work.status
    return work
