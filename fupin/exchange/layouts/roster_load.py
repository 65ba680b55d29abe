"""Layout 1: compare the file with the registry and write the difference, set-based.

New households, members, yearly facts and status events are inserted in bulk (COPY on
PostgreSQL, executemany on SQLite); changed rows are updated field by field; members that
a re-imported household no longer lists are ended (其他转出), never deleted. Every created,
changed or ended row gets its change-log row with the import's batch id. The caller holds
the one transaction around all of it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from fupin.core.choices import ChangeAction
from fupin.core.fields import encrypt
from fupin.exchange import bulk
from fupin.exchange.changes import ChangeLog
from fupin.exchange.context import ImportContext
from fupin.exchange.crypto import encrypt_later
from fupin.exchange.layouts.roster_match import Matched
from fupin.exchange.layouts.roster_plan import (
    HH_MAP,
    MEMBER_MAP,
    MONEY,
    YEAR_INPUT,
    YEAR_TEXT,
    YEAR_ZERO,
    RosterPlan,
    diff_rows,
    file_values,
    log_rows,
    lookup,
)
from fupin.exchange.layouts.roster_read import RosterData, net_cents, per_capita_cents
from fupin.registry.choices import MemberChangeReason, PovertyStatus, StatusEventKind
from fupin.registry.models import Household, HouseholdStatusEvent, HouseholdYear, Member


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
            values = file_values(new, HH_MAP, present, only_present=False).with_columns(new["id"])
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
            newvals = file_values(old, HH_MAP, present, only_present=True).with_columns(old["id"])
            changed, fields = diff_rows(newvals, self.matched.households, fields)
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
            Household, log_rows(changed, fields, "code", "id"), action=ChangeAction.UPDATE, related_model=Household
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
        # Both sides' member frames are taken off the data they came with, so that they go
        # as soon as this step is done with them.
        db_m, self.matched.members = self.matched.members, self.matched.members.clear()
        file_m, self.data.members = self.data.members, self.data.members.clear()
        # Joins on the key columns only, their results added as columns: a million person rows
        # are never copied just to gain a column.
        file_m = file_m.with_columns(lookup(file_m, hh_ids.rename({"id": "household_id"}), ["code"], "household_id"))
        if file_m["household_id"].null_count():
            file_m = file_m.filter(pl.col("household_id").is_not_null())
        fields = [f for f, (key, _d) in MEMBER_MAP.items() if key is None or key in present]
        news, olds, gones, changes = [], 0, [], []
        # Compared a slice of households at a time (both sides cut by the same household-id
        # range): the comparison's own frames (the file's values under field names, the joins)
        # exist for one slice only, which keeps a re-import of a million persons well under
        # 2 GB. A first import has nothing to compare and is not cut.
        for part, db_part in _slices(file_m, db_m):
            new, n_old, gone, changed_part, fields = self._compare_members(part, db_part, fields)
            news.append(new)
            olds += n_old
            gones.append(gone)
            if changed_part.height:  # the frames of slices without changes have no columns to compare
                changes.append(changed_part)
            del part, db_part
        del file_m, db_m
        new, gone = pl.concat(news, rechunk=False), pl.concat(gones, rechunk=False)
        changed = pl.concat(changes, rechunk=False) if changes else None
        matched_hh = set(self.matched.households["id"].to_list())
        self.plan.members.created = new.height
        self.plan.members.ended = gone.height
        if gone.height:
            codes = dict(
                zip(self.matched.households["id"].to_list(), self.matched.households["code"].to_list(), strict=True)
            )
            self.plan.ended = [(codes.get(h, ""), n) for h, n in gone.select("household_id", "name").iter_rows()]
            self.defer(self._end_members, gone)
        self.plan.members.updated = changed.height if changed is not None else 0
        self.plan.members.unchanged = olds - self.plan.members.updated
        if changed is not None:
            self.defer(self._update_members, changed, fields)
        if new.height:
            self.defer(self._insert_members, new, matched_hh)

    def _compare_members(
        self, file_m: pl.DataFrame, db_m: pl.DataFrame, fields: list[str]
    ) -> tuple[pl.DataFrame, int, pl.DataFrame, pl.DataFrame, list[str]]:
        """One slice: (new file members, matched count, registry members gone, changed rows, fields)."""
        keyed = file_m.with_columns(
            lookup(file_m, db_m.select("id", "household_id", "id_number"), ["household_id", "id_number"], "id")
        )
        del file_m
        n_new = keyed["id"].null_count()
        # A partition that is everything is not copied (an unchanged re-import matches every person).
        new = keyed.filter(pl.col("id").is_null()) if n_new else keyed.clear()
        old = keyed if not n_new else keyed.filter(pl.col("id").is_not_null())
        gone = db_m.join(keyed.select("household_id", "id_number"), on=["household_id", "id_number"], how="anti")
        del keyed
        changed = old.clear()
        if old.height:
            newvals = file_values(old, MEMBER_MAP, self.data.present, only_present=True).with_columns(
                old["id"], old["household_id"]
            )
            changed, fields = diff_rows(newvals, db_m, fields)
        return new, old.height, gone, changed, fields

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
            log_rows(changed, fields, "name", "household_id"),
            action=ChangeAction.UPDATE,
            related_model=Household,
        )

    def _insert_members(self, new: pl.DataFrame, matched_hh: set[int]) -> None:
        values = file_values(new, MEMBER_MAP, self.data.present, only_present=False).with_columns(
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
        # A household whose yearly cells are all blank states nothing about the year (an older
        # roster, a department's roster without incomes): its yearly fact in the registry stays
        # as it is rather than becoming zeros (docs/decisions/0009). Taken before YEAR_ZERO fills.
        stated = pl.any_horizontal([pl.col(n).is_not_null() for n in YEAR_INPUT if n in present])
        frame = hh.select(
            pl.col("household_id"),
            pl.col("code"),
            stated.alias("_stated"),
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
        # A new yearly fact is created even from blank cells (zeros where YEAR_ZERO says so).
        new = keyed.filter(pl.col("year_id").is_null()).drop("_stated")
        matched = keyed.filter(pl.col("year_id").is_not_null())
        stated_rows = matched.filter(pl.col("_stated")).drop("_stated")
        # All blank: the registry's amounts and answers for the year stay; only the household's
        # size follows the file, and the per-capita income with it.
        kept_cols = [n for n in YEAR_INPUT if n in present] + ["net_income"]
        kept = (
            matched.filter(~pl.col("_stated"))
            .drop(*kept_cols, "per_capita_net_income", "_stated")
            .join(db.select("year_id", *kept_cols), on="year_id")
            .with_columns(per_capita_cents(pl.col("net_income"), pl.col("persons")).alias("per_capita_net_income"))
            .select(stated_rows.columns)
        )
        old = pl.concat([stated_rows, kept], how="vertical_relaxed").rename({"year_id": "id"})
        self.plan.years.created = new.height
        if old.height:
            changed, fields = diff_rows(old, db.rename({"year_id": "id"}), fields)
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
            log_rows(changed, fields, "_repr", "household_id"),
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
            steps = [*self.plan.writes, (self._log_new_households, ()), *self.late]
            with bulk.bulk_mode(self._planned_rows(), persons=self.plan.members.created) as rebuilt:
                for func, args in steps:
                    func(*args)
                if rebuilt and self.ctx.progress is not None:
                    self.ctx.progress.step(_("重建索引和外键"))
        return self.plan

    def _planned_rows(self) -> dict[str, int]:
        """Rows the writes will create per registry table (bulk mode's choice). The change log
        is not rebuilt: its indexes cost less to maintain than to rebuild (docs/decisions/0008),
        and locking it would stop every logged write of the application."""
        p = self.plan
        return {
            Household._meta.db_table: p.households.created,
            Member._meta.db_table: p.members.created,
            HouseholdYear._meta.db_table: p.years.created,
            HouseholdStatusEvent._meta.db_table: p.households.created,
        }


def load_roster(data: RosterData, matched: Matched, ctx: ImportContext, log: ChangeLog, *, write: bool) -> RosterPlan:
    return RosterLoader(data, matched, ctx, log).run(write=write)


SLICE_PERSONS = 150_000  # file members compared at once (see RosterLoader.members)


def _slices(file_m: pl.DataFrame, db_m: pl.DataFrame) -> Iterator[tuple[pl.DataFrame, pl.DataFrame]]:
    """Both member frames cut into the same household-id ranges of about SLICE_PERSONS file
    members each (the first and last open-ended, so every row falls in one). A small import
    or a first one (nothing to compare) is one slice, uncut and not copied."""
    n = -(-file_m.height // SLICE_PERSONS)
    if n <= 1 or db_m.height == 0:
        yield file_m, db_m
        return
    hid = file_m["household_id"]
    cuts = (hid.quantile(i / n, interpolation="lower") for i in range(1, n))
    edges = sorted({int(q) for q in cuts if q is not None})  # no nulls: never None
    bounds = [None, *edges, None]
    for lo, hi in itertools.pairwise(bounds):
        cond = pl.lit(True)
        if lo is not None:
            cond = cond & (pl.col("household_id") >= lo)
        if hi is not None:
            cond = cond & (pl.col("household_id") < hi)
        yield file_m.filter(cond), db_m.filter(cond)
