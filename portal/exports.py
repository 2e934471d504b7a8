"""Spreadsheet exports that read well in Chinese offices.

Wagtail's SpreadsheetExportMixin writes times in UTC and a CSV that Excel
opens in a legacy code page. ``LocalSpreadsheetExportMixin`` fixes both for
any Wagtail IndexView: times are written as the wall-clock time in Xiamen,
and the CSV starts with a UTF-8 byte order mark.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.utils import timezone
from wagtail.admin.views.mixins import SpreadsheetExportMixin

LOCAL_TZ = zoneinfo.ZoneInfo(settings.TIME_ZONE)
BOM = "\ufeff"


def local_text(value):
    """A time as text in Xiamen's wall-clock time, e.g. 2026-03-01 09:30."""
    return timezone.localtime(value, LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


def local_naive(value):
    """Spreadsheets have no time zones: write the wall-clock time in Xiamen."""
    return timezone.make_naive(value, LOCAL_TZ) if timezone.is_aware(value) else value


def with_bom(chunks):
    """Prefix a stream of encoded CSV chunks with the UTF-8 byte order mark:
    without it Excel reads the Chinese text as a legacy code page."""
    yield BOM.encode("utf-8")
    for chunk in chunks:
        yield chunk.encode("utf-8") if isinstance(chunk, str) else chunk


class LocalSpreadsheetExportMixin:
    """Put before Wagtail's IndexView (or any SpreadsheetExportMixin view)."""

    custom_value_preprocess = {
        **SpreadsheetExportMixin.custom_value_preprocess,
        datetime.datetime: {"csv": local_text, "xlsx": local_naive},
    }

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response.streaming_content = with_bom(response.streaming_content)
        response["Content-Type"] = "text/csv; charset=utf-8"
        return response
