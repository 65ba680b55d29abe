"""Layout 1's load plan: how the file's columns map to model fields, the counts a load
reports, and the set-based helpers that compare the file with the registry (roster_load
uses them to decide what to create, update or leave)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from fupin.exchange.changes import plain
from fupin.exchange.layouts.roster_columns import YEAR_FIELDS
from fupin.exchange.layouts.roster_match import YEAR_MONEY

# model field → (file key or None when always given, default for an empty cell)
HH_MAP: dict[str, tuple[str | None, Any]] = {
    "code": (None, ""),
    "region_id": (None, None),
    "hamlet": ("hamlet", ""),
    "registered": ("household_type", True),  # see _registered
    "attribute": ("attribute", ""),
    "main_cause": ("main_cause", ""),
    "other_causes": ("other_causes", ""),
    "standard": ("standard", ""),
    "identified_year": ("identified_year", None),
    "status": ("status", ""),
    "exit_year": ("exit_year", None),
    "return_year": ("return_year", None),
    "phone": ("household_phone", ""),
    "bank_name": ("bank_name", ""),
    "bank_account": ("bank_account", ""),
}
MEMBER_MAP: dict[str, tuple[str | None, Any]] = {
    "person_code": ("person_code", ""),
    "name": (None, ""),
    "id_type": ("id_type", "01"),
    "sex": (None, ""),
    "relation": (None, ""),
    "ethnicity": ("ethnicity", "01"),
    "political": ("political", "13"),
    "education": ("education", ""),
    "school_status": ("school_status", ""),
    "health": (None, "01"),
    "disability_grade": ("disability_grade", ""),
    "disability_category": ("disability_category", ""),
    "labour_skill": (None, ""),
    "work_status": ("work_status", ""),
    "work_months": ("work_months", None),
    "welfare_post": ("welfare_post", ""),
    "ins_medical": ("ins_medical", False),
    "ins_serious_illness": ("ins_serious_illness", False),
    "ins_pension": ("ins_pension", False),
    "dibao": ("dibao", False),
    "tekun": ("tekun", False),
    "phone": ("phone", ""),
}
YEAR_INPUT = YEAR_FIELDS  # the yearly facts a roster carries, in the columns' order
YEAR_ZERO = {"wage_income", "business_income", "property_income", "transfer_income", "production_cost"}
YEAR_TEXT = {"house_grade", "road_type", "fuel"}
MONEY = set(YEAR_MONEY) | {"claims_income", "compliant_out_of_pocket"}


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ended: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged, "ended": self.ended}


@dataclass
class RosterPlan:
    households: Counts = field(default_factory=Counts)
    members: Counts = field(default_factory=Counts)
    years: Counts = field(default_factory=Counts)
    ended: list[tuple[str, str]] = field(default_factory=list)  # (户编号, name) of members ended
    writes: list = field(default_factory=list)  # deferred write steps (callables)

    def counts(self) -> dict[str, dict[str, int]]:
        return {
            "households": self.households.as_dict(),
            "members": self.members.as_dict(),
            "years": self.years.as_dict(),
        }


def _registered() -> pl.Expr:
    """户类型 → 建档立卡. Matching has filled every empty 户类型 (roster_type): a household in
    the registry keeps its own, a new one is registered (a roster of registered households)."""
    return (pl.col("household_type").fill_null("registered") != "ordinary").alias("registered")


def file_values(
    frame: pl.DataFrame, mapping: dict[str, tuple[str | None, Any]], present: set[str], *, only_present: bool
) -> pl.DataFrame:
    """The file's values under model field names (absent columns → defaults or left out)."""
    exprs = []
    for name, (key, default) in mapping.items():
        if name == "registered":
            exprs.append(_registered())
            continue
        source = name if key is None else key
        if key is not None and key not in present:
            if only_present:
                continue
            exprs.append(pl.lit(default).alias(name))
            continue
        col = pl.col(source)
        exprs.append((col.fill_null(default) if default is not None else col).alias(name))
    return frame.select(exprs)


def diff_rows(
    new: pl.DataFrame, old: pl.DataFrame, fields: list[str], key: str = "id"
) -> tuple[pl.DataFrame, list[str]]:
    """Rows of `new` (joined to `old` on key) where any field differs; plus the field list.

    The join is filtered as it streams, so a re-import of a million unchanged persons never
    holds the joined million rows; only changed rows get their per-field flags."""
    if not fields:
        return new.clear(), fields
    differs = pl.any_horizontal([pl.col(f).ne_missing(pl.col(f"{f}__old")) for f in fields])
    joined = (
        new.lazy()
        .join(old.lazy().select([key, *fields]), on=key, suffix="__old")
        .filter(differs)
        .collect(engine="streaming")
    )
    changed = [(pl.col(f).ne_missing(pl.col(f"{f}__old"))).alias(f"__ch_{f}") for f in fields]
    return joined.with_columns(changed), fields


def lookup(frame: pl.DataFrame, table: pl.DataFrame, on: list[str], value: str) -> pl.Series:
    """`table[value]` for each row of `frame` by the unique key `on` (null where absent)."""
    found = frame.select(on).join(table.select([*on, value]), on=on, how="left", maintain_order="left")
    if found.height != frame.height:  # the key is unique in the registry and in a valid file
        raise ValueError(f"duplicate key {on} in lookup")
    return found[value]


def log_rows(rows: pl.DataFrame, fields: list[str], repr_col: str, related_col: str) -> list:
    out = []
    for rec in rows.iter_rows(named=True):
        before, after = {}, {}
        for f in fields:
            if rec[f"__ch_{f}"]:
                name = f.removesuffix("_id") if f in ("region_id",) else f
                before[name] = plain(rec[f"{f}__old"], f, MONEY)
                after[name] = plain(rec[f], f, MONEY)
        out.append((rec["id"], rec[repr_col], rec[related_col], before, after))
    return out
