"""Set-based reads into polars frames, and the bulk insert of the alerts a screening raises.

PostgreSQL streams a query through COPY … TO STDOUT (CSV), which is several times faster
than fetching a million tuples; SQLite fetches in one go. Either way the rows land in columns
and every later step (joins, sums, thresholds) works on whole columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from fupin.core.changelog import BULK_COLUMNS, Context
from fupin.core.choices import ChangeAction
from fupin.core.models import ObjectChange
from fupin.monitoring.choices import AlertSource, AlertStatus, ProcedureStep
from fupin.monitoring.models import Alert
from fupin.monitoring.policy import monitoring_policies_for_regions
from fupin.regions.models import Region
from fupin.registry.choices import PovertyStatus
from fupin.registry.models import Household, HouseholdYear, Member

BATCH = 2000
# Household ids locked per statement (one array parameter each).
LOCK_CHUNK = 10_000


def tables() -> dict[str, str]:
    from fupin.monitoring.models import MonitoringObject

    return {
        "household": Household._meta.db_table,
        "member": Member._meta.db_table,
        "year": HouseholdYear._meta.db_table,
        "region": Region._meta.db_table,
        "object": MonitoringObject._meta.db_table,
    }


Schema = Mapping[str, "pl.DataType | type[pl.DataType]"]


def sql_frame(sql: str, params: Sequence[Any], schema: Schema) -> pl.DataFrame:
    """The rows of `sql` as a frame with `schema` (column order as selected)."""
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        raw = connection.connection.cursor()
        buf = io.BytesIO()
        with raw.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
            for block in copy:
                buf.write(block)
        if not buf.tell():
            return pl.DataFrame(schema=schema)
        buf.seek(0)
        return pl.read_csv(buf, has_header=False, new_columns=list(schema), schema_overrides=schema)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")


def population_sql(paths: Iterable[str]) -> tuple[str, list[Any]]:
    """WHERE clause of the monitoring population: open households that are 脱贫户 or ordinary
    rural households (a registered household that is still poor is helped as poor, not
    monitored), under the given region paths. Expects aliases h (household) and r (region)."""
    paths = list(paths)
    region = " OR ".join(["r.path LIKE %s"] * len(paths)) or "1 = 0"
    clause = f"h.closed_on IS NULL AND (h.registered = %s OR h.status = %s) AND ({region})"
    return clause, [False, PovertyStatus.EXITED, *[p + "%" for p in paths]]


def members_frame(paths: Iterable[str]) -> pl.DataFrame:
    """id_number, household_id, region_id of every active member of the monitoring population."""
    t = tables()
    where, params = population_sql(paths)
    sql = f"""SELECT m.id_number, m.household_id, h.region_id FROM {t["member"]} m
              JOIN {t["household"]} h ON h.id = m.household_id JOIN {t["region"]} r ON r.id = h.region_id
              WHERE m.ended_on IS NULL AND {where}"""  # noqa: S608 — table names from the models, values bound
    return sql_frame(sql, params, {"id_number": pl.String, "household_id": pl.Int64, "region_id": pl.Int64})


def incomes_frame(year: int) -> pl.DataFrame:
    """household_id, year and net income (cents) of each household's facts for `year`, or for
    the year before where `year` has none yet."""
    t = tables()
    sql = f"""SELECT y.household_id, y.year, CAST(ROUND(y.net_income * 100) AS BIGINT)
              FROM {t["year"]} y WHERE y.year = %s
              UNION ALL
              SELECT y.household_id, y.year, CAST(ROUND(y.net_income * 100) AS BIGINT)
              FROM {t["year"]} y WHERE y.year = %s AND NOT EXISTS (
                  SELECT 1 FROM {t["year"]} z WHERE z.household_id = y.household_id AND z.year = %s)
           """  # noqa: S608 — table names from the models, values bound
    return sql_frame(sql, [year, year - 1, year], {"household_id": pl.Int64, "year": pl.Int64, "net_cents": pl.Int64})


def policies_frame(region_ids: Iterable[int], year: int) -> tuple[pl.DataFrame, dict[int, Any]]:
    """Per region: the thresholds (in cents and basis points) and the policy row applying."""
    regions = list(Region.objects.filter(pk__in=list(set(region_ids))))
    chosen = monitoring_policies_for_regions(regions=regions, year=year, strict=True)
    rows = [
        {
            "region_id": pk,
            "policy_id": p.pk,
            "amount_cents": int(p.medical_oop_amount * 100),
            "share_bp": int(p.medical_oop_share * 10000),
            "drop_bp": int(p.income_drop_share * 10000),
            "days": p.procedure_days,
        }
        for pk, p in chosen.items()
        if p is not None
    ]
    schema = {
        "region_id": pl.Int64,
        "policy_id": pl.Int64,
        "amount_cents": pl.Int64,
        "share_bp": pl.Int64,
        "drop_bp": pl.Int64,
        "days": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema), {pk: p for pk, p in chosen.items()}


def yuan(cents: int | None) -> str | None:
    if cents is None:
        return None
    sign = "-" if cents < 0 else ""
    cents = abs(int(cents))
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def _allocate_ids(table: str, n: int) -> list[int]:
    """`n` fresh primary keys of `table`, inside the caller's transaction (so that the
    change-log rows can name the alerts without reading them back)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
            return [r[0] for r in cur.fetchall()]
        # SQLite: the transaction holds the write lock from its start (IMMEDIATE), so max + 1… is ours.
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        first = cur.fetchone()[0] + 1
    return list(range(first, first + n))


def _write(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert plain rows: COPY on PostgreSQL, executemany on SQLite."""
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\n")
            writer.writerows(tuple("\\N" if v is None else v for v in row) for row in rows)
            with cur.cursor.copy(f"COPY {qn(table)} ({cols}) FROM STDIN WITH (FORMAT csv, NULL '\\N')") as copy:
                copy.write(buf.getvalue())
            return
        marks = ", ".join(["%s"] * len(columns))
        for start in range(0, len(rows), BATCH):
            cur.executemany(
                f"INSERT INTO {qn(table)} ({cols}) VALUES ({marks})",  # noqa: S608
                rows[start : start + BATCH],
            )


OPEN, FIRST, CREATE = AlertStatus.OPEN.value, ProcedureStep.VERIFICATION.value, ChangeAction.CREATE.value
ATTACHED = AlertStatus.ATTACHED.value
ALERT_COLUMNS = (
    "region_id",
    "household_id",
    "source",
    "department_list_id",
    "risk_hint",
    "description",
    "evidence",
    "reporter_name",
    "phone",
    "reported_by_id",
    "visit_id",
    "status",
    "next_step",
    "deadline",
    "notice_starts",
    "notice_ends",
    "decided_on",
    "monitoring_object_id",
    "dedup_key",
    "attached_to_id",
    "created",
    "updated",
)


@dataclass
class Inserted:
    """Alerts written by one insert: `opened` start a procedure, `attached` joined the
    household's open alert as further evidence."""

    opened: int = 0
    attached: int = 0

    @property
    def total(self) -> int:
        return self.opened + self.attached


def open_alerts_by_household() -> dict[int, tuple[int, dt.date]]:
    """household id → (its open alert, that alert's deadline); at most one each (constraint)."""
    rows = Alert.objects.filter(status=AlertStatus.OPEN, household__isnull=False).values_list(
        "household_id", "id", "deadline"
    )
    return {h: (pk, deadline) for h, pk, deadline in rows}


def lock_households(ids: Iterable[int]) -> None:
    """Lock the households a screening alerts, in id order and in chunks, before it looks for
    their open alerts: a cadre's report for one of them (which locks its household too) then
    waits for the screening or is seen by it, instead of committing a second open alert in
    between and aborting the whole screening on the one-open-alert constraint. SQLite has
    one writer at a time, so nothing can come in between there."""
    if connection.vendor != "postgresql":
        return
    ordered = sorted(set(ids))
    table = connection.ops.quote_name(Household._meta.db_table)
    with connection.cursor() as cur:
        for start in range(0, len(ordered), LOCK_CHUNK):
            cur.execute(
                f"SELECT id FROM {table} WHERE id = ANY(%s) ORDER BY id FOR UPDATE",  # noqa: S608
                [ordered[start : start + LOCK_CHUNK]],
            )


def alerts_insert(ctx: Context, rows: list[dict[str, Any]], *, today: dt.date) -> Inserted:
    """Insert alerts (each row: region_id, household_id, source, risk_hint, evidence, days,
    dedup_key, department_list_id) with one change-log row each, set-based: the ORM's per-row
    model instances and SQL compilation cost more than the insert itself at this size.

    One procedure per household (domain.md §4): a row for a household that already has an
    open alert — from an earlier channel, or earlier in `rows` — is written as a signal
    attached to that alert, with its deadline, instead of starting a second 15-day procedure."""
    if not rows:
        return Inserted()
    now = timezone.now()
    lock_households(r["household_id"] for r in rows)
    open_by_household = open_alerts_by_household()
    ids = _allocate_ids(Alert._meta.db_table, len(rows))
    labels = {k: str(v) for k, v in AlertSource.choices}
    alert_ct = ContentType.objects.get_for_model(Alert).pk
    household_ct = ContentType.objects.get_for_model(Household).pk
    actor = ctx.actor.pk if ctx.actor is not None and ctx.actor.pk else None
    batch = str(ctx.batch_id) if ctx.batch_id else None
    alerts, changes = [], []
    stamp = connection.ops.adapt_datetimefield_value(now)
    done = Inserted()
    for pk, r in zip(ids, rows, strict=True):
        source, risk = str(r["source"]), str(r.get("risk_hint", ""))
        dl = r.get("department_list_id")
        target = open_by_household.get(r["household_id"])
        if target is None:
            due = today + dt.timedelta(days=int(r["days"]))
            status, step, attached_to = OPEN, FIRST, None
            open_by_household[r["household_id"]] = (pk, due)
            done.opened += 1
        else:
            attached_to, due = target
            status, step = ATTACHED, ""
            done.attached += 1
        deadline = connection.ops.adapt_datefield_value(due)
        alerts.append(
            (
                pk,
                r["region_id"],
                r["household_id"],
                source,
                dl,
                risk,
                "",
                json.dumps(r["evidence"], ensure_ascii=False, default=str),
                "",
                "",
                None,
                None,
                status,
                step,
                deadline,
                None,
                None,
                None,
                None,
                r["dedup_key"],
                attached_to,
                stamp,
                stamp,
            )
        )
        # The after-image snapshot() gives a single alert (evidence and free text left out).
        after = {
            "region": r["region_id"],
            "household": r["household_id"],
            "source": source,
            "department_list": dl,
            "risk_hint": risk,
            "reporter_name": "",
            "phone": "",
            "reported_by": None,
            "visit": None,
            "status": status,
            "next_step": step,
            "deadline": str(deadline),
            "notice_starts": None,
            "notice_ends": None,
            "decided_on": None,
            "monitoring_object": None,
            "dedup_key": r["dedup_key"],
            "attached_to": attached_to,
        }
        changes.append(
            (
                stamp,
                actor,
                ctx.actor_name,
                CREATE,
                str(ctx.source),
                batch,
                alert_ct,
                pk,
                f"{labels[source]} #{pk}"[:200],
                household_ct,
                r["household_id"],
                None,
                json.dumps(after, ensure_ascii=False),
                ctx.reason,
            )
        )
    _write(Alert._meta.db_table, ["id", *ALERT_COLUMNS], alerts)
    _write(
        ObjectChange._meta.db_table,
        list(BULK_COLUMNS),
        changes,
    )
    return done
