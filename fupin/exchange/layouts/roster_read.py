"""Layout 1: from a header-located table to validated household and member frames.

Every rule of SPEC/exchange.md is a column-wise polars step; only the rows that fail reach
Python (as issues). Nothing here touches the database except the region tree. This module
maps the columns and reads and checks the member rows; the households are built and checked
in roster_households.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.utils.translation import gettext as _

from fupin.exchange.context import ImportContext
from fupin.exchange.issues import ERROR, WARNING, Issue, ignored_columns
from fupin.exchange.layouts.roster_columns import COLUMN_BY_KEY, REGISTERED_ONLY
from fupin.exchange.layouts.roster_households import HouseholdSteps

# Imported from here by roster_load and the tests: the income rules live with the household steps.
from fupin.exchange.layouts.roster_households import net_cents as net_cents
from fupin.exchange.layouts.roster_households import per_capita_cents as per_capita_cents
from fupin.exchange.parsing import id_message, parse_column, parse_ids
from fupin.exchange.reading import Table
from fupin.exchange.spec import IDNO, Column

SUMMARY = r"^(合计|总计|小计)"


@dataclass
class RosterData:
    sheet: str
    households: pl.DataFrame  # one row per 户编号
    members: pl.DataFrame  # one row per person
    present: set[str]  # keys of the columns the file carries
    headers: dict[str, str]  # key → header as written in the file
    rows: int  # person rows read (after skipping empty and summary rows)
    skipped: int


class RosterReader(HouseholdSteps):
    """Reads one roster sheet: the columns, every member row parsed and checked, then the
    households (HouseholdSteps)."""

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
            self.issues.add(ignored_columns(ignored, self.sheet, self.table.header_row))
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
                    rows=_("、").join(map(str, r["_row"]))
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
