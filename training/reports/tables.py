"""The reports as tables: one description of the columns and cells serves
the admin page and its XLSX export, so the two can never differ.

A cell holds a value (text, number or aware datetime) and optionally a
link; the page shows datetimes as Xiamen wall-clock text, the spreadsheet
writes them as Xiamen wall-clock times (portal.exports).
"""

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext

from portal.exports import local_text


@dataclass(frozen=True)
class Cell:
    value: object
    url: str = ""

    @property
    def text(self):
        if self.value is None or self.value == "":
            return "-"
        if isinstance(self.value, datetime.datetime):
            return local_text(self.value)
        return str(self.value)

    @property
    def is_number(self):
        return isinstance(self.value, int) and not isinstance(self.value, bool)


@dataclass
class Table:
    caption: str
    headings: list
    rows: list = field(default_factory=list)  # lists of Cell; the first cell heads its row
    total: list | None = None  # the totals row, if any

    @property
    def columns(self):
        """(heading, is_number) per column, to align the numbers' headings."""
        sample = self.total or (self.rows[0] if self.rows else [])
        numbers = [index for index, cell in enumerate(sample) if cell.is_number]
        return [(heading, index in numbers) for index, heading in enumerate(self.headings)]


def history_url(trainee_id):
    return reverse("training_reports:trainee_history", args=[trainee_id])


def session_url(session):
    return reverse("training_sessions:inspect", args=[session.pk])


def person_times_table(result, caption):
    def cells(row):
        return [Cell(row.label), Cell(row.person_times), Cell(row.people)]

    return Table(
        caption=caption,
        headings=[result.group_label, gettext("Person-times"), gettext("People")],
        rows=[cells(row) for row in result.rows],
        total=cells(result.total),
    )


def _marker(record):
    if record.marked_by:
        return record.marked_by.get_full_name() or record.marked_by.get_username()
    return record.get_source_display()


def session_headings():
    """The columns that say which session, first in the history and absentee tables."""
    return [gettext("Starts at"), gettext("Session"), gettext("Topic")]


def session_cells(session):
    return [Cell(session.starts_at), Cell(session.title, session_url(session)), Cell(session.topic.name)]


def history_table(history, caption):
    return Table(
        caption=caption,
        headings=[
            *session_headings(),
            gettext("Session status"),
            gettext("Attendance"),
            gettext("Remarks"),
            gettext("Marked by"),
            gettext("Marked at"),
        ],
        rows=[
            [
                *session_cells(record.session),
                Cell(record.session.get_status_display()),
                Cell(record.get_status_display()),
                Cell(record.remarks),
                Cell(_marker(record)),
                Cell(record.marked_at),
            ]
            for record in history.records
        ],
    )


def trainee_headings():
    """The columns that say who someone is, shared by the absentee and compliance tables."""
    return [
        gettext("Name"),
        gettext("Role"),
        gettext("Street"),
        gettext("Community"),
        gettext("Organisation"),
        gettext("Mobile number"),
    ]


def absentee_table(result, caption):
    return Table(
        caption=caption,
        headings=[
            *session_headings(),
            *trainee_headings(),
            gettext("Attendance"),
            gettext("Remarks"),
        ],
        rows=[
            [
                *session_cells(row.session),
                Cell(row.name, history_url(row.trainee_id)),
                Cell(row.role_label),
                Cell(row.street),
                Cell(row.community),
                Cell(row.organisation),
                Cell(row.mobile),
                Cell(row.status_label),
                Cell(row.remarks),
            ]
            for row in result.rows
        ],
    )


def compliance_table(result, caption):
    return Table(
        caption=caption,
        headings=[*trainee_headings(), gettext("Sessions attended")],
        rows=[
            [
                Cell(trainee.name, history_url(trainee.pk)),
                Cell(trainee.get_role_display()),
                Cell(trainee.street.name),
                Cell(trainee.community.name if trainee.community else ""),
                Cell(trainee.organisation),
                Cell(trainee.mobile),
                Cell(trainee.attended),
            ]
            for trainee in result.rows
        ],
    )
