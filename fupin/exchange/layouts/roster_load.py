"""Layout 1: compare the file with the registry and write the difference, set-based.

New households, members, yearly facts and status events are inserted in bulk (COPY on
PostgreSQL, executemany on SQLite); changed rows are updated field by field; members that
a re-imported household no longer lists are ended (其他转出), never deleted. Every created,
changed or ended row gets its change-log row with the import's batch id. The caller holds
the one transaction around all of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from fupin.core.choices import ChangeAction
from fupin.core.fields import encrypt
from fupin.exchange import bulk
from fupin.exchange.changes import ChangeLog, plain
from fupin.exchange.context import ImportContext
from fupin.exchange.crypto import encrypt_later
from fupin.exchange.layouts.roster_match import YEAR_MONEY, Matched
from fupin.exchange.layouts.roster_read import RosterData, net_cents, per_capita_cents
from fupin.registry.choices import MemberChangeReason, PovertyStatus, StatusEventKind
from fupin.registry.models import Household, HouseholdStatusEvent, HouseholdYear, Member

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
YEAR_INPUT = (
    "wage_income",
    "business_income",
    "property_income",
    "transfer_income",
    "production_cost",
    "stated_per_capita",
    "arable_land",
    "housing_area",
    "dangerous_house",
    "house_grade",
    "water_safe",
    "electricity_living",
    "road_type",
    "toilet",
    "fuel",
    "cooperative",
)
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


def _values(
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


def _diff(new: pl.DataFrame, old: pl.DataFrame, fields: list[str], key: str = "id") -> tuple[pl.DataFrame, list[str]]:
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


def _lookup(frame: pl.DataFrame, table: pl.DataFrame, on: list[str], value: str) -> pl.Series:
    """`table[value]` for each row of `frame` by the unique key `on` (null where absent)."""
    found = frame.select(on).join(table.select([*on, value]), on=on, how="left", maintain_order="left")
    if found.height != frame.height:  # the key is unique in the registry and in a valid file
        raise ValueError(f"duplicate key {on} in lookup")
    return found[value]


def _log_rows(rows: pl.DataFrame, fields: list[str], repr_col: str, related_col: str) -> list:
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


class RosterLoader:
    def __init__(self, data: RosterData, matched: Matched, ctx: ImportContext, log: ChangeLog) -> None:
        self.data, self.matched, self.ctx, self.log = data, matched, ctx, log
        self.plan = RosterPlan()
        self.late: list = []
        self._accounts: Any = None
        # New households are logged once each, with their members and year nested
        # (docs/decisions/0003): their frames wait here until all three are written.
        self._new_households: pl.DataFrame | None = None
        self._new_members: pl.DataFrame | None = None
        self._new_years: pl.DataFrame | None = None
        self.now = log.now
        self.today = ctx.today

    # -- households ------------------------------------------------------------------------

    def households(self) -> pl.DataFrame:
        """Plan household inserts/updates; returns code → household id for every file household."""
        hh = self.data.households
        present = self.data.present
        ids = self.matched.households.select(pl.col("file_code").alias("code"), "id")
        hh = hh.join(ids, on="code", how="left")
        new = hh.filter(pl.col("id").is_null())
        old = hh.filter(pl.col("id").is_not_null())
        # New households.
        new_ids = (
            bulk.allocate_ids(Household._meta.db_table, new.height)
            if self.write
            else pl.Series("id", range(-new.height, 0), dtype=pl.Int64)
        )
        new = new.with_columns(new_ids.alias("id"))
        if not self.write:
            self.ctx.pending_codes.update(new["code"].to_list())
        self.plan.households.created = new.height
        if new.height:
            values = _values(new, HH_MAP, present, only_present=False).with_columns(new["id"])
            values = values.with_columns(
                pl.lit(False).alias("military_family"),
                pl.lit(False).alias("only_child"),
                pl.lit(False).alias("two_daughters"),
                pl.lit(None, dtype=pl.Date).alias("closed_on"),
                pl.lit("").alias("close_reason"),
            )
            # Members, years and events reference households through deferred foreign keys, so the
            # households can go in last, once the worker has encrypted their bank accounts.
            self._accounts = encrypt_later(values["bank_account"].to_list()) if self.write else None
            self._new_households = values
            self.late.append((self._insert_households, (values,)))
            self.late.append((self._status_events_new, (values,)))
        # Matched households: changed fields only.
        if old.height:
            fields = [f for f, (key, _d) in HH_MAP.items() if key is None or key in present or f == "registered"]
            newvals = _values(old, HH_MAP, present, only_present=True).with_columns(old["id"])
            changed, fields = _diff(newvals, self.matched.households, fields)
            self.plan.households.updated = changed.height
            self.plan.households.unchanged = old.height - changed.height
            if changed.height:
                self.defer(self._update_households, changed, fields)
        return pl.concat([new.select("code", "id"), old.select("code", "id")])

    def _insert_households(self, values: pl.DataFrame) -> None:
        assert self._accounts is not None  # started when the insert was planned
        accounts = self._accounts.result()
        frame = values.with_columns(
            pl.Series("bank_account", accounts, dtype=pl.String),
            pl.lit(self.now).dt.replace_time_zone(None).alias("created"),
            pl.lit(self.now).dt.replace_time_zone(None).alias("updated"),
        )
        bulk.insert(Household._meta.db_table, frame, progress=self.advance)

    def _log_new_households(self) -> None:
        if self._new_households is None:
            return
        self.log.add_households_created(
            self._new_households,
            self._new_members,
            self._new_years,
            household_model=Household,
            member_model=Member,
            year_model=HouseholdYear,
            year_money=MONEY | {"irrigated_land", "forest_land", "road_distance"},
        )
        self._new_members = self._new_years = None

    def _status_events_new(self, values: pl.DataFrame) -> None:
        reg = values.filter(pl.col("registered"))
        first = (
            pl.when(pl.col("status").is_in([PovertyStatus.EXITED, PovertyStatus.RETURNED]))
            .then(pl.lit(PovertyStatus.NOT_EXITED))
            .otherwise(pl.col("status"))
        )
        parts = [
            reg.select(
                pl.col("id").alias("household_id"),
                pl.lit(StatusEventKind.REGISTERED).alias("kind"),
                pl.col("identified_year").alias("year"),
                pl.lit("").alias("status_before"),
                first.alias("status_after"),
            )
        ]
        exited = reg.filter(
            pl.col("exit_year").is_not_null() & pl.col("status").is_in([PovertyStatus.EXITED, PovertyStatus.RETURNED])
        )
        parts.append(
            exited.select(
                pl.col("id").alias("household_id"),
                pl.lit(StatusEventKind.EXITED).alias("kind"),
                pl.col("exit_year").alias("year"),
                pl.lit(PovertyStatus.NOT_EXITED).alias("status_before"),
                pl.lit(PovertyStatus.EXITED).alias("status_after"),
            )
        )
        returned = reg.filter(pl.col("status") == PovertyStatus.RETURNED)
        parts.append(
            returned.select(
                pl.col("id").alias("household_id"),
                pl.lit(StatusEventKind.RETURNED).alias("kind"),
                pl.col("return_year").alias("year"),
                pl.when(pl.col("exit_year").is_not_null())
                .then(pl.lit(PovertyStatus.EXITED))
                .otherwise(pl.lit(PovertyStatus.NOT_EXITED))
                .alias("status_before"),
                pl.lit(PovertyStatus.RETURNED).alias("status_after"),
            )
        )
        self._insert_events(pl.concat(parts, how="vertical_relaxed"))

    def _insert_events(self, events: pl.DataFrame) -> None:
        if not events.height:
            return
        events = events.with_columns(
            bulk.allocate_ids(HouseholdStatusEvent._meta.db_table, events.height),
            pl.lit(self.today).alias("on"),
            pl.lit(self.ctx.change.reason or _("导入")).str.slice(0, 200).alias("note"),
            pl.lit(self.log.actor_id, dtype=pl.Int64).alias("actor_id"),
            pl.lit(self.now).dt.replace_time_zone(None).alias("created"),
        )
        bulk.insert(HouseholdStatusEvent._meta.db_table, events)

    def _update_households(self, changed: pl.DataFrame, fields: list[str]) -> None:
        frame = changed.select(["id", *fields])
        if "bank_account" in fields:
            frame = frame.with_columns(
                pl.Series(
                    "bank_account", [encrypt(a) if a else "" for a in frame["bank_account"].to_list()], dtype=pl.String
                )
            )
        frame = frame.with_columns(pl.lit(self.now).dt.replace_time_zone(None).alias("updated"))
        bulk.update(Household._meta.db_table, bulk.db_frame(frame))
        self.log.add_diffs(
            Household, _log_rows(changed, fields, "code", "id"), action=ChangeAction.UPDATE, related_model=Household
        )
        if "status" in fields:
            self._status_events_changed(changed)

    def _status_events_changed(self, changed: pl.DataFrame) -> None:
        moved = changed.filter(pl.col("status").ne_missing(pl.col("status__old")))
        if not moved.height:
            return
        for name in ("exit_year", "return_year"):
            if name not in moved.columns:
                moved = moved.with_columns(pl.lit(None, dtype=pl.Int32).alias(name))
        # A roster never changes `registered` (roster_type), so no move here is a registration.
        kind = (
            pl.when(pl.col("status") == PovertyStatus.EXITED)
            .then(pl.lit(StatusEventKind.EXITED))
            .when(pl.col("status") == PovertyStatus.RETURNED)
            .then(pl.lit(StatusEventKind.RETURNED))
            .otherwise(pl.lit(StatusEventKind.STATUS))
        )
        year = (
            pl.when(pl.col("status") == PovertyStatus.EXITED)
            .then(pl.col("exit_year"))
            .when(pl.col("status") == PovertyStatus.RETURNED)
            .then(pl.col("return_year"))
            .otherwise(pl.lit(self.today.year))
        )
        self._insert_events(
            moved.select(
                pl.col("id").alias("household_id"),
                kind.alias("kind"),
                year.cast(pl.Int32).alias("year"),
                pl.col("status__old").fill_null("").alias("status_before"),
                pl.col("status").alias("status_after"),
            )
        )

    # -- members ---------------------------------------------------------------------------

    def members(self, hh_ids: pl.DataFrame) -> None:
        present = self.data.present
        db_m = self.matched.members
        # Joins on the key columns only, their results added as columns: a million person rows
        # are never copied just to gain a column, and a partition that is everything is not
        # copied either (an unchanged re-import matches every person).
        file_m = self.data.members
        self.data.members = self.data.members.clear()
        file_m = file_m.with_columns(_lookup(file_m, hh_ids.rename({"id": "household_id"}), ["code"], "household_id"))
        if file_m["household_id"].null_count():
            file_m = file_m.filter(pl.col("household_id").is_not_null())
        keyed = file_m.with_columns(
            _lookup(file_m, db_m.select("id", "household_id", "id_number"), ["household_id", "id_number"], "id")
        )
        del file_m
        n_new = keyed["id"].null_count()
        new = keyed.filter(pl.col("id").is_null()) if n_new else keyed.clear()
        old = keyed if not n_new else keyed.filter(pl.col("id").is_not_null())
        del keyed
        gone = db_m.join(
            pl.concat([new.select("household_id", "id_number"), old.select("household_id", "id_number")]),
            on=["household_id", "id_number"],
            how="anti",
        )
        matched_hh = set(self.matched.households["id"].to_list())
        self.plan.members.created = new.height
        self.plan.members.ended = gone.height
        if gone.height:
            codes = dict(
                zip(self.matched.households["id"].to_list(), self.matched.households["code"].to_list(), strict=True)
            )
            self.plan.ended = [(codes.get(h, ""), n) for h, n in gone.select("household_id", "name").iter_rows()]
            self.defer(self._end_members, gone)
        if old.height:
            fields = [f for f, (key, _d) in MEMBER_MAP.items() if key is None or key in present]
            newvals = _values(old, MEMBER_MAP, present, only_present=True).with_columns(old["id"], old["household_id"])
            n_old = old.height
            del old
            changed, fields = _diff(newvals, db_m, fields)
            del newvals
            self.plan.members.updated = changed.height
            self.plan.members.unchanged = n_old - changed.height
            if changed.height:
                self.defer(self._update_members, changed, fields)
        if new.height:
            self.defer(self._insert_members, new, matched_hh)
        # The registry's members are compared: let their frame go.
        self.matched.members = self.matched.members.clear()

    def _end_members(self, gone: pl.DataFrame) -> None:
        frame = gone.select(
            "id",
            pl.lit(self.today).alias("ended_on"),
            pl.lit(MemberChangeReason.OTHER_OUT).alias("end_reason"),
            pl.lit(self.now).dt.replace_time_zone(None).alias("updated"),
        )
        bulk.update(Member._meta.db_table, bulk.db_frame(frame))
        reason = _("重新导入的文件中已无此人")
        rows = [
            (
                mid,
                name,
                hid,
                {"ended_on": None, "end_reason": ""},
                {"ended_on": self.today.isoformat(), "end_reason": MemberChangeReason.OTHER_OUT},
            )
            for mid, name, hid in gone.select("id", "name", "household_id").iter_rows()
        ]
        self.log.add_diffs(Member, rows, action=ChangeAction.END, related_model=Household, reason=reason)

    def _update_members(self, changed: pl.DataFrame, fields: list[str]) -> None:
        # A head who stops being head goes first, so that one-head-per-household holds after every row.
        changed = changed.sort(pl.col("relation__old") != "01") if "relation" in fields else changed
        frame = changed.select(["id", *fields]).with_columns(
            pl.lit(self.now).dt.replace_time_zone(None).alias("updated")
        )
        bulk.update(Member._meta.db_table, bulk.db_frame(frame))
        self.log.add_diffs(
            Member,
            _log_rows(changed, fields, "name", "household_id"),
            action=ChangeAction.UPDATE,
            related_model=Household,
        )

    def _insert_members(self, new: pl.DataFrame, matched_hh: set[int]) -> None:
        values = _values(new, MEMBER_MAP, self.data.present, only_present=False).with_columns(
            new["household_id"],
            new["id_number"],
            new["birth_date"],
            bulk.allocate_ids(Member._meta.db_table, new.height),
        )
        values = values.with_columns(
            pl.lit(False).alias("active_military"),
            pl.lit(self.today).alias("joined_on"),
            pl.when(pl.col("household_id").is_in(list(matched_hh)))
            .then(pl.lit(MemberChangeReason.OTHER_IN))
            .otherwise(pl.lit(MemberChangeReason.INITIAL))
            .alias("join_reason"),
            pl.lit(None, dtype=pl.Date).alias("ended_on"),
            pl.lit("").alias("end_reason"),
        )
        frame = values.with_columns(
            pl.lit(self.now).dt.replace_time_zone(None).alias("created"),
            pl.lit(self.now).dt.replace_time_zone(None).alias("updated"),
        )
        bulk.insert(Member._meta.db_table, frame, progress=self.advance)
        del frame
        # Members joining a registered household get their own creation row; those of a new
        # household are logged inside its creation row.
        if matched_hh:
            joined = pl.col("household_id").is_in(list(matched_hh))
            own, self._new_members = values.filter(joined), values.filter(~joined)
        else:  # a first import: no copy of a million rows to split off nothing
            own, self._new_members = values.clear(), values
        del values
        self.log.add_created(
            Member, own, repr_=own["name"], related_model=Household, related_id=own["household_id"], money=set()
        )

    # -- yearly facts ----------------------------------------------------------------------

    def years(self, hh_ids: pl.DataFrame) -> None:
        present = self.data.present
        if not present & set(YEAR_INPUT):
            return
        hh = self.data.households.join(hh_ids.rename({"id": "household_id"}), on="code")
        exprs = []
        for name in YEAR_INPUT:
            if name in present:
                col = pl.col(name)
                exprs.append(
                    (col.fill_null(0) if name in YEAR_ZERO else col.fill_null("") if name in YEAR_TEXT else col).alias(
                        name
                    )
                )
        have = set(present)
        net = net_cents(have)
        frame = hh.select(
            pl.col("household_id"),
            pl.col("code"),
            *exprs,
            pl.col("persons").cast(pl.Int64).alias("persons"),
            net.alias("net_income"),
        )
        frame = frame.with_columns(
            per_capita_cents(pl.col("net_income"), pl.col("persons")).alias("per_capita_net_income")
        )
        fields = [n for n in YEAR_INPUT if n in present] + ["persons", "net_income", "per_capita_net_income"]
        db = self.matched.years.rename({"id": "year_id"})
        keyed = frame.join(db.select("year_id", "household_id"), on="household_id", how="left")
        new = keyed.filter(pl.col("year_id").is_null())
        old = keyed.filter(pl.col("year_id").is_not_null()).rename({"year_id": "id"})
        self.plan.years.created = new.height
        if old.height:
            changed, fields = _diff(old, db.rename({"year_id": "id"}), fields)
            self.plan.years.updated = changed.height
            self.plan.years.unchanged = old.height - changed.height
            if changed.height:
                self.defer(self._update_years, changed, fields)
        if new.height:
            self.defer(self._insert_years, new.drop("year_id"))

    def _insert_years(self, new: pl.DataFrame) -> None:
        defaults: dict[str, Any] = {n: (0 if n in YEAR_ZERO else "" if n in YEAR_TEXT else None) for n in YEAR_INPUT}
        missing = [
            pl.lit(v, dtype=pl.Int64 if n in MONEY else pl.String if n in YEAR_TEXT else pl.Boolean).alias(n)
            for n, v in defaults.items()
            if n not in new.columns
        ]
        values = new.with_columns(
            *missing,
            bulk.allocate_ids(HouseholdYear._meta.db_table, new.height),
            pl.lit(self.ctx.year, dtype=pl.Int32).alias("year"),
        )
        extra = {
            "claims_income": pl.Int64,
            "compliant_out_of_pocket": pl.Int64,
            "irrigated_land": pl.Int64,
            "forest_land": pl.Int64,
            "road_distance": pl.Int64,
            "electricity_production": pl.Boolean,
            "tv": pl.Boolean,
            "water_difficult": pl.Boolean,
            "relocation": pl.Boolean,
        }
        values = values.with_columns(
            *[pl.lit(None, dtype=t).alias(n) for n, t in extra.items()],
            pl.lit("").alias("relocation_mode"),
            pl.lit("").alias("resettlement"),
        )
        money = MONEY | {"irrigated_land", "forest_land", "road_distance"}
        frame = values.drop("code").with_columns(
            pl.lit(self.now).dt.replace_time_zone(None).alias("created"),
            pl.lit(self.now).dt.replace_time_zone(None).alias("updated"),
        )
        bulk.insert(HouseholdYear._meta.db_table, frame, money=money, progress=self.advance)
        del frame
        fresh = self._new_households["id"] if self._new_households is not None else pl.Series("id", [], pl.Int64)
        mine = pl.col("household_id").is_in(fresh.implode())
        own = values.filter(~mine)
        self._new_years = values.filter(mine).drop("code")
        repr_ = own.select(pl.format("{} {}", "code", "year")).to_series()
        self.log.add_created(
            HouseholdYear, own, repr_=repr_, related_model=Household, related_id=own["household_id"], money=money
        )

    def _update_years(self, changed: pl.DataFrame, fields: list[str]) -> None:
        frame = changed.select(["id", *fields]).with_columns(
            pl.lit(self.now).dt.replace_time_zone(None).alias("updated")
        )
        bulk.update(HouseholdYear._meta.db_table, bulk.db_frame(frame, money=MONEY))
        changed = changed.with_columns(pl.format("{} {}", "code", pl.lit(self.ctx.year)).alias("_repr"))
        self.log.add_diffs(
            HouseholdYear,
            _log_rows(changed, fields, "_repr", "household_id"),
            action=ChangeAction.UPDATE,
            related_model=Household,
        )

    # -- driver ----------------------------------------------------------------------------

    def defer(self, func, *args) -> None:
        self.plan.writes.append((func, args))

    def advance(self, n: int) -> None:
        if self.ctx.progress is not None:
            self.ctx.progress.advance(n)

    def run(self, *, write: bool) -> RosterPlan:
        self.write = write
        hh_ids = self.households()
        self.members(hh_ids)
        self.years(hh_ids)
        if write:
            if self.ctx.progress is not None:
                p = self.plan
                total = p.households.created + p.members.created + p.years.created
                self.ctx.progress.start(total, _("写入数据库"))
            for func, args in [*self.plan.writes, (self._log_new_households, ()), *self.late]:
                func(*args)
        return self.plan


def load_roster(data: RosterData, matched: Matched, ctx: ImportContext, log: ChangeLog, *, write: bool) -> RosterPlan:
    return RosterLoader(data, matched, ctx, log).run(write=write)
