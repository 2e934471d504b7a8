"""The rules of reports: submitting one, the ways the street office decides
it, and what the reporter may see afterwards.

Every decision locks the report, so two officers deciding at once give one
decision; each is logged in Wagtail's log with who, when and what.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from portal.images import prepare_photo
from portal.models import PortalSettings
from portal.uploads import save_all_or_nothing
from portal.validators import normalise_mobile

from .. import services
from ..backoffice.actions import ActionRefused
from ..backoffice.permissions import scope_registrations
from ..models import Registration, Report, ReportPhoto, ReportSource, ReportStatus

# The Wagtail log action types of reports: name -> label in the history.
LOG_ACTIONS = {
    "report.submit": _("Report received"),
    "report.send_inspector": _("Inspector sent"),
    "report.link": _("Linked to a registration"),
    "report.found_unregistered": _("Found-unregistered record opened"),
    "report.close": _("Report closed"),
}
MAX_PHOTOS = 3
REFERENCE_SUFFIX = "JB"  # 举报: HLJB-2026-000001


def reference_prefix():
    return PortalSettings.load().reference_prefix + REFERENCE_SUFFIX


def submit_report(data, photos=(), *, reported_by=None):
    """Save a checked report with its photos (re-encoded, EXIF position kept
    in the record) in one transaction; a failed file write leaves nothing."""
    prepared = [prepare_photo(upload) for upload in photos]
    storage = ReportPhoto._meta.get_field("file").storage
    with transaction.atomic():
        report = Report(
            source=ReportSource.GRID_WORKER if reported_by else ReportSource.PUBLIC,
            reported_by=reported_by,
            subject=data["subject"],
            street=data["street"],
            community=data["community"],
            address=data["address"].strip(),
            description=data["description"].strip(),
            reporter_name=(data.get("reporter_name") or "").strip(),
            reporter_mobile=normalise_mobile(data.get("reporter_mobile") or ""),
        )
        report.reference = services.allocate_reference(prefix=reference_prefix())
        report.save()
        rows = [ReportPhoto(report=report, latitude=photo.latitude, longitude=photo.longitude) for photo in prepared]
        names = save_all_or_nothing(
            storage,
            [(row.file.field.generate_filename(row, "photo.jpg"), photo.content) for row, photo in zip(rows, prepared)],
        )
        for row, name in zip(rows, names):
            row.file.name = name
        ReportPhoto.objects.bulk_create(rows)
        log(instance=report, action="report.submit", user=reported_by, data={"photos": len(rows)})
    return report


def _locked_open(report):
    locked = Report.objects.select_for_update().select_related("street", "community").get(pk=report.pk)
    if locked.is_decided:
        raise ActionRefused(
            gettext("This report has already been decided: “%(status)s”.") % {"status": locked.get_status_display()}
        )
    return locked


def _decide(report, by, status, action, *, final=True, **changes):
    """Record a decision on a report still open, the row locked; a final one
    (every decision but sending an inspector) ends the triage."""
    with transaction.atomic():
        locked = _locked_open(report)
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.status = status
        if final:
            locked.triaged_by, locked.triaged_at = by, timezone.now()
        locked.save()
        data = {name: getattr(value, "pk", value) for name, value in changes.items()}
        log(instance=locked, action=f"report.{action}", user=by, data={"status": status, **data})
    report.status = locked.status
    return locked


def find_registration(reference, user, street):
    """The registration with this reference in the report's street, if the user may see it."""
    reference = (reference or "").strip().upper()
    if not reference:
        return None
    return scope_registrations(Registration.objects.filter(reference=reference, street=street), user).first()


def link_to_registration(report, by, registration, outcome=""):
    """The reported work is registered already: the report goes with it."""
    if registration.street_id != report.street_id:
        raise ActionRefused(gettext("Choose a registration in the report's street."))
    outcome = (outcome or "").strip() or gettext(
        "The street office checked: the work is registered and under safety management."
    )
    return _decide(report, by, ReportStatus.LINKED, "link", registration=registration, outcome=outcome)


def open_found_unregistered(report, by, data, outcome=""):
    """The reported work is not registered: open a found-unregistered record
    (services.create_found_unregistered) that its owner must complete.
    ``data``: category, owner_name, owner_mobile, contractor_name,
    worker_count, description and optionally address."""
    outcome = (outcome or "").strip() or gettext(
        "The street office checked: the work was not registered. Its owner has been told to register it."
    )
    with transaction.atomic():
        locked = _locked_open(report)
        registration = services.create_found_unregistered(
            {
                **data,
                "street": locked.street,
                "community": locked.community,
                "address": (data.get("address") or "").strip() or locked.address,
            },
            by,
            actor_label=locked.street.name,
            reason=gettext("Found going on without a registration (report %(reference)s).")
            % {"reference": locked.reference},
        )
        _decide(
            locked,
            by,
            ReportStatus.FOUND_UNREGISTERED,
            "found_unregistered",
            registration=registration,
            outcome=outcome,
        )
    report.status = ReportStatus.FOUND_UNREGISTERED
    return registration


def send_inspector(report, by, inspector):
    """Ask an inspector of the street to check the site: the report stays
    open and shows on the inspector's round."""
    return _decide(report, by, ReportStatus.INSPECTOR_SENT, "send_inspector", final=False, assigned_inspector=inspector)


def close(report, by, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(gettext("Say why the report is closed; the reporter sees it."))
    return _decide(report, by, ReportStatus.CLOSED, "close", outcome=reason)


def find_for_lookup(reference, mobile):
    """The report with this reference whose reporter left this mobile, else None."""
    reference = (reference or "").strip().upper()
    mobile = normalise_mobile(mobile or "")
    if not reference or not mobile:
        return None
    return Report.objects.filter(reference=reference, reporter_mobile=mobile).first()
