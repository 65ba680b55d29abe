"""Writing spreadsheets: one row generator serves xlsx and CSV.

xlsx is written straight as SpreadsheetML into the zip, a row at a time (constant memory):
a title row, the header, then the rows; text cells are inline strings formatted as text
('@') so that ID numbers and 户编号 stay text when the file is opened and saved again, and
an inline string is never a formula. openpyxl's write-only mode did the same through a cell
object and an XML element per cell, some 15 µs a cell: 5 s for a district's 7,000 persons,
ten minutes for a province. CSV goes through defusedcsv, which neutralises any cell that a
spreadsheet would run as a formula, and is written as UTF-8 with BOM so that Excel opens it
in the right encoding.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from openpyxl.utils import get_column_letter

TEXT = "@"
# Cell styles (cellXfs of STYLES): 1 text, 2 header, 3 title, 4 date.
S_TEXT, S_HEADER, S_TITLE, S_DATE = 1, 2, 3, 4
FLUSH_ROWS = 500
EPOCH = dt.datetime(1899, 12, 30)
# What XML text cannot hold as is: markup characters, and control characters (which XML 1.0
# forbids; openpyxl refused them, Excel would call the file damaged): dropped.
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPES: dict[int, str | None] = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"}
_ESCAPES.update(dict.fromkeys([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]))

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="14"/><name val="Calibri"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<cols><col min="1" max="1" width="14" customWidth="1"/></cols><sheetData>'
)
SHEET_TAIL = "</sheetData></worksheet>"


def _text(value: str) -> str:
    if _SPECIAL.search(value):
        value = value.translate(_ESCAPES)
    if value[0].isspace() or value[-1].isspace():
        return f'<t xml:space="preserve">{value}</t>'
    return f"<t>{value}</t>"


def _cell(ref: str, value: Any, text_style: int) -> str:
    """One `<c>` element; '' for an empty cell (nothing is written for it)."""
    kind = type(value)
    if kind is str:
        return f'<c r="{ref}" s="{text_style}" t="inlineStr"><is>{_text(value)}</is></c>' if value else ""
    if kind is int or kind is float or kind is Decimal:
        if kind is not int and not math.isfinite(value):  # NaN or infinity: no number in a sheet
            return _cell(ref, str(value), text_style)
        return f'<c r="{ref}"><v>{value}</v></c>'
    if value is None:
        return ""
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, dt.datetime):
        serial = (value.replace(tzinfo=None) - EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="{S_DATE}"><v>{serial}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{S_DATE}"><v>{(value - EPOCH.date()).days}</v></c>'
    return _cell(ref, str(value), text_style)


class _SheetWriter:
    """Rows of one worksheet as XML, written to the zip entry in blocks of rows."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.row = 0
        self.letters: list[str] = []
        self.parts: list[str] = [SHEET_HEAD]

    def append(self, values: Sequence[Any], style: int = S_TEXT) -> None:
        self.row += 1
        r = str(self.row)
        letters = self.letters
        if len(values) > len(letters):
            letters.extend(get_column_letter(j + 1) for j in range(len(letters), len(values)))
        cells = [_cell(letters[j] + r, v, style) for j, v in enumerate(values) if v is not None]
        self.parts.append(f'<row r="{r}">{"".join(cells)}</row>')
        if len(self.parts) >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        self.out.write("".join(self.parts).encode())
        self.parts = []

    def close(self) -> None:
        self.parts.append(SHEET_TAIL)
        self.flush()


def _xml_attr(value: str) -> str:
    return value.translate(_ESCAPES).replace('"', "&quot;")


def write_xlsx(
    target: Path | io.BytesIO,
    *,
    sheet: str,
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> int:
    """One sheet: the title row (when given), the header, the rows; returns the data rows."""
    n = 0
    # Level 1: the sheet is repetitive markup, so the file stays small (a fifth more than
    # the default level) and compressing takes a third of the time.
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK.format(name=_xml_attr(_sheet_name(sheet))))
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        zf.writestr("xl/styles.xml", STYLES)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            ws = _SheetWriter(out)
            if title:
                ws.append([title], S_TITLE)
            ws.append(list(header), S_HEADER)
            for row in rows:
                ws.append(row)
                n += 1
            ws.close()
    return n


def _sheet_name(name: str) -> str:
    """Excel's rules for a sheet name: at most 31 characters, none of []:*?/\\."""
    cleaned = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'")[:31]
    return cleaned or "Sheet1"


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
