"""Spreadsheet exports that read well in Chinese offices.

Wagtail's SpreadsheetExportMixin writes times in UTC, True/False, and a CSV
that Excel opens in a legacy code page. ``LocalSpreadsheetExportMixin``
fixes that for any Wagtail IndexView: times are the wall-clock time in
Xiamen, booleans are 是/否, the CSV starts with a UTF-8 byte order mark, and
the XLSX has a named sheet with a frozen header row. Text that a
spreadsheet would run as a formula (OWASP "CSV injection": =, +, -, @, tab,
carriage return first) is written as text: every export of every app goes
through ``neutralise_formula`` or ``text_cell``.
"""

import csv
import datetime
import tempfile

from django.http import FileResponse
from django.utils import timezone
from django.utils.encoding import force_str
from wagtail.admin.views.mixins import Echo, SpreadsheetExportMixin

from .display import LOCAL_TZ, display_value, local_text

__all__ = [
    "BOM",
    "LOCAL_TZ",
    "LocalSpreadsheetExportMixin",
    "local_naive",
    "local_text",
    "keep_as_text",
    "neutralise_formula",
    "sheet_title",
    "text_cell",
    "with_bom",
]

BOM = "\ufeff"
# Excel refuses these characters in sheet titles, and more than 31 of any.
_BAD_TITLE = str.maketrans({char: " " for char in "[]:*?/\\"})
# Rows fetched (and their prefetches run) at a time by an export: memory stays
# flat however long the list, at one query per chunk.
EXPORT_CHUNK = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """Text that starts like a formula gets a leading apostrophe, which
    spreadsheets show as text and never evaluate; anything else is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def keep_as_text(cell):
    """openpyxl takes any string starting with "=" for a formula: make it text again."""
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def text_cell(worksheet, value):
    """An openpyxl write-only cell whose text is never taken for a formula."""
    from openpyxl.cell import WriteOnlyCell

    return keep_as_text(WriteOnlyCell(worksheet, value))


def sheet_title(text):
    return force_str(text).translate(_BAD_TITLE)[:31].strip() or "Sheet1"


def local_naive(value):
    """Spreadsheets have no time zones: write the wall-clock time in Xiamen."""
    return timezone.make_naive(value, LOCAL_TZ) if timezone.is_aware(value) else value


def yes_no(value):
    return force_str(display_value(value))


def with_bom(chunks):
    """Prefix a stream of encoded CSV chunks with the UTF-8 byte order mark:
    without it Excel reads the Chinese text as a legacy code page."""
    yield BOM.encode("utf-8")
    for chunk in chunks:
        yield chunk.encode("utf-8") if isinstance(chunk, str) else chunk


class LocalSpreadsheetExportMixin:
    """Put before Wagtail's IndexView (or any SpreadsheetExportMixin view).

    ``export_sheet_title`` names the XLSX sheet (Excel allows 31 characters);
    ``export_column_widths`` optionally maps a list_export field to a width.
    """

    export_sheet_title = None
    export_column_widths = {}

    custom_value_preprocess = {
        **SpreadsheetExportMixin.custom_value_preprocess,
        datetime.datetime: {"csv": local_text, "xlsx": local_naive},
        bool: {"csv": yes_no, "xlsx": yes_no},
    }

    def get(self, request, *args, **kwargs):
        """An export skips the listing's page: Wagtail would build its table
        and count it with len(), loading every row into memory first."""
        if getattr(self, "is_export", False):
            self.object_list = self.get_queryset()
            return self.as_spreadsheet(self.object_list, request.GET.get("export"))
        return super().get(request, *args, **kwargs)

    def export_rows(self, queryset):
        """The rows, fetched a chunk at a time (a server-side cursor on
        PostgreSQL) rather than all at once into the queryset's cache."""
        if hasattr(queryset, "iterator"):
            return queryset.iterator(chunk_size=EXPORT_CHUNK)
        return iter(queryset)

    def stream_csv(self, queryset):
        writer = csv.DictWriter(Echo(), fieldnames=self.list_export)
        yield writer.writerow({field: self.get_heading(queryset, field) for field in self.list_export})
        for item in self.export_rows(queryset):
            yield self.write_csv_row(writer, self.to_row_dict(item))

    def write_xlsx_response(self, queryset):
        """Written to a temporary file, then streamed from it: Wagtail's
        in-memory buffer would hold the whole workbook."""
        output = tempfile.TemporaryFile()
        self.write_xlsx(queryset, output)
        output.seek(0)
        return FileResponse(output, as_attachment=True, content_type=XLSX_TYPE, filename=f"{self.get_filename()}.xlsx")

    def get_export_sheet_title(self):
        return sheet_title(self.export_sheet_title or getattr(self.model._meta, "verbose_name_plural", ""))

    def write_xlsx(self, queryset, output):
        from openpyxl import Workbook
        from openpyxl.utils import get_column_letter
        from wagtail.admin.views.mixins import ExcelDateFormatter

        workbook = Workbook(write_only=True, iso_dates=True)
        worksheet = workbook.create_sheet(title=self.get_export_sheet_title())
        worksheet.freeze_panes = "A2"
        for index, field in enumerate(self.list_export, start=1):
            width = self.export_column_widths.get(field)
            if width:
                worksheet.column_dimensions[get_column_letter(index)].width = width
        worksheet.append(self.get_heading(queryset, field) for field in self.list_export)
        date_format = ExcelDateFormatter().get()
        for item in self.export_rows(queryset):
            worksheet.append(self.generate_xlsx_row(worksheet, self.to_row_dict(item), date_format=date_format))
        workbook.save(output)

    def as_spreadsheet(self, queryset, spreadsheet_format):
        """Every export is written to the audit trail: who, what, which filters, how many rows."""
        from .audit import record_export

        record_export(self.request, self.get_export_sheet_title(), queryset.count())
        return super().as_spreadsheet(queryset, spreadsheet_format)

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: neutralise_formula(self.preprocess_field_value(field, value, self.FORMAT_CSV))
                for field, value in row_dict.items()
            }
        )

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response.streaming_content = with_bom(response.streaming_content)
        response["Content-Type"] = "text/csv; charset=utf-8"
        return response
