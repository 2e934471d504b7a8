"""The training reports as tables (portal.tables): the admin page and its
XLSX export are made from the same table."""

from django.urls import reverse
from django.utils.translation import gettext

from portal.tables import Cell, Table


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
