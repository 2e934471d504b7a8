"""Domain rules for registrations: reference numbers, creation, status changes
and who may see a registration in the public journey. Views stay thin and
call these functions; the back office uses the same ones."""

from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from portal.models import PortalSettings
from portal.uploads import safe_name, save_all_or_nothing
from portal.validators import normalise_mobile, normalise_resident_id, normalise_uscc

from .backoffice.notifications import queue_status_message
from .models import (
    ANSWER_FIELDS,
    Attachment,
    Origin,
    OwnerType,
    ReferenceCounter,
    RegistrantRole,
    Registration,
    StatusChange,
)
from .models import Status as S


class TransitionError(Exception):
    """A status change the lifecycle does not allow, or one missing its reason."""


# Which status may follow which. 退回补正 goes back to 待受理 when the
# registrant resubmits; 已核销 and 已撤销 are final.
TRANSITIONS = {
    S.SUBMITTED: {S.UNDER_WAY, S.RETURNED, S.WITHDRAWN},
    S.RETURNED: {S.SUBMITTED, S.WITHDRAWN},
    S.UNDER_WAY: {S.STOPPED, S.COMPLETED, S.WITHDRAWN},
    S.STOPPED: {S.UNDER_WAY, S.COMPLETED, S.WITHDRAWN},
    S.COMPLETED: set(),
    S.WITHDRAWN: set(),
    # Found on site or by a report: the owner completes the registration, or staff withdraw it.
    S.FOUND_UNREGISTERED: {S.SUBMITTED, S.WITHDRAWN},
}
REASON_REQUIRED = {S.RETURNED, S.STOPPED, S.WITHDRAWN, S.FOUND_UNREGISTERED}
# The registrant fills the form in again: after a return, or to complete a found-unregistered record.
CORRECTABLE = {S.RETURNED, S.FOUND_UNREGISTERED}

PUBLIC_ACTOR = _("Registrant")
SESSION_KEY = "registration_access"
MAX_SESSION_GRANTS = 20


def allocate_reference(prefix=None, year=None):
    """The next reference number, e.g. HL-2026-000123.

    One UPDATE … SET last_number = last_number + 1 per number: the row lock
    it takes serialises concurrent submissions on PostgreSQL, and SQLite
    serialises writers anyway, so no two registrations get the same number
    and a number is never handed out twice.
    """
    return allocate_references(1, prefix=prefix, year=year)[0]


def allocate_references(count, prefix=None, year=None):
    """``count`` consecutive reference numbers taken with one UPDATE (bulk
    loads such as the data generator use this; see allocate_reference)."""
    prefix = prefix or PortalSettings.load().reference_prefix
    year = year or timezone.localdate().year
    counter = ReferenceCounter.objects.filter(prefix=prefix, year=year)
    # Part of the caller's transaction if there is one (no savepoint: a
    # failure here fails the whole registration anyway), else its own.
    with transaction.atomic(savepoint=False):
        if not counter.update(last_number=F("last_number") + count):
            # The first number of this prefix and year.
            try:
                with transaction.atomic():
                    ReferenceCounter.objects.create(prefix=prefix, year=year)
            except IntegrityError:  # created by a concurrent request just now
                pass
            counter.update(last_number=F("last_number") + count)
        last = counter.values_list("last_number", flat=True).get()
    return [f"{prefix}-{year}-{number:06d}" for number in range(last - count + 1, last + 1)]


def registrant_mobile(data):
    """The mobile of whoever registered: it opens the status lookup."""
    role = data["registrant_role"]
    if role == RegistrantRole.PROPERTY_COMPANY:
        return data["property_company_mobile"]
    if role == RegistrantRole.CONTRACTOR:
        return data["site_manager_mobile"]
    return data["owner_mobile"]


MODEL_FIELDS = ANSWER_FIELDS


def _apply(registration, data):
    for name in MODEL_FIELDS:
        if name in data:
            setattr(registration, name, data[name])
    for name in ("owner_mobile", "site_manager_mobile", "property_company_mobile"):
        setattr(registration, name, normalise_mobile(getattr(registration, name)))
    for name in ("owner_uscc", "contractor_uscc"):
        setattr(registration, name, normalise_uscc(getattr(registration, name)))
    registration.contractor_id_number = normalise_resident_id(registration.contractor_id_number)
    registration.registrant_mobile = registrant_mobile(
        {
            name: getattr(registration, name)
            for name in ("registrant_role", "owner_mobile", "site_manager_mobile", "property_company_mobile")
        }
    )


def save_attachments(registration, files):
    """files: (kind, django File with .name, content_type, size) tuples, already checked.
    Returns the saved attachments. A failed write (disk full) removes every
    file written here and raises StorageUnavailable; the caller's transaction
    then rolls back the rows."""
    storage = Attachment._meta.get_field("file").storage
    attachments = [
        Attachment(
            registration=registration,
            kind=kind,
            original_name=safe_name(upload.name, upload.content_type),
            content_type=upload.content_type,
            size=upload.size,
        )
        for kind, upload in files
    ]
    names = save_all_or_nothing(
        storage,
        [
            (attachment.file.field.generate_filename(attachment, upload.name), upload)
            for attachment, (_kind, upload) in zip(attachments, files)
        ],
    )
    for attachment, name in zip(attachments, names):
        attachment.file.name = name
        attachment.save()
    return attachments


def open_registrations_like(address, owner_mobile, exclude=None):
    """Registrations not yet written off or withdrawn with the same address and
    owner mobile: probably the same work registered before. Only a warning."""
    queryset = Registration.objects.filter(
        address=(address or "").strip(), owner_mobile=normalise_mobile(owner_mobile or "")
    ).exclude(status__in=[S.COMPLETED, S.WITHDRAWN])
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude.pk)
    return queryset.only("submitted_at", "status").order_by("-submitted_at")[:3]


def registration_for_draft(draft_id):
    """The registration an online draft already became, if any."""
    if not draft_id:
        return None
    return Registration.objects.filter(draft_id=draft_id).first()


def create_registration(data, files=(), *, entered_by=None, actor_label=None, draft_id=None):
    """Save a checked registration with a new reference number, in one transaction.

    ``data`` is a form's cleaned_data; ``high_risk_operations`` in it is a
    queryset or list of HighRiskOperation. ``draft_id`` names the online
    draft: a draft already submitted (even by a request running at the same
    moment) returns the registration it became instead of a second one.
    """
    if existing := registration_for_draft(draft_id):
        return existing
    try:
        return _create(data, files, entered_by, actor_label, draft_id)
    except IntegrityError:
        # Another request saved this draft between the check and the insert.
        if existing := registration_for_draft(draft_id):
            return existing
        raise


def _create(data, files, entered_by, actor_label, draft_id):
    registration = Registration(entered_by=entered_by, commitment_accepted_at=timezone.now(), draft_id=draft_id or None)
    _apply(registration, data)
    # Checked before the transaction: inside it, each constraint's check would need a savepoint.
    registration.full_clean(exclude=["reference", "verify_token", "registrant_mobile", "draft_id"])
    with transaction.atomic():
        registration.reference = allocate_reference()
        registration.save()
        registration.high_risk_operations.set(data.get("high_risk_operations") or [])
        save_attachments(registration, files)
        change = StatusChange.objects.create(
            registration=registration,
            from_status="",
            to_status=S.SUBMITTED,
            changed_by=entered_by,
            actor_label=actor_label
            or (entered_by.get_full_name() or entered_by.username if entered_by else PUBLIC_ACTOR),
        )
        queue_status_message(registration, change)
        log_action(registration, "submit", entered_by, paper=bool(entered_by))
    return registration


def create_found_unregistered(data, by, actor_label, reason):
    """A work found going on unregistered (from a report or on site): a
    record with what staff saw, which counts in the ledger and the
    registration rate, and which its owner must complete through the status
    lookup. ``data``: category, street, community, address, owner_name,
    owner_mobile, contractor_name, worker_count, description."""
    today = timezone.localdate()
    with transaction.atomic():
        registration = Registration(
            status=S.FOUND_UNREGISTERED,
            origin=Origin.FOUND,
            kind=data["category"].kind,
            owner_type=OwnerType.INDIVIDUAL,
            owner_contact=data["owner_name"],
            registrant_role=RegistrantRole.OWNER,
            planned_start=today,
            planned_end=today,
            entered_by=by,
        )
        _apply(registration, {name: value for name, value in data.items() if name in MODEL_FIELDS})
        registration.reference = allocate_reference()
        registration.save()
        change = StatusChange.objects.create(
            registration=registration,
            from_status="",
            to_status=S.FOUND_UNREGISTERED,
            changed_by=by,
            actor_label=actor_label,
            reason=reason,
        )
        queue_status_message(registration, change)
        log_action(registration, "found_unregistered", by, reason=reason)
    return registration


def resubmit(registration, data, files=()):
    """The registrant corrects a registration returned for correction (退回补正)."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status not in CORRECTABLE:
            raise TransitionError(_("Only a registration returned for correction can be corrected."))
        _apply(registration, data)
        registration.commitment_accepted_at = timezone.now()
        registration.full_clean(exclude=["reference", "verify_token", "registrant_mobile"])
        registration.save()
        registration.high_risk_operations.set(data.get("high_risk_operations") or [])
        save_attachments(registration, files)
        change_status(registration, S.SUBMITTED, actor_label=PUBLIC_ACTOR, reason=_("Corrected and resubmitted"))
        log_action(registration, "resubmit")
    return registration


def log_action(registration, name, by=None, **data):
    """One entry in the work's history (Wagtail's log, read by
    backoffice/history.py): every action on a work, public or staff, is
    logged here as ``registration.<name>``."""
    log(instance=registration, action=f"registration.{name}", user=by, data=data)


def allowed_next(status):
    return TRANSITIONS.get(status, set())


def change_status(registration, to_status, *, by=None, actor_label="", reason=""):
    """Move a registration to another status and record who, when and why."""
    reason = (reason or "").strip()
    with transaction.atomic():
        current = Registration.objects.select_for_update().only("status").get(pk=registration.pk)
        if to_status not in allowed_next(current.status):
            raise TransitionError(
                _("A registration that is “%(from)s” cannot become “%(to)s”.")
                % {"from": S(current.status).label, "to": S(to_status).label}
            )
        if to_status in REASON_REQUIRED and not reason:
            raise TransitionError(_("Give a reason for this change; the registrant will see it."))
        Registration.objects.filter(pk=registration.pk).update(status=to_status, updated_at=timezone.now())
        change = StatusChange.objects.create(
            registration=registration,
            from_status=current.status,
            to_status=to_status,
            changed_by=by,
            actor_label=actor_label or (by.get_full_name() or by.username if by else PUBLIC_ACTOR),
            reason=reason,
        )
        queue_status_message(registration, change)
    registration.status = to_status
    return change


def find_for_lookup(reference, mobile):
    """The registration with this reference whose registrant's or owner's
    mobile matches (Registration.contact_mobiles), else None.

    Both mismatches give None, so a caller cannot tell which one was wrong.
    """
    reference = (reference or "").strip().upper()
    mobile = normalise_mobile(mobile)
    if not reference or not mobile:
        return None
    return (
        Registration.objects.filter(reference=reference)
        .filter(Q(registrant_mobile=mobile) | Q(owner_mobile=mobile))
        .first()
    )


def remember_access(request, registration):
    """Let this browser session see the registration (after submitting or a lookup)."""
    grants = [pk for pk in request.session.get(SESSION_KEY, []) if pk != registration.pk]
    grants.append(registration.pk)
    request.session[SESSION_KEY] = grants[-MAX_SESSION_GRANTS:]


def accessible_registration(request, reference, registrations=None):
    """The registration if this session may see it, else None. ``registrations``:
    a queryset of Registration to read it from, e.g. with the related rows a page shows."""
    grants = request.session.get(SESSION_KEY, [])
    if not grants:
        return None
    return (
        (registrations if registrations is not None else Registration.objects)
        .filter(pk__in=grants, reference=reference)
        .first()
    )


def registration_rate(works):
    """纳管率 of a queryset of works: the share registered by their owners
    before anyone found them, as (registered, found, percent or None).
    One query; withdrawn registrations do not count."""
    rows = works.order_by().values_list("status", "origin").annotate(n=models.Count("pk"))
    return registration_rate_of({(status, origin): n for status, origin, n in rows})


def registration_rate_of(counts):
    """registration_rate from counts of works by (status, origin), so that a
    page grouping its works by status anyway needs no query of its own."""
    registered = sum(n for (status, origin), n in counts.items() if origin == Origin.SELF and status != S.WITHDRAWN)
    found = sum(n for (status, origin), n in counts.items() if origin == Origin.FOUND and status != S.WITHDRAWN)
    total = registered + found
    return registered, found, (round(100 * registered / total, 1) if total else None)
