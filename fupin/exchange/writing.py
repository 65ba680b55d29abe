"""Writing spreadsheets: one row generator serves xlsx and CSV.

xlsx goes through openpyxl's write-only mode (constant memory): a title row, the header,
then the rows; text cells are formatted as text ('@') so that ID numbers and 户编号 stay
text when the file is opened and saved again. CSV goes through defusedcsv, which
neutralises any cell that a spreadsheet would run as a formula, and is written as UTF-8
with BOM so that Excel opens it in the right encoding.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TEXT = "@"


def _xlsx_sheet(wb: Workbook, name: str, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    ws = wb.create_sheet(name[:31])
    ws.column_dimensions["A"].width = 14
    if title:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = Font(bold=True, size=14)
        ws.append([cell])
    head = []
    for text in header:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        head.append(cell)
    ws.append(head)
    n = 0
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, str):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = TEXT
                # openpyxl would store '=…' as a formula: keep it as the text it is.
                if value.startswith("="):
                    cell.data_type = "s"
                cells.append(cell)
            else:
                cells.append(value)
        ws.append(cells)
        n += 1
    return n


def write_xlsx(
    target: Path | io.BytesIO, *, sheet: str, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    wb = Workbook(write_only=True)
    n = _xlsx_sheet(wb, sheet, title, header, rows)
    wb.save(target)
    return n


def write_csv(target: Path | io.BytesIO, *, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    from defusedcsv import csv as safe_csv

    text: Any
    if isinstance(target, io.BytesIO):
        text = io.TextIOWrapper(target, encoding="utf-8-sig", newline="")
    else:
        text = open(target, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115 — closed below
    try:
        writer = safe_csv.writer(text)
        writer.writerow(header)
        n = 0
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
            n += 1
        text.flush()
    finally:
        if isinstance(target, io.BytesIO):
            text.detach()
        else:
            text.close()
    return n


def write_table(path: Path, *, sheet: str, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """xlsx or CSV by the file's extension."""
    if path.suffix.lower() == ".csv":
        return write_csv(path, header=header, rows=rows)
    return write_xlsx(path, sheet=sheet, title=title, header=header, rows=rows)
