"""Layout 1, the household half of reading a roster: one row per 户编号 from the validated
member rows, the rules across a household's rows (columns that must agree, one head, the
household size, years, income) and the region of each household.

RosterReader (roster_read) holds the member half and runs both; the state and the helpers
that report issues, which both halves use, are here.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from fupin.exchange import codes as code_lists
from fupin.exchange.context import ImportContext
from fupin.exchange.issues import ERROR, WARNING, Issue
from fupin.exchange.layouts.roster_columns import (
    COLUMN_BY_KEY,
    REGION_KEYS,
    REGISTERED_ONLY,
    REGISTRATION_FIELDS,
    ROSTER_COLUMNS,
)
from fupin.exchange.reading import Table
from fupin.exchange.spec import AREA, CODE, CODES, DATE, IDNO, INT, MONEY, PHONE, TEXT, YEAR, YESNO

# Required household columns checked per household here (region and code have their own checks).
REQUIRED_HOUSEHOLD = [
    c for c in ROSTER_COLUMNS if c.household and c.required and c.key not in REGION_KEYS and c.key != "code"
]

DTYPES = {
    TEXT: pl.String,
    CODE: pl.String,
    CODES: pl.String,
    PHONE: pl.String,
    IDNO: pl.String,
    YEAR: pl.Int32,
    INT: pl.Int64,
    MONEY: pl.Int64,
    AREA: pl.Int64,
    YESNO: pl.Boolean,
    DATE: pl.Date,
}


def per_capita_cents(net: pl.Expr, persons: pl.Expr) -> pl.Expr:
    """`fupin.registry.income.per_capita` on integer cents: net ÷ persons, half away from zero."""
    q = (net.abs() * 2 + persons) // (persons * 2)
    return pl.when(persons > 0).then(pl.when(net < 0).then(-q).otherwise(q)).otherwise(0)


def net_cents(frame_has: set[str]) -> pl.Expr:
    parts = [
        pl.col(k).fill_null(0)
        for k in ("wage_income", "business_income", "property_income", "transfer_income")
        if k in frame_has
    ]
    gross = pl.sum_horizontal(parts) if parts else pl.lit(0, dtype=pl.Int64)
    cost = pl.col("production_cost").fill_null(0) if "production_cost" in frame_has else pl.lit(0)
    return gross - cost


class HouseholdSteps:
    """A roster sheet being read: its table, context and headers, the helpers that report
    issues against them, and the household steps."""

    def __init__(self, table: Table, ctx: ImportContext, layout) -> None:
        self.table, self.ctx, self.layout = table, ctx, layout
        self.sheet = table.sheet
        self.issues = ctx.issues
        self.headers: dict[str, str] = {}

    # -- helpers ---------------------------------------------------------------------------

    def header(self, key: str) -> str:
        return self.headers.get(key) or COLUMN_BY_KEY[key].name

    def report(
        self, frame: pl.DataFrame, key: str, kind: str, message: str, *, severity: str = ERROR, value: str | None = None
    ) -> int:
        col = value or f"raw_{key}"
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(col))
        return self.issues.add_frame(
            frame, kind=kind, message=message, sheet=self.sheet, column=self.header(key), severity=severity, value=col
        )

    # -- household steps -------------------------------------------------------------------

    def households(self, typed: pl.DataFrame, raw: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
        hh_keys = [k for k in keys if COLUMN_BY_KEY[k].household and k != "code"]
        missing_code = raw.filter(pl.col("code").is_null())
        self.report(missing_code, "code", "required", _("必填，不能为空"))
        rows = typed.filter(pl.col("code").is_not_null())
        # Whether a required household cell was filled at all: a bad label parses to null, and
        # is reported as such, not also as empty.
        given = [f"raw_{c.key}" for c in REQUIRED_HOUSEHOLD if f"raw_{c.key}" in raw.columns]
        if given:
            rows = rows.join(
                raw.select("_row", *[pl.col(g).is_not_null().alias(f"_given_{g[4:]}") for g in given]),
                on="_row",
                how="left",
                maintain_order="left",
            )
        # Household columns filled on several rows of one household must agree.
        counts = rows.group_by("code").agg([pl.col(k).drop_nulls().n_unique().alias(k) for k in hh_keys])
        for key in hh_keys:
            codes = counts.filter(pl.col(key) > 1)["code"]
            if codes.len():
                self.disagreement(rows, raw, key, codes)
        agg = [pl.col(k).drop_nulls().first().alias(k) for k in hh_keys]
        hh = rows.group_by("code", maintain_order=True).agg(
            pl.col("_row").min().alias("_row"),
            pl.len().alias("persons"),
            (pl.col("relation") == "01").sum().alias("_heads"),
            pl.col("id_number").filter(pl.col("relation") == "01").first().alias("head_id"),
            pl.col("_row").filter(pl.col("relation") == "01").alias("_head_rows"),
            *agg,
            *[pl.col(f"_given_{g[4:]}").any() for g in given],
        )
        for col in ROSTER_COLUMNS:
            if col.household and col.key not in hh.columns:
                hh = hh.with_columns(pl.lit(None, dtype=DTYPES[col.kind]).alias(col.key))
        hh = self.household_rules(hh, keys)
        return self.regions(hh)

    def disagreement(self, rows: pl.DataFrame, raw: pl.DataFrame, key: str, codes: pl.Series) -> None:
        sub = rows.filter(pl.col("code").is_in(codes.implode()) & pl.col(key).is_not_null()).join(
            raw.select("_row", f"raw_{key}"), on="_row", maintain_order="left"
        )
        grouped = sub.group_by("code", maintain_order=True).agg(pl.col("_row"), pl.col(f"raw_{key}"))
        for rec in grouped.iter_rows(named=True):
            listing = _("；").join(
                _("第 {row} 行“{value}”").format(row=r, value=v)
                for r, v in zip(rec["_row"], rec[f"raw_{key}"], strict=True)
            )
            self.issues.add(
                Issue(
                    "disagree",
                    _("户编号 {code} 的各行填写不一致：{listing}").format(code=rec["code"], listing=listing),
                    self.sheet,
                    rec["_row"][0],
                    self.header(key),
                    str(rec[f"raw_{key}"][0]),
                    household=rec["code"],
                )
            )

    def household_rules(self, hh: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
        def add(
            frame: pl.DataFrame,
            key: str,
            kind: str,
            message: pl.Expr | str,
            value: pl.Expr | None = None,
            severity: str = ERROR,
        ) -> None:
            if frame.height == 0:
                return
            frame = frame.with_columns(
                (message if isinstance(message, pl.Expr) else pl.lit(message)).alias("message"),
                (value if value is not None else pl.lit(None, pl.String)).cast(pl.String).alias("value"),
            )
            self.issues.add_frame(
                frame, kind=kind, message="", sheet=self.sheet, column=self.header(key), severity=severity
            )

        # A row without 户类型 takes the registry's (roster_type), so what depends on the type
        # waits for the registry there; here only the rows that state it.
        registered = pl.col("household_type") == "registered"
        for col in ROSTER_COLUMNS:
            if col in REQUIRED_HOUSEHOLD:
                given = ~pl.col(f"_given_{col.key}") if f"_given_{col.key}" in hh.columns else True
                add(
                    hh.filter(pl.col(col.key).is_null() & given & (registered if col.key in REGISTERED_ONLY else True)),
                    col.key,
                    "required",
                    pl.format(_("户编号 {} 未填写“{}”"), "code", pl.lit(col.name)),
                )
        for key in REGISTRATION_FIELDS:
            add(
                hh.filter((pl.col("household_type") == "ordinary") & pl.col(key).is_not_null()),
                key,
                "household_rule",
                pl.format(
                    _("户编号 {} 的户类型为一般农户（未建档立卡），“{}”应为空"), "code", pl.lit(COLUMN_BY_KEY[key].name)
                ),
                pl.col(key).cast(pl.String).replace(code_lists.labels("status")) if key == "status" else pl.col(key),
            )
        add(
            hh.filter(pl.col("_heads") == 0),
            "relation",
            "head",
            pl.format(_("户编号 {} 没有户主：与户主关系须有且只有一人为“户主”"), "code"),
        )
        many = hh.filter(pl.col("_heads") > 1).with_columns(
            pl.col("_head_rows").list.eval(pl.element().cast(pl.String)).list.join(_("、")).alias("_rows_text")
        )
        add(
            many,
            "relation",
            "head",
            pl.format(_("户编号 {} 有 {} 名户主（第 {} 行），一户只能有一名户主"), "code", "_heads", "_rows_text"),
            pl.lit("户主"),
        )
        size_bad = hh.filter(pl.col("household_size").is_not_null() & (pl.col("household_size") != pl.col("persons")))
        add(
            size_bad,
            "household_size",
            "size",
            pl.format(_("家庭人口数为 {}，但户编号 {} 在文件中有 {} 行人员"), "household_size", "code", "persons"),
            pl.col("household_size"),
        )
        exited = hh.filter((pl.col("status") == "exited") & pl.col("exit_year").is_null())
        add(exited, "exit_year", "household_rule", pl.format(_("户编号 {} 为已脱贫，须填写脱贫年度"), "code"))
        early = hh.filter(
            pl.col("exit_year").is_not_null()
            & pl.col("identified_year").is_not_null()
            & (pl.col("exit_year") < pl.col("identified_year"))
        )
        add(
            early,
            "exit_year",
            "household_rule",
            pl.format(_("脱贫年度 {} 早于识别年度 {}"), "exit_year", "identified_year"),
            pl.col("exit_year"),
        )
        if "return_year" not in hh.columns:
            hh = hh.with_columns(pl.lit(None, dtype=pl.Int32).alias("return_year"))
        no_return = hh.filter((pl.col("status") == "returned") & pl.col("return_year").is_null())
        add(
            no_return,
            "status",
            "repaired",
            pl.format(_("户编号 {} 为返贫但未填返贫年度，按导入年度 {} 记录"), "code", pl.lit(self.ctx.year)),
            severity=WARNING,
        )
        hh = hh.with_columns(
            pl.when((pl.col("status") == "returned") & pl.col("return_year").is_null())
            .then(pl.lit(self.ctx.year, dtype=pl.Int32))
            .otherwise(pl.col("return_year"))
            .alias("return_year")
        )
        if "stated_per_capita" in hh.columns:
            have = set(hh.columns)
            computed = per_capita_cents(net_cents(have), pl.col("persons"))
            off = hh.with_columns(computed.alias("_pc")).filter(
                pl.col("stated_per_capita").is_not_null() & ((pl.col("stated_per_capita") - pl.col("_pc")).abs() > 100)
            )
            add(
                off,
                "stated_per_capita",
                "income",
                pl.format(
                    _("填报的人均纯收入 {} 元与按收入、支出和人口计算的 {} 元相差超过 1 元"),
                    (pl.col("stated_per_capita") / 100).round(2),
                    (pl.col("_pc") / 100).round(2),
                ),
                (pl.col("stated_per_capita") / 100).round(2),
                severity=WARNING,
            )
        return hh

    def regions(self, hh: pl.DataFrame) -> pl.DataFrame:
        for key in REGION_KEYS:
            if key not in hh.columns:
                hh = hh.with_columns(pl.lit(None, dtype=pl.String).alias(key))
        combos = hh.select(REGION_KEYS).unique()
        resolved: dict[str, list[Any]] = {"region_id": [], "_path": [], "_fail": [], "_msg": []}
        for county, township, village, hamlet in combos.iter_rows():
            vil, group, fail, msg = self.ctx.regions.resolve(county, township, village, hamlet)
            node = group or vil
            resolved["region_id"].append(node.id if node else None)
            resolved["_path"].append(node.path if node else None)
            resolved["_fail"].append(fail or None)
            resolved["_msg"].append(msg or None)
        combos = combos.with_columns(
            pl.Series("region_id", resolved["region_id"], dtype=pl.Int64),
            pl.Series("_path", resolved["_path"], dtype=pl.String),
            pl.Series("_fail", resolved["_fail"], dtype=pl.String),
            pl.Series("_msg", resolved["_msg"], dtype=pl.String),
        )
        hh = hh.join(combos, on=list(REGION_KEYS), how="left", nulls_equal=True)
        failed = hh.filter(pl.col("_fail").is_not_null())
        for key in ("county", "township", "village"):
            part = failed.filter(pl.col("_fail") == key).with_columns(
                pl.col("_msg").alias("message"), pl.col(key).alias("value")
            )
            self.issues.add_frame(part, kind="region", message="", sheet=self.sheet, column=self.header(key))
        if self.ctx.scope is not None:
            outside = hh.filter(pl.col("_path").is_not_null()).filter(
                ~pl.any_horizontal([pl.col("_path").str.starts_with(p) for p in self.ctx.scope] or [pl.lit(False)])
            )
            outside = outside.with_columns(
                pl.format(_("户编号 {} 所在的{}不在您的管辖范围内"), "code", "village").alias("message"),
                pl.col("village").alias("value"),
            )
            self.issues.add_frame(outside, kind="scope", message="", sheet=self.sheet, column=self.header("village"))
        return hh.drop("_fail", "_msg", "_heads", "_head_rows")
