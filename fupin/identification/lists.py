"""Reading a department list (exchange.md layout 6) into a clean frame, in bulk.

Rules from exchange.md: .xlsx (preferred sheet by content: the first sheet with an ID column)
or .csv in UTF-8 (with or without BOM) or GB18030/GBK, detected; the header is the first row
among the first 10 that names an ID column (证件号码 or an alias); rows above it are titles;
empty and 合计/总计 rows are skipped. ID numbers are normalised (full-width digits, spaces,
a lower-case x), 15-digit numbers are upgraded with a warning, numbers that Excel stored as
floats are rejected with the advice to re-export as text. Every other column is kept as
evidence. Validation is vectorised (polars); Python only words the messages of bad rows.

The identification app may not import the exchange app (layer contract); the reading, the
header and ID column and the ID checks are shared with monitoring's list reader in
fupin.utils.deptlist, and this module keeps the comparison's own columns and counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.utils.translation import gettext as _

from fupin.utils import deptlist, idno
from fupin.utils.deptlist import HEADER_SCAN, ID_ALIASES, LINE
from fupin.utils.masking import mask_id
from fupin.utils.text import fold

NAME_ALIASES = {"姓名", "名字", "人员姓名", "户主姓名"}
PROBLEM_CAP = 200


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

    def none_valid_message(self, shown: int = 5) -> str:
        """Why a list without one valid ID number is refused: the counts, then the first
        rows by line, with the value (masked, as every list shows it) and the reason."""
        head = _("名单中没有有效的证件号码（共 {n} 行，无效 {bad} 行）").format(
            n=self.rows_total, bad=self.invalid_count
        )
        rows = [
            _("第 {line} 行 证件号码“{value}”：{message}").format(
                line=p["line"], value=mask_id(p["value"]), message=p["message"]
            )
            for p in self.invalid[:shown]
        ]
        if not rows:
            return head
        more = _("等，共 {n} 行").format(n=self.invalid_count) if self.invalid_count > shown else ""
        return _("{summary}：{rows}{more}").format(summary=head, rows=_("；").join(rows), more=more)

    def problems(self) -> dict:
        return {"invalid": self.invalid, "duplicates": self.duplicates, "upgraded": self.upgraded_count}


def _no_id_column(first_row: list[str]) -> ListProblem:
    seen = [c.strip() for c in first_row if c and c.strip()]
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
    try:
        sheet = deptlist.read_sheet(path)
    except deptlist.Unreadable as exc:
        if isinstance(exc.__cause__, pl.exceptions.NoDataError):
            # polars finds nothing after the header line: a CSV with its header only.
            raise _no_rows(None) from exc
        raise _problem(exc) from exc
    data = _validate(sheet.frame, [fold(h) for h in sheet.headers], file_name)
    if data.rows_total == 0:
        raise _no_rows(sheet.header + 1)
    return data


def _no_rows(header_line: int | None) -> ListProblem:
    if header_line is None:
        return ListProblem(_("名单没有数据行：表头下面是空的，请填入每人一行后再上传"))
    return ListProblem(
        _("名单没有数据行：第 {line} 行的表头下面是空的，请填入每人一行后再上传").format(line=header_line)
    )


def _problem(exc: deptlist.Unreadable) -> ListProblem:
    if exc.code == "no_id":
        return _no_id_column(exc.first_row)
    if exc.code == "workbook":
        return ListProblem(_("文件不是有效的 Excel 工作簿（{error}）").format(error=exc.detail[:120]))
    if exc.code == "binary":
        return ListProblem(_("文件不是表格：既不是 Excel 工作簿，也不是 CSV 文本"))
    if exc.code == "encoding":
        return ListProblem(_("无法识别 CSV 文件的字符编码（应为 UTF-8 或 GBK/GB18030）"))
    return ListProblem(_("CSV 文件无法解析：{error}").format(error=exc.detail[:200]))


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
    id_col = next(j for j, h in enumerate(headers) if deptlist.is_id_header(h))
    name_col = next((j for j, h in enumerate(headers) if deptlist.header_key(h) in NAME_ALIASES), None)
    evidence = _evidence_columns(headers, (id_col, name_col))
    cols = [f"c{j}" for j in range(len(headers))]
    frame = frame.with_columns([pl.col(c).fill_null("").str.strip_chars() for c in cols])
    # Empty rows and trailing summary rows (合计/总计) are not data.
    frame = deptlist.data_rows(frame, f"c{id_col}")
    rows_total = frame.height
    # Normalised, 15-digit numbers upgraded (with a warning), checked.
    frame = deptlist.checked_ids(frame, f"c{id_col}")
    upgraded_count = int(frame["_fifteen"].sum())
    bad = frame.filter(~pl.col("_ok"))
    invalid = [
        {
            "line": r["line"],
            "value": r["value"],
            "message": _(p.template).format(**p.params) if (p := idno.problem(r["id_number"])) else _("证件号码无效"),
        }
        for r in deptlist.invalid_rows(frame, PROBLEM_CAP)
    ]
    good = frame.filter(pl.col("_ok"))
    dup_ids = good.group_by("id_number").agg(pl.col(LINE).sort().alias("lines")).filter(pl.col("lines").list.len() > 1)
    duplicates = [
        {"id": mask_id(r["id_number"]), "lines": r["lines"][:20]}
        for r in dup_ids.sort(pl.col("lines").list.first()).head(PROBLEM_CAP).iter_rows(named=True)
    ]
    duplicate_count = int((dup_ids["lines"].list.len() - 1).sum()) if dup_ids.height else 0
    name_expr = pl.col(f"c{name_col}").str.slice(0, 50) if name_col is not None else pl.lit("")
    ev = pl.struct([pl.col(f"c{j}").alias(h) for j, h in evidence]).struct.json_encode() if evidence else pl.lit("{}")
    out = good.select(pl.col(LINE).alias("line"), pl.col("id_number"), name_expr.alias("name"), ev.alias("evidence"))
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
