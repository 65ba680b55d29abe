"""Reading a department list (exchange.md layout 6): what every reader of one shares.

A list is an .xlsx workbook (the first sheet with an ID column) or a CSV file (UTF-8 with or
without BOM, or GB18030/GBK); the header is the first row among the first 10 that names an
ID column (证件号码 or an alias, matched after folding full-width forms and without a
bracketed note such as `（18位）`); rows above it are titles. All cells are read as text
into a polars frame, with each row's line number in the file. Empty and summary rows are
told from data (data_rows). ID numbers are normalised and checked in columns by
fupin.utils.idcolumns (GB 11643: shape, a real birth date not in the future, the check
character; a 15-digit number is upgraded).

The readers (identification's comparison lists, monitoring's screening lists) keep their own
columns, checks and wording: errors here carry a code, and the caller words the message.
No Django models here: this is the lowest layer.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from fupin.utils.idcolumns import is_fifteen, normalised_ids, upgraded_ids, valid_ids
from fupin.utils.tables import decode_bytes
from fupin.utils.text import fold

HEADER_SCAN = 10
ID_ALIASES = frozenset(
    {
        "证件号码",
        "身份证号",
        "身份证号码",
        "公民身份号码",
        "身份证件号码",
        "证件号",
        "身份号码",
        "居民身份证号码",
        "身份证",
    }
)
SUMMARY_WORDS = ("合计", "总计", "小计")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
LINE = "_line"  # the frame's column of line numbers (1-based, as Excel numbers rows)
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
_HEAD_BYTES = 65536


class Unreadable(Exception):
    """The file cannot be read as a table. `code`: workbook (not a workbook), binary (neither
    workbook nor text), encoding (not UTF-8 or GBK), csv (not parseable), no_id (no ID column
    in the first HEADER_SCAN rows); `detail` is the library's own words; `first_row` the
    cells of the first row, for a message about a missing ID column."""

    def __init__(self, code: str, detail: str = "", first_row: list[str] | None = None) -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
        self.first_row = first_row or []


@dataclass
class Sheet:
    frame: pl.DataFrame  # c0 … cN (String, the cells as read) and LINE (Int64)
    headers: list[str]  # the header row as written (stripped)
    header: int  # the header's row index (0-based)

    @property
    def id_column(self) -> int:
        return next(j for j, h in enumerate(self.headers) if is_id_header(h))


def header_key(header: object) -> str:
    """A header as matched: folded (full-width, spaces) and without a bracketed note, so that
    `身份证号码（18位）` is the ID column."""
    return re.sub(r"\(.*?\)", "", fold(header))


def is_id_header(header: object) -> bool:
    key = fold(header)
    return key in ID_ALIASES or re.sub(r"\(.*?\)", "", key) in ID_ALIASES or key.split("(")[0] in ID_ALIASES


def find_header(rows: list[list[str]]) -> int | None:
    """The index of the first of the first HEADER_SCAN rows that names an ID column."""
    for i, row in enumerate(rows[:HEADER_SCAN]):
        if any(is_id_header(c) for c in row):
            return i
    return None


def cell_text(value: object) -> str:
    """A workbook cell as the text a user sees in it."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        # Excel keeps 15 significant digits: show a long number the way Excel does, so the
        # ID check rejects it instead of repairing it wrongly.
        return f"{value:.14E}" if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def is_workbook(path: Path) -> bool:
    """A workbook by its first bytes (zip or OLE) or its suffix."""
    with path.open("rb") as fh:
        magic = fh.read(4)
    return magic in _WORKBOOK_MAGIC or path.suffix.lower() in WORKBOOK_SUFFIXES


def read_sheet(path: Path, *, workbook: bool | None = None) -> Sheet:
    """The list's cells as text, from its header down; a workbook or a CSV file as `workbook`
    says (default: is_workbook). Raises Unreadable."""
    path = Path(path)
    return _from_workbook(path) if (is_workbook(path) if workbook is None else workbook) else _from_csv(path)


def _sheets(path: Path) -> Iterator[list[list[str]]]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own types for damaged files
        raise Unreadable("workbook", str(exc)) from exc
    for name in wb.sheet_names:
        yield [[cell_text(c) for c in r] for r in wb.get_sheet_by_name(name).to_python(skip_empty_area=False)]


def _from_workbook(path: Path) -> Sheet:
    first: list[list[str]] | None = None
    for rows in _sheets(path):
        first = first if first is not None else rows
        header = find_header(rows)
        if header is None:
            continue
        headers = rows[header]
        width = len(headers)
        body = [(r + [""] * width)[:width] for r in rows[header + 1 :]]
        frame = pl.DataFrame(
            {f"c{j}": [r[j] for r in body] for j in range(width)}, schema={f"c{j}": pl.String for j in range(width)}
        ).with_columns(pl.int_range(header + 2, header + 2 + len(body), dtype=pl.Int64).alias(LINE))
        return Sheet(frame, headers, header)
    raise Unreadable("no_id", first_row=(first or [[]])[0] if first else [])


def _from_csv(path: Path) -> Sheet:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise Unreadable("binary")
    try:
        # Most lists are UTF-8: polars gets the bytes as they are, and only a legacy
        # encoding is decoded and encoded again.
        head = raw.decode("utf-8").removeprefix("\ufeff")[:_HEAD_BYTES]
        data = raw
    except UnicodeDecodeError:
        try:
            text = decode_bytes(raw)
        except ValueError as exc:
            raise Unreadable("encoding") from exc
        data = text.encode("utf-8")
        head = text[:_HEAD_BYTES]
    del raw
    head_rows = list(csv.reader(io.StringIO(head)))[: HEADER_SCAN + 1]
    header = find_header(head_rows)
    if header is None:
        raise Unreadable("no_id", first_row=head_rows[0] if head_rows else [])
    headers = head_rows[header]
    try:
        frame = pl.read_csv(
            data,
            has_header=False,
            infer_schema=False,
            skip_lines=header + 1,
            truncate_ragged_lines=True,
            new_columns=[f"c{j}" for j in range(len(headers))],
        )
    except pl.exceptions.PolarsError as exc:
        raise Unreadable("csv", str(exc)) from exc
    # The first data row is line header+2 (1-based, after the header line).
    frame = frame.with_columns(pl.int_range(header + 2, header + 2 + frame.height, dtype=pl.Int64).alias(LINE))
    return Sheet(frame, headers, header)


# ---------------------------------------------------------------------------------------
# Rows and ID numbers, in columns


def data_rows(frame: pl.DataFrame, id_column: str) -> pl.DataFrame:
    """The rows of a sheet's frame that hold data: not empty (every cell blank), and not a
    summary row (合计, 总计 or 小计 at the start of one of the first three cells, with no ID).
    A row with other cells but no ID stays: the caller reports it (checked_ids marks it
    invalid)."""
    cells = [pl.col(c).fill_null("").str.strip_chars() for c in frame.columns if c != LINE]
    if not cells:
        return frame
    nonempty = pl.any_horizontal([c != "" for c in cells])
    summary = pl.any_horizontal([c.str.starts_with(w) for c in cells[:3] for w in SUMMARY_WORDS])
    no_id = pl.col(id_column).fill_null("").str.strip_chars() == ""
    return frame.filter(nonempty & ~(summary & no_id))


def checked_ids(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """`frame` with `_raw` (the cell), `id_number` (normalised, upgraded), `_fifteen` (it was a
    15-digit number) and `_ok` (a valid ID number)."""
    frame = frame.with_columns(
        pl.col(column).fill_null("").alias("_raw"), normalised_ids(pl.col(column).fill_null("")).alias("id_number")
    )
    frame = frame.with_columns(is_fifteen(pl.col("id_number")).alias("_fifteen"))
    if frame["_fifteen"].any():
        frame = frame.with_columns(upgraded_ids(pl.col("id_number")).alias("id_number"))
    return frame.with_columns(valid_ids(pl.col("id_number")).alias("_ok"))


def invalid_rows(frame: pl.DataFrame, cap: int) -> list[dict]:
    """The first `cap` rows of a checked frame whose ID is invalid: line, value (the cell),
    id_number (normalised)."""
    bad = frame.filter(~pl.col("_ok")).head(cap)
    return [
        {"line": int(line), "value": raw, "id_number": number}
        for line, raw, number in bad.select(LINE, "_raw", "id_number").iter_rows()
    ]
