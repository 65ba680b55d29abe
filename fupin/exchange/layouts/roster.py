"""Layout 1 — 人员明细: registration of its reader, loader and row generator."""

from __future__ import annotations

from typing import Any

import polars as pl

from fupin.exchange.changes import ChangeLog
from fupin.exchange.context import ImportContext
from fupin.exchange.layouts.roster_columns import ROSTER_COLUMNS
from fupin.exchange.layouts.roster_export import roster_rows
from fupin.exchange.layouts.roster_load import load_roster
from fupin.exchange.layouts.roster_match import Matched, id_conflicts, match
from fupin.exchange.layouts.roster_read import RosterData, read_roster
from fupin.exchange.spec import Layout, register


def _keep(data: RosterData, matched: Matched, bad: set[str]) -> tuple[RosterData, Matched]:
    if not bad:
        return data, matched
    bad_list = list(bad)
    households = data.households.filter(~pl.col("code").is_in(bad_list))
    members = data.members.filter(~pl.col("code").is_in(bad_list))
    kept = matched.households.filter(~pl.col("file_code").is_in(bad_list))
    ids = kept["id"].to_list()
    matched = Matched(
        kept,
        matched.members.filter(pl.col("household_id").is_in(ids)),
        matched.years.filter(pl.col("household_id").is_in(ids)),
    )
    data = RosterData(data.sheet, households, members, data.present, data.headers, data.rows, data.skipped)
    return data, matched


def load(data: RosterData, ctx: ImportContext, log: ChangeLog, *, write: bool) -> dict[str, Any]:
    """Match, check IDs against the registry, and plan (and with `write`, perform) the load
    of every household without errors."""
    matched = match(data, ctx)
    codes = set(data.households["code"].to_list())
    bad = id_conflicts(data, matched, ctx, ctx.issues.bad_households & codes) & codes
    data, matched = _keep(data, matched, bad)
    # The caller chose to write before these checks: a file they reject is rejected whole, so
    # it is only planned (its issues are the same), not written and rolled back.
    write = write and (ctx.valid_only or not ctx.issues.error_count)
    plan = load_roster(data, matched, ctx, log, write=write)
    ctx.notes.extend(f"{code} {name}" for code, name in plan.ended)
    regions = data.households["region_id"].drop_nulls().unique().to_list()
    return {"counts": plan.counts(), "rejected": len(bad), "ended": plan.ended, "regions": regions}


ROSTER = register(
    Layout(
        key="roster",
        title="人员明细",
        sheet_names=("人员明细", "贫困人口明细", "建档立卡贫困人口明细", "贫困人口明细表", "人员明细表"),
        columns=ROSTER_COLUMNS,
        order=1,
        read=read_roster,
        load=load,
        rows=roster_rows,
        export_title=lambda region: f"{region}建档立卡贫困人口明细表",
    )
)
