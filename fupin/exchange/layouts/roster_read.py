"""Layout 1: from a header-located table to validated household and member frames.

Every rule of SPEC/exchange.md is a column-wise polars step; only the rows that fail reach
Python (as issues). Nothing here touches the database except the region tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from fupin.exchange import codes as code_lists
from fupin.exchange.context import ImportContext
from fupin.exchange.issues import ERROR, INFO, WARNING, Issue
from fupin.exchange.layouts.roster_columns import (
    COLUMN_BY_KEY,
    REGION_KEYS,
    REGISTERED_ONLY,
    REGISTRATION_FIELDS,
    ROSTER_COLUMNS,
)
from fupin.exchange.parsing import id_message, parse_column, parse_ids
from fupin.exchange.reading import Table
from fupin.exchange.spec import AREA, CODE, CODES, DATE, IDNO, INT, MONEY, PHONE, TEXT, YEAR, YESNO, Column

SUMMARY = r"^(合计|总计|小计)"
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


@dataclass
class RosterData:
    sheet: str
    households: pl.DataFrame  # one row per 户编号
    members: pl.DataFrame  # one row per person
    present: set[str]  # keys of the columns the file carries
    headers: dict[str, str]  # key → header as written in the file
    rows: int  # person rows read (after skipping empty and summary rows)
    skipped: int


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


class RosterReader:
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

    # -- steps -----------------------------------------------------------------------------

    def map_columns(self) -> dict[str, str] | None:
        used: dict[str, str] = {}
        ignored: list[str] = []
        for j, text in enumerate(self.table.headers):
            if not text:
                continue
            col = self.layout.column(text)
            if col is None:
                ignored.append(text)
                continue
            if col.key in used:
                self.issues.add(
                    Issue(
                        "ignored_column",
                        _("与“{first}”重复，已忽略").format(first=self.headers[col.key]),
                        self.sheet,
                        self.table.header_row,
                        text,
                        severity=WARNING,
                    )
                )
                continue
            used[col.key] = f"c{j}"
            self.headers[col.key] = text
        if ignored:
            self.issues.add(
                Issue(
                    "ignored_column",
                    _("未识别的列，已忽略：{names}").format(names="、".join(ignored)),
                    self.sheet,
                    self.table.header_row,
                    severity=INFO,
                )
            )
        missing = [c for c in self.layout.required if c.key not in used]
        if "household_type" in used:
            # A file of 一般农户 alone may lack what only registered households need; a
            # registered household of it is then told its empty cell row by row.
            missing = [c for c in missing if c.key not in REGISTERED_ONLY]
        for c in missing:
            self.issues.add(
                Issue(
                    "missing_column",
                    _("缺少必填列“{name}”").format(name=c.name),
                    self.sheet,
                    self.table.header_row,
                    c.name,
                )
            )
        return None if missing else used

    def run(self) -> RosterData | None:
        used = self.map_columns()
        if used is None:
            return None
        keys = list(used)
        # The grid is trimmed already: these are renamed references, not copies.
        raw = self.table.frame.select(pl.col("_row"), *[pl.col(c).alias(f"raw_{k}") for k, c in used.items()])
        total = raw.height
        rawcols = [f"raw_{k}" for k in keys]
        empty = pl.all_horizontal([pl.col(c).is_null() for c in rawcols])
        # 合计/总计 rows carry their label in one of the leading or key columns.
        probe = [f"raw_{k}" for k in ("county", "township", "village", "code", "name", "id_number") if k in keys]
        first = self.table.frame.columns[0]
        summary = pl.any_horizontal(
            [pl.col(c).cast(pl.String).str.replace_all(r"\s", "").str.contains(SUMMARY) for c in probe]
        )
        raw = raw.with_columns(self.table.frame[first].cast(pl.String).alias("__first"))
        summary = summary | pl.col("__first").str.replace_all(r"\s", "").str.contains(SUMMARY)
        keep = raw.select((~empty & ~summary.fill_null(False)).alias("keep")).to_series()
        raw = raw.drop("__first")
        # The columns used live on in `raw`: let the sheet's other columns go, and copy the
        # rows only when some are dropped (a filter copies every column of a million rows).
        self.table.frame = self.table.frame.clear()
        if not keep.all():
            raw = raw.filter(keep)
        skipped = total - raw.height
        if raw.height == 0:
            self.issues.add(Issue("file", _("表头下没有任何数据行"), self.sheet, self.table.header_row))
            return None
        raw = raw.with_columns(pl.col("raw_code").alias("code"))
        typed = self.parse(raw, keys)
        typed = self.member_rules(typed, raw, keys)
        households = self.households(typed, raw, keys)
        members = typed.select(["_row", "code", *[k for k in typed.columns if k in _MEMBER_KEYS]])
        return RosterData(self.sheet, households, members, set(keys), self.headers, raw.height, skipped)

    def parse(self, raw: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
        out: dict[str, pl.Series] = {"_row": raw["_row"], "code": raw["code"]}
        for key in keys:
            col: Column = COLUMN_BY_KEY[key]
            series = raw[f"raw_{key}"]
            if col.kind == IDNO:
                continue
            parsed = parse_column(series, col)
            if parsed.kind:
                bad = raw.filter(parsed.bad)
                if bad.height:
                    self.report(bad, key, parsed.kind, parsed.message)
            out[key] = parsed.values.rename(key) if key != "code" else raw["code"]
        typed = pl.DataFrame(out)
        return self.parse_ids(typed, raw)

    def parse_ids(self, typed: pl.DataFrame, raw: pl.DataFrame) -> pl.DataFrame:
        ids = parse_ids(raw["raw_id_number"], today=self.ctx.today)
        resident = (typed["id_type"].fill_null("01") == "01") if "id_type" in typed.columns else None
        if resident is not None:
            plain = raw["raw_id_number"].str.replace_all(r"\s", "").str.to_uppercase()
            ids = ids.with_columns(
                pl.when(resident).then(pl.col("id")).otherwise(plain).alias("id"),
                pl.when(resident).then(pl.col("problem")).otherwise(None).alias("problem"),
                (pl.col("upgraded") & resident).alias("upgraded"),
            )
        bad = raw.select("_row", "code", "raw_id_number").with_columns(ids["problem"], ids["id"].alias("norm"))
        excel = bad.filter(pl.col("problem") == "excel")
        self.report(excel, "id_number", "id_excel", id_message("4.30405196503150E+17"))
        other = bad.filter(pl.col("problem").is_not_null() & (pl.col("problem") != "excel"))
        if other.height:
            head = other.head(self.issues.cap).with_columns(
                pl.col("norm")
                .map_elements(lambda n: id_message(n, today=self.ctx.today), return_dtype=pl.String)
                .alias("message")
            )
            self.report(head, "id_number", "id_number", "")
            if other.height > head.height:
                self.issues.counts[(ERROR, "id_number")] += other.height - head.height
                self.issues.bad_households.update(other["code"].drop_nulls().to_list())
                self.issues.bad_rows.setdefault(self.sheet, set()).update(other["_row"].to_list())
        upgraded = bad.filter(ids["upgraded"].fill_null(False)).with_columns(
            (pl.lit(_("15 位证件号码已升为 18 位：")) + pl.col("norm")).alias("message")
        )
        self.report(upgraded, "id_number", "id_upgraded", "", severity=WARNING)
        valid = ids["id"].alias("id_number")
        typed = typed.with_columns(pl.when(ids["problem"].is_null()).then(valid).otherwise(None).alias("id_number"))
        dup = typed.filter(pl.col("id_number").is_not_null() & pl.col("id_number").is_duplicated())
        if dup.height:
            rows = dup.group_by("id_number").agg(pl.col("_row").sort())
            msg = {
                r["id_number"]: _("证件号码在文件中重复出现（第 {rows} 行）").format(
                    rows="、".join(map(str, r["_row"]))
                )
                for r in rows.iter_rows(named=True)
            }
            frame = dup.join(raw.select("_row", "raw_id_number"), on="_row").with_columns(
                pl.col("id_number").replace_strict(msg, return_dtype=pl.String).alias("message")
            )
            self.report(frame, "id_number", "id_duplicate", "")
        return typed

    def member_rules(self, typed: pl.DataFrame, raw: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
        """Required person fields, defaults, and the rules across fields of one member."""
        for key in ("name", "id_number", "relation", "health", "labour_skill"):
            missing = raw.filter(raw[f"raw_{key}"].is_null())
            self.report(missing, key, "required", _("必填，不能为空"))
        for key, default in (("id_type", "01"), ("ethnicity", "01"), ("political", "13")):
            typed = typed.with_columns(
                (typed[key] if key in typed.columns else pl.lit(None, pl.String)).fill_null(default).alias(key)
            )
        for key in (
            "person_code",
            "education",
            "school_status",
            "disability_grade",
            "disability_category",
            "work_status",
            "welfare_post",
            "phone",
            "sex",
        ):
            if key not in typed.columns:
                typed = typed.with_columns(pl.lit(None, dtype=pl.String).alias(key))
        for key in ("ins_medical", "ins_serious_illness", "ins_pension", "dibao", "tekun"):
            if key not in typed.columns:
                typed = typed.with_columns(pl.lit(None, dtype=pl.Boolean).alias(key))
        if "work_months" not in typed.columns:
            typed = typed.with_columns(pl.lit(None, dtype=pl.Int64).alias("work_months"))
        if "birth_date" not in typed.columns:
            typed = typed.with_columns(pl.lit(None, dtype=pl.Date).alias("birth_date"))
        resident = pl.col("id_type") == "01"
        with_id = pl.col("id_number").is_not_null()
        derived_sex = (
            pl.when(pl.col("id_number").str.slice(16, 1).cast(pl.Int32, strict=False) % 2 == 1)
            .then(pl.lit("1"))
            .otherwise(pl.lit("2"))
        )
        checks = pl.concat(
            [
                typed.with_columns(
                    derived_sex.alias("_sex"),
                    pl.col("id_number").str.slice(6, 8).str.to_date("%Y%m%d", strict=False).alias("_born"),
                ),
                raw.drop("_row", "code"),
            ],
            how="horizontal",
        )
        # 性别 must agree with the ID's 17th digit when both are given.
        wrong_sex = checks.filter(resident & with_id & pl.col("sex").is_not_null() & (pl.col("sex") != pl.col("_sex")))
        self.report(
            wrong_sex.with_columns(
                pl.format(
                    _("与证件号码第 17 位不符（证件号码为{}性）"), pl.col("_sex").replace_strict({"1": "男", "2": "女"})
                ).alias("message")
            ),
            "sex",
            "member_rule",
            "",
        )
        foreign = checks.filter(~resident & with_id & (pl.col("birth_date").is_null() | pl.col("sex").is_null()))
        self.report(foreign, "id_number", "member_rule", _("非居民身份证的成员须填写出生日期和性别"))
        # 非在校生 beside a 文化程度 says the same thing twice: keep the 文化程度.
        checks = checks.with_columns(
            pl.when((pl.col("school_status") == "01") & pl.col("education").is_not_null())
            .then(None)
            .otherwise(pl.col("school_status"))
            .alias("school_status")
        )
        xor = checks.filter(pl.col("education").is_null() == pl.col("school_status").is_null())
        self.report(xor, "education", "member_rule", _("文化程度与在校生状况须且只能填写一项"))
        months = checks.filter(pl.col("work_status").is_null() != pl.col("work_months").is_null())
        self.report(months, "work_months", "member_rule", _("务工状况与务工时间(月)须同时填写或同时为空"))
        range_bad = checks.filter(pl.col("work_months").is_not_null() & ~pl.col("work_months").is_between(0, 12))
        self.report(range_bad, "work_months", "member_rule", _("务工时间应为 0–12 个月"))
        typed = typed.with_columns(
            checks["school_status"],
            pl.when(resident).then(pl.coalesce("sex", derived_sex)).otherwise(pl.col("sex")).alias("sex"),
            pl.when(resident).then(checks["_born"]).otherwise(pl.col("birth_date")).alias("birth_date"),
            *[
                pl.col(k).fill_null(False)
                for k in ("ins_medical", "ins_serious_illness", "ins_pension", "dibao", "tekun")
            ],
        )
        return typed

    def households(self, typed: pl.DataFrame, raw: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
        hh_keys = [k for k in keys if COLUMN_BY_KEY[k].household and k != "code"]
        missing_code = raw.filter(pl.col("code").is_null())
        self.report(missing_code, "code", "required", _("必填，不能为空"))
        rows = typed.filter(pl.col("code").is_not_null())
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
            listing = "；".join(
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
            if col.household and col.required and col.key not in REGION_KEYS and col.key != "code":
                add(
                    hh.filter(pl.col(col.key).is_null() & (registered if col.key in REGISTERED_ONLY else True)),
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
            pl.col("_head_rows").list.eval(pl.element().cast(pl.String)).list.join("、").alias("_rows_text")
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


_MEMBER_KEYS = {
    "person_code",
    "name",
    "id_type",
    "id_number",
    "sex",
    "birth_date",
    "relation",
    "ethnicity",
    "political",
    "education",
    "school_status",
    "health",
    "disability_grade",
    "disability_category",
    "labour_skill",
    "work_status",
    "work_months",
    "welfare_post",
    "ins_medical",
    "ins_serious_illness",
    "ins_pension",
    "dibao",
    "tekun",
    "phone",
}


def read_roster(table: Table, ctx: ImportContext, layout) -> RosterData | None:
    return RosterReader(table, ctx, layout).run()
