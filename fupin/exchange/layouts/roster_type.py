"""Layout 1's 户类型 once the registry is known (docs/decisions/0004-household-type-column.md).

A roster cannot change whether a household is registered: leaving 建档立卡 is 清退, entering
it is the outcome of the identification procedure (两公示一公告). So an explicit 户类型 that
contradicts the registry is a row error on 户类型, and a missing or empty 户类型 takes the
registry's value. A household new to the registry with no 户类型 is registered (a district's
existing 建档立卡 roster). The registration rules that depend on the type run here for the rows
that left it out; the reader has checked the rows that state it.
"""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext as _

from fupin.exchange import codes as code_lists
from fupin.exchange.context import ImportContext
from fupin.exchange.layouts.roster_columns import COLUMN_BY_KEY, REGISTERED_ONLY, REGISTRATION_FIELDS
from fupin.exchange.layouts.roster_read import RosterData


def settle_household_type(data: RosterData, matched: pl.DataFrame, ctx: ImportContext) -> None:
    """Report the rows whose 户类型 the registry refuses or whose registration fields do not fit
    the type taken from it, and fill every empty 户类型 of `data.households` in place."""
    hh = data.households
    known = matched.select(pl.col("file_code").alias("code"), pl.col("registered").alias("_was"))
    hh = hh.join(known, on="code", how="left", maintain_order="left")
    type_header = data.headers.get("household_type", COLUMN_BY_KEY["household_type"].name)

    def add(frame: pl.DataFrame, key: str, kind: str, message: pl.Expr, value: pl.Expr) -> None:
        if frame.height:
            ctx.issues.add_frame(
                frame.with_columns(message.alias("message"), value.cast(pl.String).alias("value")),
                kind=kind,
                message="",
                sheet=data.sheet,
                column=data.headers.get(key, COLUMN_BY_KEY[key].name) if key != "household_type" else type_header,
            )

    add(
        hh.filter((pl.col("household_type") == "ordinary") & pl.col("_was")),
        "household_type",
        "household_rule",
        pl.format(_("户编号 {} 已建档立卡，不能通过导入改为一般农户"), "code"),
        pl.lit("一般农户"),
    )
    add(
        hh.filter((pl.col("household_type") == "registered") & pl.col("_was").not_()),
        "household_type",
        "household_rule",
        pl.format(_("户编号 {} 为一般农户（未建档立卡），不能通过导入改为脱贫户：建档立卡须经识别程序"), "code"),
        pl.lit("脱贫户"),
    )
    untyped = pl.col("household_type").is_null()
    registered = pl.col("_was").fill_null(True)
    for key in REGISTERED_ONLY:
        # A cell filled with a bad label is reported as such (roster_households), not as empty.
        given = pl.col(f"_given_{key}") if f"_given_{key}" in hh.columns else pl.lit(False)
        add(
            hh.filter(untyped & registered & pl.col(key).is_null() & given.not_()),
            key,
            "required",
            pl.format(_("户编号 {} 未填写“{}”"), "code", pl.lit(COLUMN_BY_KEY[key].name)),
            pl.lit(None, pl.String),
        )
    for key in REGISTRATION_FIELDS:
        value = pl.col(key).cast(pl.String)
        add(
            hh.filter(untyped & registered.not_() & pl.col(key).is_not_null()),
            key,
            "household_rule",
            pl.format(
                _("户编号 {} 在库中为一般农户（未建档立卡），“{}”应为空：建档立卡须经识别程序"),
                "code",
                pl.lit(COLUMN_BY_KEY[key].name),
            ),
            value.replace(code_lists.labels("status")) if key == "status" else value,
        )
    filled = (
        pl.when(untyped)
        .then(pl.when(registered).then(pl.lit("registered")).otherwise(pl.lit("ordinary")))
        .otherwise(pl.col("household_type"))
    )
    data.households = hh.with_columns(filled.alias("household_type")).drop("_was")
