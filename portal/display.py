"""Values as staff read them: 是/否 instead of True/False, "—" for nothing,
dates as 2027-01-02 and times in Beijing time, never relative ("3 天前") and
never UTC. The back-office pages, tables and exports of every app use these.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column

LOCAL_TZ = zoneinfo.ZoneInfo(settings.TIME_ZONE)
EMPTY = "—"


def local_text(value):
    """A time as text in Xiamen's wall-clock time, e.g. 2026-03-01 09:30."""
    return timezone.localtime(value, LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


def display_value(value):
    """One value as text for a page or a table cell."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return local_text(value) if timezone.is_aware(value) else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class ValueColumn(Column):
    """A listing column showing its value through display_value, with the
    column's label kept on the cell (``data-label``) so a narrow screen can
    show each row as a card. A cell is one format_html, not a template
    render: a page of 50 works has 550 of them."""

    def render_cell_html(self, instance, parent_context):
        classname = format_html(' class="{}"', self.classname) if self.classname else ""
        return format_html(
            '<td{} data-label="{}">{}</td>', classname, self.label, display_value(self.get_value(instance))
        )
