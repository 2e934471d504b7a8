"""Write a report table (portal.tables.Table) as an XLSX workbook, for every app.

The first sheet is the table exactly as the page shows it: the headings,
the rows and the totals row. The second sheet says what was asked (the
report, its filters, when it was made), so a file forwarded by e-mail
still explains itself. Times are Xiamen wall-clock times; text is never
taken for a formula (portal/exports.py).
"""

import datetime
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from .exports import keep_as_text, local_naive, sheet_title

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TIME_FORMAT = "yyyy-mm-dd hh:mm"


def _write_row(sheet, cells, bold=False):
    sheet.append(
        [local_naive(cell.value) if isinstance(cell.value, datetime.datetime) else cell.value for cell in cells]
    )
    for written, cell in zip(sheet[sheet.max_row], cells):
        keep_as_text(written)
        if isinstance(cell.value, datetime.datetime):
            written.number_format = TIME_FORMAT
        if bold:
            written.font = Font(bold=True)


def workbook(table, title, about):
    """``about``: (label, value) pairs describing the report's filters."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(title)
    sheet.append([str(heading) for heading in table.headings])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        _write_row(sheet, row)
    if table.total:
        _write_row(sheet, table.total, bold=True)
    sheet.freeze_panes = "A2"
    for index, heading in enumerate(table.headings):
        width = max([len(str(heading))] + [len(row[index].text) for row in table.rows[:200]])
        sheet.column_dimensions[sheet.cell(row=1, column=index + 1).column_letter].width = min(2 * width + 4, 50)

    notes = book.create_sheet(sheet_title(gettext("About this report")))
    notes.append([pgettext("spreadsheet", "Report"), str(title)])
    for label, value in about:
        notes.append([str(label), str(value)])
        keep_as_text(notes.cell(row=notes.max_row, column=2))
    notes.append([gettext("Exported at"), local_naive(timezone.now())])
    notes.cell(row=notes.max_row, column=2).number_format = TIME_FORMAT
    notes.column_dimensions["A"].width = 20
    notes.column_dimensions["B"].width = 40
    return book


def xlsx_response(table, title, about, filename):
    buffer = io.BytesIO()
    workbook(table, title, about).save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}-{timezone.localdate():%Y%m%d}.xlsx"'
    return response
