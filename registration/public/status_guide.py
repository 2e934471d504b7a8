"""How each status is shown to the public: its badge colour, and what the
registrant should do next. Kept here, not in templates, so the verification
page, the status lookup and the receipt can share it and tests can check it."""

from django.utils.translation import gettext_lazy as _

from ..models import Status

# Bootstrap's text-bg-* pairs keep a contrast of at least 4.5:1. The label
# is always printed inside the badge: colour is never the only cue.
BADGE_CLASSES = {
    Status.SUBMITTED: "text-bg-info",
    Status.RETURNED: "text-bg-warning",
    Status.UNDER_WAY: "text-bg-success",
    Status.STOPPED: "text-bg-danger",
    Status.COMPLETED: "text-bg-secondary",
    Status.WITHDRAWN: "text-bg-dark",
    Status.FOUND_UNREGISTERED: "text-bg-warning",
}

# No longer active: a passer-by must not take the receipt on site as cover for work going on.
ENDED = {Status.COMPLETED, Status.WITHDRAWN}

NEXT_STEPS = {
    Status.SUBMITTED: _(
        "The street office will review the registration, usually within 3 working days. "
        "You do not need to do anything now; check this page again later."
    ),
    Status.RETURNED: _(
        "The street office returned the registration for correction. Correct what the reason asks for "
        "and submit the registration again."
    ),
    Status.UNDER_WAY: _(
        "Post the registration receipt at the site where it can be seen, and cooperate with the safety "
        "inspectors' visits. When the work is finished, apply to the street office for completion write-off (完工核销)."
    ),
    Status.STOPPED: _(
        "Work must stop until the safety hazards are put right. Rectify the hazards given in the reason, "
        "then contact the street office to have the work checked before it continues."
    ),
    Status.COMPLETED: _("The work has been completed and written off. Nothing more needs to be done."),
    Status.WITHDRAWN: _(
        "This registration has been withdrawn. If the work is still going ahead, register it again before it starts."
    ),
    Status.FOUND_UNREGISTERED: _(
        "The street office found this work going on without a registration. Complete the registration now: "
        "give the missing details of the owner, the contractor and the work, and accept the safety commitment."
    ),
}

ENDED_NOTICES = {
    Status.COMPLETED: _("This work has been completed and written off. It is no longer active."),
    Status.WITHDRAWN: _("This registration has been withdrawn. It no longer covers any work on site."),
}


# What a passer-by reading the receipt or its verification page may rely on:
# only an accepted work is under safety management.
STANDING = {
    Status.SUBMITTED: (
        "alert-info",
        _("Registered, awaiting acceptance by the street office."),
    ),
    Status.RETURNED: (
        "alert-warning",
        _(
            "Returned to the registrant for correction and not accepted: this receipt does not show a valid registration."
        ),
    ),
    Status.UNDER_WAY: (
        "alert-success",
        _("Accepted by the street office: this work is under safety management in Huli district."),
    ),
    Status.STOPPED: (
        "alert-danger",
        _("The street office has ordered this work to stop until its hazards are put right."),
    ),
    Status.COMPLETED: ("alert-secondary", ENDED_NOTICES[Status.COMPLETED]),
    Status.WITHDRAWN: ("alert-secondary", ENDED_NOTICES[Status.WITHDRAWN]),
    Status.FOUND_UNREGISTERED: (
        "alert-warning",
        _("Found going on without a registration: this work is not registered yet."),
    ),
}
# A receipt printed in these statuses would mislead: it is shown, marked void, but not offered for printing.
RECEIPT_VOID = {Status.RETURNED, Status.WITHDRAWN, Status.FOUND_UNREGISTERED}


def status_context(status):
    """Template variables describing a status."""
    standing_class, standing = STANDING[status]
    return {
        "standing": standing,
        "standing_class": standing_class,
        "receipt_void": status in RECEIPT_VOID,
        "status_label": Status(status).label,
        "badge_class": BADGE_CLASSES[status],
        "is_ended": status in ENDED,
        "ended_notice": ENDED_NOTICES.get(status, ""),
        "next_steps": NEXT_STEPS[status],
    }
