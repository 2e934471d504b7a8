"""A report as a table: one description of the columns and cells serves an
admin page and its XLSX export (portal/xlsx.py), so the two can never differ.

A cell holds a value (text, number or aware datetime) and optionally a
link; the page shows datetimes as Xiamen wall-clock text, the spreadsheet
writes them as Xiamen wall-clock times (portal.exports).
"""

import datetime
from dataclasses import dataclass, field

from .exports import local_text


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
