"""Reading a department list (exchange.md layout 6) into a clean frame, in bulk.

Rules from exchange.md: .xlsx (preferred sheet by content: the first sheet with an ID column)
or .csv in UTF-8 (with or without BOM) or GB18030/GBK, detected; the header is the first row
among the first 10 that names an ID column (证件号码 or an alias); rows above it are titles;
empty and 合计/总计 rows are skipped. ID numbers are normalised (full-width digits, spaces,
a lower-case x), 15-digit numbers are upgraded with a warning, numbers that Excel stored as
floats are rejected with the advice to re-export as text. Every other column is kept as
evidence. Validation is vectorised (polars); Python only words the messages of bad rows.

The identification app may not import the exchange app (layer contract), hence this
self-contained reader for the one layout it needs.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.utils.translation import gettext as _

from fupin.utils import idno
from fupin.utils.masking import mask_id
from fupin.utils.tables import decode_bytes
from fupin.utils.text import fold

HEADER_SCAN = 10
ID_ALIASES = {
    "证件号码",
    "身份证号",
    "身份证号码",
    "公民身份号码",
    "身份证件号码",
    "证件号",
    "身份号码",
    "居民身份证号码",
}
NAME_ALIASES = {"姓名", "名字", "人员姓名", "户主姓名"}
SUMMARY_WORDS = ("合计", "总计", "小计")
PROBLEM_CAP = 200
_FULLWIDTH_FROM = list("０１２３４５６７８９ｘＸ　")
_FULLWIDTH_TO = [*"0123456789xX", ""]


class ListProblem(Exception):
    """The list as a whole cannot be used (unreadable, no ID column, empty)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ListData:
    file_name: str
    columns: list[str]  # evidence columns, as the user wrote them
    frame: pl.DataFrame  # line (Int64), id_number, name, evidence (JSON text)
    rows_total: int
    invalid_count: int = 0
    invalid: list[dict] = field(default_factory=list)  # capped: line, value, message
    duplicate_count: int = 0
    duplicates: list[dict] = field(default_factory=list)  # capped: id (masked), lines
    upgraded_count: int = 0

    @property
    def rows_valid(self) -> int:
        return self.frame.height

    def problems(self) -> dict:
        return {"invalid": self.invalid, "duplicates": self.duplicates, "upgraded": self.upgraded_count}


def _cell(value: object) -> str:
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


def _key(header: object) -> str:
    """A header as matched: folded (full-width, spaces) and without a bracketed note, so that
    `身份证号码（18位）` is the ID column."""
    return re.sub(r"\(.*?\)", "", fold(header))


def _find_header(rows: list[list[str]]) -> int | None:
    for i, row in enumerate(rows[:HEADER_SCAN]):
        if any(_key(c) in ID_ALIASES for c in row):
            return i
    return None


def _grid_from_workbook(path: Path) -> tuple[list[list[str]], int]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own types for damaged files
        raise ListProblem(_("文件不是有效的 Excel 工作簿（{error}）").format(error=str(exc)[:120])) from exc
    first: list[list[str]] | None = None
    for name in wb.sheet_names:
        rows = [[_cell(c) for c in r] for r in wb.get_sheet_by_name(name).to_python(skip_empty_area=False)]
        first = first if first is not None else rows
        header = _find_header(rows)
        if header is not None:
            return rows, header
    return first or [], -1


def _frame_from_csv(path: Path) -> tuple[pl.DataFrame, list[str], int]:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise ListProblem(_("文件不是表格：既不是 Excel 工作簿，也不是 CSV 文本"))
    try:
        text = decode_bytes(raw)
    except ValueError as exc:
        raise ListProblem(_("无法识别 CSV 文件的字符编码（应为 UTF-8 或 GBK/GB18030）")) from exc
    del raw
    head_rows = list(csv.reader(io.StringIO(text[:65536])))[: HEADER_SCAN + 1]
    header = _find_header(head_rows)
    if header is None:
        raise _no_id_column(head_rows)
    headers = head_rows[header]
    try:
        frame = pl.read_csv(
            text.encode("utf-8"),
            has_header=False,
            infer_schema=False,
            skip_lines=header + 1,
            truncate_ragged_lines=True,
            new_columns=[f"c{j}" for j in range(len(headers))],
        )
    except pl.exceptions.PolarsError as exc:
        raise ListProblem(_("CSV 文件无法解析：{error}").format(error=str(exc)[:200])) from exc
    # The first data row is Excel/CSV line header+2 (1-based, after the header line).
    frame = frame.with_columns(pl.int_range(header + 2, header + 2 + frame.height, dtype=pl.Int64).alias("_line"))
    return frame, headers, header


def _no_id_column(rows: list[list[str]]) -> ListProblem:
    seen = [c for c in (rows[0] if rows else []) if c]
    return ListProblem(
        _("名单中没有“证件号码”列（前 {n} 行均未找到；可用列名：{aliases}）。第一行为：{seen}").format(
            n=HEADER_SCAN, aliases="、".join(sorted(ID_ALIASES)), seen="、".join(seen[:10]) or _("（空）")
        )
    )


def read_list(path: Path, *, file_name: str | None = None) -> ListData:
    """Read, normalise and validate a department list. Raises ListProblem for a file that
    cannot be used at all; bad rows are counted and listed, never fatal."""
    path = Path(path)
    file_name = file_name or path.name
    if not path.exists() or path.stat().st_size == 0:
        raise ListProblem(_("文件为空"))
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0") or path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        rows, header = _grid_from_workbook(path)
        if header < 0:
            raise _no_id_column(rows)
        headers = rows[header]
        width = len(headers)
        body = [(r + [""] * width)[:width] for r in rows[header + 1 :]]
        frame = pl.DataFrame(
            {f"c{j}": [r[j] for r in body] for j in range(width)}, schema={f"c{j}": pl.String for j in range(width)}
        ).with_columns(pl.int_range(header + 2, header + 2 + len(body), dtype=pl.Int64).alias("_line"))
    else:
        frame, headers, header = _frame_from_csv(path)
    return _validate(frame, [fold(h) for h in headers], file_name)


def _evidence_columns(headers: list[str], skip: tuple[int, int | None]) -> list[tuple[int, str]]:
    """Every other named column, each under a distinct name (a repeated header gets its
    column number, so no value is lost)."""
    out, seen = [], set()
    for j, h in enumerate(headers):
        if not h or j in skip:
            continue
        name = h if h not in seen else f"{h}（第{j + 1}列）"
        seen.add(name)
        out.append((j, name))
    return out


def _validate(frame: pl.DataFrame, headers: list[str], file_name: str) -> ListData:
    id_col = next(j for j, h in enumerate(headers) if _key(h) in ID_ALIASES)
    name_col = next((j for j, h in enumerate(headers) if _key(h) in NAME_ALIASES), None)
    evidence = _evidence_columns(headers, (id_col, name_col))
    cols = [f"c{j}" for j in range(len(headers))]
    frame = frame.with_columns([pl.col(c).fill_null("").str.strip_chars() for c in cols])
    # Empty rows and trailing summary rows (合计/总计) are not data.
    nonempty = pl.any_horizontal([pl.col(c) != "" for c in cols])
    summary = pl.any_horizontal([pl.col(c).str.starts_with(w) for c in cols[:3] for w in SUMMARY_WORDS])
    frame = frame.filter(nonempty & ~(summary & (pl.col(f"c{id_col}") == "")))
    rows_total = frame.height
    raw = pl.col(f"c{id_col}")
    frame = frame.with_columns(
        raw.alias("_raw"),
        raw.str.replace_many(_FULLWIDTH_FROM, _FULLWIDTH_TO)
        .str.replace_all(r"[\s'‘’]", "")
        .str.to_uppercase()
        .alias("id_number"),
    )
    # First-generation 15-digit numbers: insert "19" and a check digit (with a warning).
    fifteen = frame["id_number"].str.contains(r"^\d{15}$")
    upgraded_count = int(fifteen.sum())
    if upgraded_count:
        frame = frame.with_columns(
            pl.when(pl.col("id_number").str.contains(r"^\d{15}$"))
            .then(pl.col("id_number").map_elements(lambda v: idno.upgrade_15(v) or v, return_dtype=pl.String))
            .otherwise(pl.col("id_number"))
            .alias("id_number")
        )
    frame = frame.with_columns(_valid_expr(pl.col("id_number")).alias("_ok"))
    bad = frame.filter(~pl.col("_ok"))
    invalid = [
        {
            "line": int(r["_line"]),
            "value": r["_raw"],
            "message": _(p.message) if (p := idno.problem(r["id_number"])) else _("证件号码无效"),
        }
        for r in bad.head(PROBLEM_CAP).iter_rows(named=True)
    ]
    good = frame.filter(pl.col("_ok"))
    dup_ids = (
        good.group_by("id_number").agg(pl.col("_line").sort().alias("lines")).filter(pl.col("lines").list.len() > 1)
    )
    duplicates = [
        {"id": mask_id(r["id_number"]), "lines": r["lines"][:20]}
        for r in dup_ids.sort(pl.col("lines").list.first()).head(PROBLEM_CAP).iter_rows(named=True)
    ]
    duplicate_count = int((dup_ids["lines"].list.len() - 1).sum()) if dup_ids.height else 0
    name_expr = pl.col(f"c{name_col}").str.slice(0, 50) if name_col is not None else pl.lit("")
    ev = pl.struct([pl.col(f"c{j}").alias(h) for j, h in evidence]).struct.json_encode() if evidence else pl.lit("{}")
    out = good.select(pl.col("_line").alias("line"), pl.col("id_number"), name_expr.alias("name"), ev.alias("evidence"))
    return ListData(
        file_name=file_name,
        columns=[h for _j, h in evidence],
        frame=out,
        rows_total=rows_total,
        invalid_count=bad.height,
        invalid=invalid,
        duplicate_count=duplicate_count,
        duplicates=duplicates,
        upgraded_count=upgraded_count,
    )


def _valid_expr(e: pl.Expr) -> pl.Expr:
    """GB 11643 in columns: shape, a real birth date not in the future, the check character."""
    shape = e.str.contains(r"^\d{17}[\dX]$")
    born = e.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    date_ok = born.is_not_null() & (born <= pl.lit(dt.date.today())) & (born >= pl.lit(dt.date(1880, 1, 1)))
    total = pl.sum_horizontal(
        [e.str.slice(i, 1).cast(pl.Int64, strict=False).fill_null(0) * w for i, w in enumerate(idno.WEIGHTS)]
    )
    check = (total % 11).replace_strict(list(range(11)), list(idno.CHECK_CHARS), return_dtype=pl.String)
    return shape & date_ok.fill_null(False) & (e.str.slice(17, 1) == check)
