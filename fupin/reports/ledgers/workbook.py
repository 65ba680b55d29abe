"""Writing a 台账 sheet: a title row, a header, labelled values, ID columns as text.

openpyxl's write-only mode streams rows to disk, so a district's ledger of a million rows
needs no more memory than one row. Code values are written with their Chinese labels;
columns holding numbers that are identifiers (户编号, 证件号码, 电话, 区划代码) are written as
text (number format "@") so that Excel neither rounds an 18-digit ID nor drops leading zeros.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

TEXT, NUMBER, MONEY, DATE, PLAIN = "text", "number", "money", "date", "plain"
_THIN = Side(style="thin", color="999999")
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")


@dataclass(frozen=True)
class Column:
    label: str
    width: float = 12
    kind: str = PLAIN  # TEXT for identifiers, MONEY for yuan, DATE, NUMBER


class Sheet:
    """One write-only worksheet with a title, an optional subtitle and a header row."""

    def __init__(self, wb: Workbook, title: str, columns: list[Column], *, heading: str, subtitle: str = "") -> None:
        self.ws = wb.create_sheet(title=title[:31])
        self.columns = columns
        for i, col in enumerate(columns, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = col.width
        self.ws.freeze_panes = "A4" if subtitle else "A3"
        title_cell = WriteOnlyCell(self.ws, value=heading)
        title_cell.font = Font(size=14, bold=True)
        self.ws.append([title_cell])
        if subtitle:
            self.ws.append([WriteOnlyCell(self.ws, value=subtitle)])
        header = []
        for col in columns:
            c = WriteOnlyCell(self.ws, value=col.label)
            c.font = Font(bold=True)
            c.fill = _HEADER_FILL
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            c.border = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
            header.append(c)
        self.ws.append(header)
        self.rows = 0

    def append(self, values: Iterable[Any]) -> None:
        cells = []
        for col, value in zip(self.columns, values, strict=True):
            cell = WriteOnlyCell(self.ws, value=_value(value, col.kind))
            if col.kind == TEXT:
                cell.number_format = "@"
            elif col.kind == MONEY:
                cell.number_format = "#,##0.00"
            elif col.kind == DATE:
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        self.ws.append(cells)
        self.rows += 1


def _value(value: Any, kind: str) -> Any:
    if value is None:
        return ""
    if kind == TEXT:
        return str(value)
    if kind == MONEY and isinstance(value, Decimal):
        return float(value)  # Excel stores doubles; two decimals are exact enough for yuan
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return value


def new_workbook() -> Workbook:
    return Workbook(write_only=True)
