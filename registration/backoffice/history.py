"""How each action on a work reads in its history (办理记录).

Every action is a Wagtail log entry (services.log_action);
its label says what was done, and its comment says why: the return or
release reason, the write-off override reason, the referral's department
and reason, the case outcome, an inspection's result. The history view
(backoffice_list.RegistrationHistoryView) shows both.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogFormatter

from ..models import HazardCategory, InspectionResult, Satisfaction

# Actions on a work that are not back-office decisions (backoffice.LOG_ACTIONS has those).
JOURNEY_ACTIONS = {
    "registration.submit": _("Registration submitted"),
    "registration.resubmit": _("Corrected and resubmitted"),
    "registration.delete": _("Registration deleted"),
    "registration.completion_request": _("Completion write-off requested"),
    "registration.rated": _("Service rated"),
}


def _label(choices, value):
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


def _join(*parts):
    return "；".join(str(part) for part in parts if part)


def _reason(data):
    return data.get("reason", "")


def _write_off(data):
    left_open = data.get("open_hazards") or []
    if not left_open:
        return ""
    return _join(
        gettext("Written off with %(count)d hazard(s) still open") % {"count": len(left_open)},
        gettext("Reason: %(reason)s") % {"reason": data.get("override_reason", "")},
    )


def _referral(data):
    return _join(
        gettext("Department: %(department)s") % {"department": data.get("department", "")},
        gettext("Reason: %(reason)s") % {"reason": data.get("reason", "")},
    )


def _case_outcome(data):
    return _join(
        gettext("Case number: %(number)s") % {"number": data.get("case_number", "")},
        data.get("outcome") and gettext("Outcome: %(outcome)s") % {"outcome": data["outcome"]},
        gettext("Case closed") if data.get("closed") else "",
    )


def _inspection(data):
    return _join(
        _label(InspectionResult, data.get("result")),
        data.get("hazards") and gettext("%(count)d hazard(s) recorded") % {"count": data["hazards"]},
        data.get("notes") and gettext("Notes: %(notes)s") % {"notes": data["notes"]},
    )


def _rectification(data):
    return _join(
        _label(HazardCategory, data.get("category")),
        data.get("rectified_on") and gettext("Rectified on %(date)s") % {"date": data["rectified_on"]},
    )


def _completion_request(data):
    return data.get("finished_on") and gettext("Finished on %(date)s") % {"date": data["finished_on"]}


def _rating(data):
    return _label(Satisfaction, data.get("level"))


def _submission(data):
    return gettext("Entered by staff from a paper form") if data.get("paper") else ""


COMMENTS = {
    "registration.return": _reason,
    "registration.stop": _reason,
    "registration.release": _reason,
    "registration.delete": _reason,
    "registration.write_off": _write_off,
    "registration.refer": _referral,
    "registration.case_outcome": _case_outcome,
    "registration.inspect": _inspection,
    "registration.rectify": _rectification,
    "registration.submit": _submission,
    "registration.completion_request": _completion_request,
    "registration.completion_declined": _reason,
    "registration.found_unregistered": _reason,
    "report.close": lambda data: data.get("outcome", ""),
    "report.link": lambda data: data.get("outcome", ""),
    "report.found_unregistered": lambda data: data.get("outcome", ""),
    "registration.rated": _rating,
}


class WorkActionFormatter(LogFormatter):
    """A registered action's label as its message; its data as the comment."""

    action = ""

    def format_comment(self, log_entry):
        explain = COMMENTS.get(self.action)
        return explain(log_entry.data or {}) if explain else ""


def register_work_actions(actions, labels):
    """Register each action (name -> label) with Wagtail's log registry."""
    for action, label in labels.items():
        formatter = type(
            "WorkActionFormatter", (WorkActionFormatter,), {"action": action, "label": label, "message": label}
        )
        actions.register_action(action)(formatter)
