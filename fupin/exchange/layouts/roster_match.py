"""Layout 1: match the file's households and members to the registry (reads only).

Households are matched by 户编号, then by the head's 证件号码; members within a matched
household by 证件号码. An ID number held by an active member of a household that the import
does not rewrite (not in the file, or in it but not loaded) is an error naming that household.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.utils.translation import gettext as _

from fupin.exchange import bulk
from fupin.exchange.context import ImportContext
from fupin.exchange.crypto import decrypt_later
from fupin.exchange.layouts.roster_read import RosterData
from fupin.exchange.layouts.roster_type import settle_household_type
from fupin.regions.choices import RegionLevel
from fupin.registry.models import Household, HouseholdYear, Member
from fupin.utils.masking import mask_id

HH_SCHEMA = {
    "id": pl.Int64,
    "code": pl.String,
    "region_id": pl.Int64,
    "hamlet": pl.String,
    "registered": pl.Boolean,
    "attribute": pl.String,
    "main_cause": pl.String,
    "other_causes": pl.String,
    "standard": pl.String,
    "identified_year": pl.Int32,
    "status": pl.String,
    "exit_year": pl.Int32,
    "return_year": pl.Int32,
    "phone": pl.String,
    "bank_name": pl.String,
    "bank_account": pl.String,
    "closed_on": pl.Date,
}
MEMBER_SCHEMA = {
    "id": pl.Int64,
    "household_id": pl.Int64,
    "person_code": pl.String,
    "name": pl.String,
    "id_type": pl.String,
    "id_number": pl.String,
    "sex": pl.String,
    "relation": pl.String,
    "ethnicity": pl.String,
    "political": pl.String,
    "education": pl.String,
    "school_status": pl.String,
    "health": pl.String,
    "disability_grade": pl.String,
    "disability_category": pl.String,
    "labour_skill": pl.String,
    "work_status": pl.String,
    "work_months": pl.Int64,
    "welfare_post": pl.String,
    "ins_medical": pl.Boolean,
    "ins_serious_illness": pl.Boolean,
    "ins_pension": pl.Boolean,
    "dibao": pl.Boolean,
    "tekun": pl.Boolean,
    "phone": pl.String,
}
YEAR_MONEY = (
    "wage_income",
    "business_income",
    "property_income",
    "transfer_income",
    "production_cost",
    "net_income",
    "per_capita_net_income",
    "stated_per_capita",
    "arable_land",
    "housing_area",
)
YEAR_SCHEMA = {
    "id": pl.Int64,
    "household_id": pl.Int64,
    **dict.fromkeys(YEAR_MONEY, "cents"),
    "persons": pl.Int64,
    "dangerous_house": pl.Boolean,
    "house_grade": pl.String,
    "water_safe": pl.Boolean,
    "electricity_living": pl.Boolean,
    "road_type": pl.String,
    "toilet": pl.Boolean,
    "fuel": pl.String,
    "cooperative": pl.Boolean,
}


def _cols(schema: dict, table_alias: str = "") -> str:
    prefix = f"{table_alias}." if table_alias else ""
    return ", ".join(f"{prefix}{bulk.quote(c)}" for c in schema)


@dataclass
class Matched:
    households: pl.DataFrame  # DB households matched to the file (HH_SCHEMA + file_code)
    members: pl.DataFrame  # their active members (MEMBER_SCHEMA)
    years: pl.DataFrame  # their facts for the import year (YEAR_SCHEMA)


def fetch_households(codes: list[str], head_ids: dict[str, str]) -> pl.DataFrame:
    table = Household._meta.db_table
    by_code = bulk.fetch(
        f"SELECT {_cols(HH_SCHEMA)} FROM {bulk.quote(table)} WHERE code IN ({{keys}})",  # noqa: S608
        codes,
        HH_SCHEMA,
    )
    by_code = by_code.with_columns(pl.col("code").alias("file_code"))
    found_codes = set(by_code["code"].to_list())
    unmatched = {code: head for code, head in head_ids.items() if head and code not in found_codes}
    frames = [by_code]
    if unmatched:
        member = bulk.quote(Member._meta.db_table)
        heads = bulk.fetch(
            f"SELECT id_number, household_id FROM {member} WHERE ended_on IS NULL AND relation = '01' "  # noqa: S608
            f"AND id_number IN ({{keys}})",
            list(unmatched.values()),
            {"id_number": pl.String, "household_id": pl.Int64},
        )
        if heads.height:
            by_head = {v: k for k, v in unmatched.items()}
            heads = heads.with_columns(
                pl.col("id_number").replace_strict(by_head, return_dtype=pl.String).alias("file_code")
            )
            found = bulk.fetch(
                f"SELECT {_cols(HH_SCHEMA)} FROM {bulk.quote(table)} WHERE id IN ({{keys}})",  # noqa: S608
                heads["household_id"].to_list(),
                HH_SCHEMA,
            )
            file_codes = set(codes)
            found = found.join(heads.select(pl.col("household_id").alias("id"), "file_code"), on="id")
            # A household whose own code is also in the file is matched by that code, not by its head.
            found = found.filter(~pl.col("code").is_in(list(file_codes)))
            frames.append(found)
    return pl.concat(frames, how="vertical_relaxed").unique("id", keep="first")


def match(data: RosterData, ctx: ImportContext) -> Matched:
    hh = data.households
    codes = hh["code"].to_list()
    heads = dict(zip(codes, hh["head_id"].to_list(), strict=True))
    matched = fetch_households(codes, heads)
    closed = matched.filter(pl.col("closed_on").is_not_null())
    if closed.height:
        rows = hh.join(closed.select("file_code"), left_on="code", right_on="file_code").with_columns(
            pl.format(_("户编号 {} 已注销，不能再导入"), "code").alias("message"), pl.col("code").alias("value")
        )
        ctx.issues.add_frame(rows, kind="household_rule", message="", sheet=data.sheet, column=data.headers["code"])
        matched = matched.filter(pl.col("closed_on").is_null())
    settle_household_type(data, matched, ctx)
    settle_hamlet(data, matched, ctx)
    if ctx.scope is not None and matched.height:
        paths = {
            rid: ctx.regions.by_id[rid].path
            for rid in matched["region_id"].unique().to_list()
            if rid in ctx.regions.by_id
        }
        outside = [
            fc
            for fc, rid in zip(matched["file_code"], matched["region_id"], strict=True)
            if not ctx.in_scope(paths.get(rid, ""))
        ]
        if outside:
            rows = hh.filter(pl.col("code").is_in(outside)).with_columns(
                pl.format(_("户编号 {} 现登记在您管辖范围以外的区域，不能由您导入"), "code").alias("message"),
                pl.col("code").alias("value"),
            )
            ctx.issues.add_frame(rows, kind="scope", message="", sheet=data.sheet, column=data.headers["code"])
    # Decrypting bank accounts runs in a worker while the members and years are read.
    accounts = decrypt_later(matched["bank_account"].fill_null("").to_list())
    ids = matched["id"].to_list()
    member_table = bulk.quote(Member._meta.db_table)
    members = bulk.fetch(
        f"SELECT {_cols(MEMBER_SCHEMA)} FROM {member_table} WHERE ended_on IS NULL AND household_id IN ({{keys}})",  # noqa: S608
        ids,
        MEMBER_SCHEMA,
    )
    year_table = bulk.quote(HouseholdYear._meta.db_table)
    years = bulk.fetch(
        f"SELECT {_cols(YEAR_SCHEMA)} FROM {year_table} WHERE year = %s AND household_id IN ({{keys}})",  # noqa: S608
        ids,
        YEAR_SCHEMA,
        extra=[ctx.year],
    )
    matched = matched.with_columns(pl.Series("bank_account", accounts.result(), dtype=pl.String))
    return Matched(matched, members, years)


def settle_hamlet(data: RosterData, matched: pl.DataFrame, ctx: ImportContext) -> None:
    """Settle each household's region and 自然村 (`hamlet`) in `data.households`, in place.

    The one 自然村 column (alias 村民小组, 组) stands for two things the registry keeps apart: a
    household's region may be a group (村民小组) of its village, and its `hamlet` is free text.
    The export writes the group's name when the household is in a group, else the hamlet, so
    that an unchanged re-import changes nothing:

    - a cell holding the household's own hamlet keeps it where it is, in the village or a group
      of it (exports before the group came first wrote the hamlet; a hamlet may share a
      group's name);
    - else a cell naming a group of the row's village puts the household in that group and
      leaves its hamlet as the registry has it (a new household gets none): the cell was the
      group;
    - any other cell is the hamlet, and the household sits in the village itself;
    - a file without the column says nothing of either: a household keeps its group.
    """
    groups = {
        n.id: ctx.regions.by_code[n.parent_code].id
        for n in ctx.regions.by_id.values()
        if n.level == RegionLevel.GROUP and n.parent_code in ctx.regions.by_code
    }
    paths = {n.id: n.path for n in ctx.regions.by_id.values()}
    known = matched.select(
        pl.col("file_code").alias("code"), pl.col("region_id").alias("_db_region"), pl.col("hamlet").alias("_db_hamlet")
    )
    hh = data.households.join(known, on="code", how="left", maintain_order="left")
    file_region = pl.col("region_id")
    village = file_region.replace(groups)
    db_village = pl.col("_db_region").replace_strict(groups, default=None, return_dtype=pl.Int64)
    in_group_of_village = db_village.is_not_null() & (db_village == village)
    if "hamlet" not in data.present:
        region = pl.when(in_group_of_village).then(pl.col("_db_region")).otherwise(file_region)
        hh = hh.with_columns(region.alias("region_id"))
    else:
        text = pl.col("hamlet")
        named_group = file_region.is_in(list(groups))
        same_village = in_group_of_village | (pl.col("_db_region") == village)
        own_hamlet = same_village & text.is_not_null() & (text == pl.col("_db_hamlet"))
        hh = hh.with_columns(
            pl.when(own_hamlet).then(pl.col("_db_region")).otherwise(file_region).alias("region_id"),
            pl.when(named_group).then(pl.col("_db_hamlet")).otherwise(text).alias("hamlet"),
        )
    path = pl.col("region_id").replace_strict(paths, default=pl.col("_path"), return_dtype=pl.String)
    data.households = hh.with_columns(path.alias("_path")).drop("_db_region", "_db_hamlet")


def id_conflicts(data: RosterData, matched: Matched, ctx: ImportContext, bad: set[str]) -> set[str]:
    """Report every file ID that an active member of a household the import does not rewrite
    keeps, and return `bad` with the file's households that cannot load for it.

    A member of a household the import rewrites may move to another file household (the
    rewrite ends it there before the move inserts it). A household that does not load — bad
    already, or bad here — is not rewritten, so its members stay, and every file household
    taking one of them cannot load either: that follows to its end here (a chain across the
    file may be long), so that the write never meets the registry's one-active-ID rule.
    """
    bad = set(bad)
    pairs = _holders(data, matched)
    if not pairs.height:
        return bad
    file_hid = dict(zip(matched.households["file_code"].to_list(), matched.households["id"].to_list(), strict=True))
    # Held by a household the file does not rewrite at all (not in it, or closed).
    outside = pairs.filter(~pl.col("household_id").is_in(list(file_hid.values())))
    _report(outside, data, ctx, _("证件号码 {} 已登记在户 {}（{}）的在册成员名下"))
    bad.update(outside["code"].drop_nulls().to_list())
    # Held by a file household: blocked once that household does not load.
    inside = pairs.filter(pl.col("household_id").is_in(list(file_hid.values())) & pl.col("code").is_not_null())
    takers: dict[int, set[str]] = {}
    for code, hid in inside.select("code", "household_id").iter_rows():
        takers.setdefault(hid, set()).add(code)
    queue = [file_hid[c] for c in bad if c in file_hid]
    newly: set[str] = set()
    while queue:
        for code in takers.get(queue.pop(), ()):
            if code not in bad:
                bad.add(code)
                newly.add(code)
                if code in file_hid:
                    queue.append(file_hid[code])
    if newly:
        dropped = [file_hid[c] for c in bad if c in file_hid]
        stranded = inside.filter(pl.col("code").is_in(list(newly)) & pl.col("household_id").is_in(dropped))
        _report(
            stranded,
            data,
            ctx,
            _("证件号码 {} 已登记在户 {}（{}）的在册成员名下；该户有错误未导入，此人仍属该户"),
        )
    return bad


def _holders(data: RosterData, matched: Matched) -> pl.DataFrame:
    """The file's member rows whose ID an active member of another registry household holds:
    `_row`, `code`, `id_number`, and the holder's `household_id`, `holder` (its code) and
    `holder_name`. The matched households' members are at hand; only the rest is asked."""
    members = data.members.filter(pl.col("id_number").is_not_null()).select("_row", "code", "id_number")
    codes = matched.households.select(pl.col("id").alias("household_id"), pl.col("code").alias("holder"))
    known = matched.members.select("id_number", "household_id", pl.col("name").alias("holder_name")).join(
        codes, on="household_id"
    )
    ask = members.join(known.select("id_number"), on="id_number", how="anti")["id_number"].to_list()
    holders = bulk.fetch(
        f"SELECT m.id_number, m.household_id, h.code, m.name FROM {bulk.quote(Member._meta.db_table)} m "  # noqa: S608
        f"JOIN {bulk.quote(Household._meta.db_table)} h ON h.id = m.household_id "
        f"WHERE m.ended_on IS NULL AND m.id_number IN ({{keys}})",
        ask,
        {"id_number": pl.String, "household_id": pl.Int64, "holder": pl.String, "holder_name": pl.String},
    )
    holders = pl.concat([known.select(holders.columns), holders], how="vertical_relaxed")
    own = matched.households.select(pl.col("file_code").alias("code"), pl.col("id").alias("_own"))
    pairs = members.join(holders, on="id_number").join(own, on="code", how="left")
    # A member the registry has in the row's own household is no conflict.
    return pairs.filter(pl.col("_own").is_null() | (pl.col("_own") != pl.col("household_id"))).drop("_own")


def _report(rows: pl.DataFrame, data: RosterData, ctx: ImportContext, message: str) -> None:
    """One id_registered error per row, naming the holding household; the ID is masked."""
    if not rows.height:
        return
    masked = pl.col("id_number").map_elements(mask_id, return_dtype=pl.String)
    rows = rows.sort("_row").with_columns(
        pl.format(message, masked, "holder", "holder_name").alias("message"), masked.alias("value")
    )
    ctx.issues.add_frame(rows, kind="id_registered", message="", sheet=data.sheet, column=data.headers["id_number"])
