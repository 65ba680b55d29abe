"""Layouts 2–5 (cadres, work teams, pairings, measures): read and validated column-wise like
the roster. Teams and cadres (hundreds of rows) load through the assistance services row by
row (`run_rows`), each row in its own savepoint so that one refused row is reported with its
number and the others still go through the same rules; the pairings and measures ledgers
(up to hundreds of thousands of rows) load set-based (assist_ledgers). The whole
import stays one transaction: a file with errors is rolled back entirely unless only the
valid rows were asked for; a dry run is always rolled back."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.core.errors import ApplicationError
from fupin.exchange.context import ImportContext
from fupin.exchange.issues import ERROR, Issue, ignored_columns
from fupin.exchange.parsing import parse_column
from fupin.exchange.reading import Table
from fupin.exchange.spec import IDNO, Column, Layout
from fupin.registry.models import Household
from fupin.utils import idno

SUMMARY = r"^(合计|总计|小计)"


@dataclass
class Rows:
    sheet: str
    layout: Layout
    frame: pl.DataFrame  # typed values by key, `_row`, and `raw_<key>` texts
    headers: dict[str, str]  # key → header as written
    rows: int
    skipped: int


def read_rows(table: Table, ctx: ImportContext, layout: Layout) -> Rows | None:
    used: dict[str, str] = {}
    headers: dict[str, str] = {}
    ignored = []
    for j, text in enumerate(table.headers):
        if not text:
            continue
        col = layout.column(text)
        if col is None:
            ignored.append(text)
        elif col.key not in used:
            used[col.key], headers[col.key] = f"c{j}", text
    if ignored:
        ctx.issues.add(ignored_columns(ignored, table.sheet, table.header_row))
    missing = [c for c in layout.required if c.key not in used]
    for c in missing:
        ctx.issues.add(
            Issue("missing_column", _("缺少必填列“{name}”").format(name=c.name), table.sheet, table.header_row, c.name)
        )
    if missing:
        return None
    raw = table.frame.select(pl.col("_row"), *[pl.col(c).alias(f"raw_{k}") for k, c in used.items()])
    rawcols = [f"raw_{k}" for k in used]
    total = raw.height
    empty = pl.all_horizontal([pl.col(c).is_null() for c in rawcols])
    summary = pl.any_horizontal(
        [pl.col(c).cast(pl.String).str.replace_all(r"\s", "").str.contains(SUMMARY) for c in rawcols]
    )
    raw = raw.filter(~empty & ~summary.fill_null(False))
    typed: dict[str, pl.Series] = {}
    for key in used:
        spec: Column = next(c for c in layout.columns if c.key == key)
        series = raw[f"raw_{key}"]
        if spec.kind == IDNO:
            series = series.cast(pl.String)
            typed[key] = series.map_elements(idno.normalize, return_dtype=pl.String)
            bad = raw.filter(
                typed[key].is_not_null()
                & typed[key].map_elements(lambda v: idno.problem(v) is not None, return_dtype=pl.Boolean)
            ).with_columns(pl.col(f"raw_{key}").alias("value"))
            ctx.issues.add_frame(
                bad,
                kind="id_number",
                message=_("证件号码无效（应为 18 位，校验位和出生日期须正确）"),
                sheet=table.sheet,
                column=headers[key],
            )
            continue
        parsed = parse_column(series, spec)
        if parsed.kind:
            bad = raw.filter(parsed.bad).with_columns(pl.col(f"raw_{key}").alias("value"))
            ctx.issues.add_frame(bad, kind=parsed.kind, message=parsed.message, sheet=table.sheet, column=headers[key])
        typed[key] = parsed.values.rename(key)
    for col in layout.required:
        missing_rows = raw.filter(pl.col(f"raw_{col.key}").is_null()).with_columns(pl.lit("").alias("value"))
        ctx.issues.add_frame(
            missing_rows, kind="required", message=_("必填，不能为空"), sheet=table.sheet, column=headers[col.key]
        )
    for col in layout.columns:
        if col.key not in typed:
            typed[col.key] = pl.Series(col.key, [None] * raw.height, dtype=pl.String)
    frame = pl.concat([raw, pl.DataFrame(typed)], how="horizontal")
    return Rows(table.sheet, layout, frame, headers, frame.height, total - frame.height)


def cell(record: dict[str, Any], key: str) -> str:
    """A cell as another sheet would name it: its parsed value, else (a bad cell) its text."""
    value = record.get(key)
    if value is None:
        value = record.get(f"raw_{key}")
    return "" if value is None else str(value).strip()


def run_rows(
    rows: Rows,
    ctx: ImportContext,
    *,
    write: bool,
    entity: str,
    apply: Callable[[dict[str, Any]], str],
    refs: Callable[[dict[str, Any]], Iterable[tuple[str, ...]]] | None = None,
) -> dict[str, Any]:
    """Apply `apply(record)` → 'created' | 'updated' | 'unchanged' to each row without errors,
    each in a savepoint; a refused row becomes an error naming its row (and field's column).
    `refs(record)` gives the names other sheets use for a row: a refused row is remembered
    under them in `ctx.refused`, so that a row naming it reports where it was refused."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    bad_rows = ctx.issues.bad_rows.get(rows.sheet, set())
    rejected = 0

    def refuse(record: dict[str, Any]) -> None:
        for key in refs(record) if refs is not None else ():
            ctx.refused.setdefault(key, (rows.sheet, record["_row"]))

    # A dry run writes too (the caller rolls the whole import back), so that later sheets find
    # the teams and cadres of earlier ones and every service rule is checked.
    for record in rows.frame.iter_rows(named=True):
        if record["_row"] in bad_rows:
            rejected += 1
            refuse(record)
            continue
        try:
            with transaction.atomic():
                counts[apply(record)] += 1
        except (ValidationError, ApplicationError) as exc:
            rejected += 1
            refuse(record)
            report_refusal(rows, ctx, record, exc)
    # Each refused row once: a row with a bad cell was counted above, not again by `bad_rows`.
    return {"counts": {entity: counts}, "rejected": rejected}


FIELD_KEYS = {
    "employer": "employer",
    "unit": "employer",
    "phone": "phone",
    "id_number": "id_number",
    "name": "name",
    "region": "village",
    "started_on": "started_on",
    "ended_on": "ended_on",
    "leader": "leader",
    "team": "team",
    "beneficiary": "beneficiary",
    "item": "item",
    "project": "project",
    "amount": "amount",
    "status": "status",
    "category": "category",
}


def report_refusal(rows: Rows, ctx: ImportContext, record: dict[str, Any], exc: Exception) -> None:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            key = FIELD_KEYS.get(field, field)
            header = rows.headers.get(key, "")
            value = record.get(f"raw_{key}") or ""
            for message in (m for e in errors for m in e.messages):
                ctx.issues.add(
                    Issue("reference", message, rows.sheet, record["_row"], header, str(value), severity=ERROR)
                )
        return
    message = exc.message if isinstance(exc, ApplicationError) else "；".join(getattr(exc, "messages", [str(exc)]))
    ctx.issues.add(Issue("reference", message, rows.sheet, record["_row"], severity=ERROR))


def household_of(code: str, ctx: ImportContext) -> Household | None:
    """The household of a 户编号 (None when the roster of this file creates it); an error
    when it is neither in the registry nor in the file."""
    h = Household.objects.filter(code=code).first()
    if h is None and code not in ctx.pending_codes:
        raise missing_household(code, ctx)
    return h


def missing_household(code: str, ctx: ImportContext) -> ValidationError:
    """The error of a row naming a 户编号 that is not in the registry."""
    if code in ctx.issues.bad_households:
        return ValidationError({"code": _refused_household(code, ctx)})
    return ValidationError({"code": _("户编号 {code} 不存在（请先导入人员明细）").format(code=code)})


def _refused_household(code: str, ctx: ImportContext) -> str:
    """The household is in the roster of this file but was refused there: point at its first
    error rather than calling it missing. The roster's errors are indexed once per import (the
    roster loads first), not scanned again for every row naming a refused household."""
    if ("household",) not in ctx.refused:
        ctx.refused[("household",)] = ("", 0)
        for i in ctx.issues.items:
            if i.household and i.severity == ERROR and i.row and i.sheet:
                ctx.refused.setdefault(("household", i.household), (i.sheet, i.row))
    where = ctx.refused.get(("household", code))
    if where is None:
        return _("户编号 {code} 在人员明细中有错误，未导入").format(code=code)
    return _("户编号 {code} 在工作表“{sheet}”第 {row} 行有错误，未导入").format(code=code, sheet=where[0], row=where[1])
