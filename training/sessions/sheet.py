"""The attendance sheet as data: its rows, and what a submitted sheet asks
to change.

Each row of the form carries, in hidden fields, the status and remarks it
showed when the page was loaded. A row counts as marked only when the
trainer changed it, so a save never overwrites, with stale values, a mark
another trainer made in the meantime; and saving the same page twice
changes nothing.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext

from ..models import Attendance, AttendanceStatus
from ..services import Mark, attendance_by_trainee, sheet_trainees

REMARKS_MAX = Attendance._meta.get_field("remarks").max_length


@dataclass
class SheetRow:
    trainee: object
    record: object  # the stored Attendance, or None
    status: str = ""  # shown in the form
    remarks: str = ""
    was_status: str = ""  # what the form showed when it was loaded
    was_remarks: str = ""
    errors: list = field(default_factory=list)

    @property
    def key(self):
        return str(self.trainee.pk)


@dataclass
class Submission:
    rows: list
    marks: dict  # trainee id -> Mark, only the rows the trainer changed
    errors: list  # messages about the sheet as a whole

    @property
    def ok(self):
        return not self.errors and not any(row.errors for row in self.rows)


def load_rows(session):
    """The sheet as stored: two queries whatever the size of the roster."""
    records = attendance_by_trainee(session)
    rows = []
    for trainee in sheet_trainees(session):
        record = records.get(trainee.pk)
        status, remarks = (record.status, record.remarks) if record else ("", "")
        rows.append(SheetRow(trainee, record, status, remarks, status, remarks))
    return rows


def read_submission(session, post, mark_all=False):
    """Compare a posted sheet with what it showed when loaded.

    ``mark_all`` sets every posted row to present (the no-script version of
    the "mark all present" button), without saving.
    """
    rows = load_rows(session)
    by_key = {row.key: row for row in rows}
    posted = post.getlist("trainee")
    errors = []
    if any(key not in by_key for key in posted):
        errors.append(gettext("Some people on the page are no longer on this sheet. Reload the sheet and mark again."))
    marks = {}
    for key in posted:
        row = by_key.get(key)
        if row is None:
            continue
        row.was_status = post.get(f"was-status-{key}", "")
        row.was_remarks = post.get(f"was-remarks-{key}", "")
        row.status = AttendanceStatus.PRESENT if mark_all else post.get(f"status-{key}", "")
        row.remarks = post.get(f"remarks-{key}", "").strip()
        if row.status and row.status not in AttendanceStatus.values:
            row.errors.append(gettext("Choose present, late, excused or absent."))
        if len(row.remarks) > REMARKS_MAX:
            row.errors.append(gettext("Remarks are limited to %(max)d characters.") % {"max": REMARKS_MAX})
        changed = (row.status, row.remarks) != (row.was_status, row.was_remarks)
        if changed and not row.status:
            row.errors.append(gettext("Choose a status to save the remarks."))
        if changed and not row.errors:
            marks[row.trainee.pk] = Mark(row.status, row.remarks)
    return Submission(rows, marks, errors)


def status_counts(rows):
    """(value, label, count) per status as saved, then the unmarked rows."""
    saved = [row.record.status for row in rows if row.record]
    items = [(value, label, saved.count(value)) for value, label in AttendanceStatus.choices]
    return items + [("unmarked", gettext("Not marked"), len(rows) - len(saved))]
