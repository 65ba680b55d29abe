"""The error report: an xlsx the user can fix their file from.

Sheet 错误汇总 counts problems by kind; 问题明细 lists each (sheet, Excel row, column,
value, what is expected); and for each data sheet a copy of its rows that have problems,
with the original row number, the bad cells filled red and a comment on each saying why.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from fupin.exchange.issues import ERROR, Issues
from fupin.exchange.reading import Table

RED = PatternFill("solid", fgColor="FFC7CE")
YELLOW = PatternFill("solid", fgColor="FFEB9C")
MAX_COPIED_ROWS = 20_000


def _bold(ws, values: list[str]) -> list[WriteOnlyCell]:
    cells = []
    for v in values:
        c = WriteOnlyCell(ws, value=v)
        c.font = Font(bold=True)
        cells.append(c)
    return cells


def _tables(source: Path | None, file_name: str = "") -> list[Table]:
    """The file's sheets again (the import frees its grids before loading, to stay small)."""
    if source is None:
        return []
    from fupin.exchange.reading import FileProblem, read_grids, table_of

    try:
        return [t for g in read_grids(source, file_name=file_name) if (t := table_of(g)) is not None]
    except FileProblem:
        return []


def write_report(path: Path, *, issues: Issues, source: Path | None, file_name: str) -> Path:
    wb = Workbook(write_only=True)
    summary = wb.create_sheet(_("错误汇总"))
    summary.append([_("文件"), file_name])
    summary.append([_("错误"), issues.error_count, _("提醒"), issues.warning_count])
    summary.append([])
    summary.append(_bold(summary, [_("级别"), _("问题类型"), _("数量")]))
    for severity, label in ((ERROR, _("错误")), ("warning", _("提醒")), ("info", _("说明"))):
        for _kind, kind_label, n in issues.by_kind(severity):
            summary.append([label, kind_label, n])

    detail = wb.create_sheet(_("问题明细"))
    detail.append(_bold(detail, [_("级别"), _("工作表"), _("行号"), _("列"), _("值"), _("问题"), _("户编号")]))
    severity_label = {ERROR: _("错误"), "warning": _("提醒"), "info": _("说明")}
    for i in issues.items:
        detail.append(
            [severity_label.get(i.severity, i.severity), i.sheet, i.row, i.column, i.value, i.message, i.household]
        )

    for table in _tables(source, file_name) if any(i.row for i in issues.items) else []:
        cells: dict[tuple[int, str], list] = {}
        for i in issues.items:
            if i.sheet == table.sheet and i.row and i.severity != "info":
                cells.setdefault((i.row, i.column), []).append(i)
        rows = sorted({r for r, _c in cells})[:MAX_COPIED_ROWS]
        if not rows:
            continue
        ws = wb.create_sheet(_("问题行-{sheet}").format(sheet=table.sheet)[:31])
        ws.append(_bold(ws, [_("原行号"), *table.headers]))
        index = {h: j for j, h in enumerate(table.headers) if h}
        data = table.frame.filter(pl.col("_row").is_in(rows)).sort("_row")
        columns = [c for c in data.columns if c != "_row"]
        for rec in data.iter_rows(named=True):
            row_no = rec["_row"]
            out: list = [row_no]
            for j, c in enumerate(columns):
                cell = WriteOnlyCell(ws, value=rec[c])
                cell.number_format = "@"
                if rec[c] is not None and str(rec[c]).startswith("="):
                    cell.data_type = "s"
                header = table.headers[j] if j < len(table.headers) else ""
                found = cells.get((row_no, header)) if header in index else None
                if found:
                    cell.fill = RED if any(x.severity == ERROR for x in found) else YELLOW
                    cell.comment = Comment("\n".join(x.message for x in found)[:2000], "fupin")
                out.append(cell)
            ws.append(out)
    wb.save(path)
    return path
