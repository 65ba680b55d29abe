"""Change-log rows for bulk loads, equal to what `fupin.core.changelog` writes one by one.

A created row gets a full snapshot (built column-wise: polars encodes the JSON), an updated
row the before/after of its changed fields, an ended row the end fields; personal fields
masked exactly as `snapshot()` masks them (MASKERS). All rows carry the import's batch id.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import polars as pl
from django.contrib.contenttypes.models import ContentType
from django.db import models

from fupin.core.changelog import BULK_COLUMNS, MASKERS, Context
from fupin.core.choices import ChangeAction
from fupin.core.models import ObjectChange
from fupin.exchange import bulk

SKIP = ("created", "updated")


def snapshot_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.name not in SKIP]


def mask_expr(name: str, col: str) -> pl.Expr:
    """The masking of `fupin.utils.masking`, column-wise."""
    c = pl.col(col).fill_null("")
    n = c.str.len_chars()
    stars = pl.lit("*").repeat_by(n).list.join("")
    if name == "id_number":
        return (
            pl.when(n == 0)
            .then(pl.lit(""))
            .when(n < 8)
            .then(stars)
            .otherwise(c.str.slice(0, 6) + "********" + c.str.slice(-4))
        )
    if name == "phone":
        return (
            pl.when(n == 0)
            .then(pl.lit(""))
            .when(n < 7)
            .then(stars)
            .otherwise(c.str.slice(0, 3) + "****" + c.str.slice(-4))
        )
    if name == "bank_account":
        return pl.when(n == 0).then(pl.lit("")).when(n > 4).then("****" + c.str.slice(-4)).otherwise(pl.lit("****"))
    raise KeyError(name)


def snapshot_exprs(model: type[models.Model], money: set[str], exclude: tuple[str, ...] = ()) -> list[pl.Expr]:
    """The fields of `snapshot()` as expressions over a frame whose columns are attnames."""
    parts = []
    for f in snapshot_fields(model):
        if f.name in exclude:
            continue
        col = f.attname
        if f.name in MASKERS:
            expr = mask_expr(f.name, col)
        elif col in money:
            expr = bulk.cents_text(col)
        elif isinstance(f, models.DateField):
            expr = pl.col(col).dt.strftime("%Y-%m-%d")
        else:
            expr = pl.col(col)
        parts.append(expr.alias(f.name))
    return parts


def snapshot_json(model: type[models.Model], frame: pl.DataFrame, money: set[str]) -> pl.Series:
    """One JSON snapshot per row of `frame` (columns named by attname; money in cents)."""
    return frame.select(pl.struct(snapshot_exprs(model, money)).struct.json_encode().alias("after")).to_series()


# A key followed by an empty value (null, "" or false). In valid JSON a quote followed by
# letters, a quote and a colon can only open a key, so string contents never match.
_EMPTY_KEY = r'"[a-z_]+":(?:null|""|false)'


def drop_empty(snapshots: pl.Series) -> pl.Series:
    """JSON objects without their empty fields: a creation lists what it was given, and the
    database parses half the text (jsonb costs about 4 s per 100 MB on PostgreSQL)."""
    return snapshots.str.replace_all(_EMPTY_KEY + ",", "").str.replace_all("," + _EMPTY_KEY + r"\}", "}")


def plain(value: Any, field: str, money: set[str]) -> Any:
    """One value as `snapshot()` writes it (for the few rows an update touches)."""
    if value is None:
        return None
    if field in MASKERS:
        return MASKERS[field](value)
    if field in money:
        sign = "-" if value < 0 else ""
        return f"{sign}{abs(value) // 100}.{abs(value) % 100:02d}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class ChangeLog:
    """Writes the change rows of one import as they come, in bulk (so that a million created
    rows never sit in memory as JSON all at once). Inside the import's transaction."""

    def __init__(self, ctx: Context, now: dt.datetime) -> None:
        self.ctx, self.now = ctx, now
        self.count = 0
        self.actor_id = ctx.actor.pk if ctx.actor is not None and ctx.actor.pk else None

    def _base(self, model: type[models.Model], n: int) -> dict[str, Any]:
        return {
            "actor_id": self.actor_id,
            "actor_name": self.ctx.actor_name,
            "source": self.ctx.source,
            "batch_id": str(self.ctx.batch_id) if self.ctx.batch_id else None,
            "content_type_id": ContentType.objects.get_for_model(model).pk,
        }

    def add(
        self,
        model: type[models.Model],
        *,
        action: str,
        object_id: pl.Series,
        repr_: pl.Series,
        related_model: type[models.Model],
        related_id: pl.Series,
        before: pl.Series,
        after: pl.Series,
        reason: str = "",
    ) -> None:
        n = len(object_id)
        if n == 0:
            return
        base = self._base(model, n)
        frame = pl.DataFrame(
            {
                "object_id": object_id.cast(pl.Int64),
                "object_repr": repr_.cast(pl.String).str.slice(0, 200),
                "related_id": related_id.cast(pl.Int64),
                "before": before.cast(pl.String),
                "after": after.cast(pl.String),
            }
        ).with_columns(
            pl.lit(action).alias("action"),
            pl.lit(ContentType.objects.get_for_model(related_model).pk, dtype=pl.Int64).alias("related_type_id"),
            pl.lit(base["content_type_id"], dtype=pl.Int64).alias("content_type_id"),
            pl.lit(base["actor_id"], dtype=pl.Int64).alias("actor_id"),
            pl.lit(base["actor_name"]).alias("actor_name"),
            pl.lit(base["source"]).alias("source"),
            pl.lit(base["batch_id"], dtype=pl.String).alias("batch_id"),
            pl.lit(reason or self.ctx.reason).alias("reason"),
        )
        self._write(frame)

    def add_created(
        self,
        model: type[models.Model],
        frame: pl.DataFrame,
        *,
        repr_: pl.Series,
        related_model: type[models.Model],
        related_id: pl.Series,
        money: set[str],
    ) -> None:
        for start in range(0, frame.height, bulk.CHUNK * 5):
            part = frame.slice(start, bulk.CHUNK * 5)
            after = snapshot_json(model, part, money)
            self.add(
                model,
                action=ChangeAction.CREATE,
                object_id=part["id"],
                repr_=repr_.slice(start, part.height),
                related_model=related_model,
                related_id=related_id.slice(start, part.height),
                before=pl.Series([None] * part.height, dtype=pl.String),
                after=after,
            )

    def add_households_created(
        self,
        households: pl.DataFrame,
        members: pl.DataFrame | None,
        years: pl.DataFrame | None,
        *,
        household_model: type[models.Model],
        member_model: type[models.Model],
        year_model: type[models.Model],
        year_money: set[str],
    ) -> None:
        """One creation row per new household (docs/decisions/0003): the household's snapshot
        with its members' and its year's snapshots nested under `members` and `years`.

        `households` is sorted by id; members and years name their household by
        `household_id`. Built a slice of households at a time so that the JSON of a million
        members never sits in memory at once."""
        hh_fields = snapshot_exprs(household_model, set())
        m_struct = pl.struct(snapshot_exprs(member_model, set(), exclude=("household",))).alias("members")
        y_struct = (
            pl.struct(snapshot_exprs(year_model, year_money, exclude=("household",))).alias("years")
            if years is not None and years.height
            else None
        )
        households = households.sort("id")
        # 20,000 households (some 66,000 members) a slice: their nested snapshots and JSON
        # are the largest frames of a first import's change log.
        step = bulk.CHUNK
        for start in range(0, households.height, step):
            part = households.slice(start, step)
            lo, hi = part["id"].min(), part["id"].max()
            frame, extra = part, []
            if members is not None and members.height:
                nested = (
                    members.filter(pl.col("household_id").is_between(lo, hi))
                    .select("household_id", m_struct)
                    .group_by("household_id")
                    .agg("members")
                )
                frame = frame.join(nested, left_on="id", right_on="household_id", how="left", maintain_order="left")
                extra.append(pl.col("members"))
            if y_struct is not None:
                ys = (
                    years.filter(pl.col("household_id").is_between(lo, hi))  # type: ignore[union-attr]
                    .select("household_id", y_struct)
                    .group_by("household_id")
                    .agg("years")
                )
                frame = frame.join(ys, left_on="id", right_on="household_id", how="left", maintain_order="left")
                extra.append(pl.col("years"))
            after = frame.select(pl.struct([*hh_fields, *extra]).struct.json_encode().alias("after")).to_series()
            after = drop_empty(after)
            self.add(
                household_model,
                action=ChangeAction.CREATE,
                object_id=part["id"],
                repr_=part["code"],
                related_model=household_model,
                related_id=part["id"],
                before=pl.Series([None] * part.height, dtype=pl.String),
                after=after,
            )

    def add_diffs(
        self,
        model: type[models.Model],
        rows: list[tuple[int, str, int, dict, dict]],
        *,
        action: str,
        related_model: type[models.Model],
        reason: str = "",
    ) -> None:
        """rows: (object id, repr, related id, before, after) built for changed rows only."""
        if not rows:
            return
        ids, reprs, rel, before, after = zip(*rows, strict=True)
        self.add(
            model,
            action=action,
            object_id=pl.Series(ids),
            repr_=pl.Series(reprs),
            related_model=related_model,
            related_id=pl.Series(rel),
            before=pl.Series([json.dumps(b, ensure_ascii=False) for b in before], dtype=pl.String),
            after=pl.Series([json.dumps(a, ensure_ascii=False) for a in after], dtype=pl.String),
            reason=reason,
        )

    def write(self, progress=None) -> int:
        """The number of change rows written (they are written as they come)."""
        return self.count

    def _write(self, frame: pl.DataFrame) -> None:
        frame = frame.with_columns(
            bulk.allocate_ids(ObjectChange._meta.db_table, frame.height),
            pl.lit(self.now).dt.replace_time_zone(None).alias("time"),
        )
        frame = frame.select("id", *BULK_COLUMNS)
        self.count += bulk.insert(ObjectChange._meta.db_table, frame, uuids={"batch_id"})
