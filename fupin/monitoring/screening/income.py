"""Income screening between yearly facts: a household of the monitoring population whose
per-capita net income fell by more than the policy's share since last year, or lies below the
year's monitoring line, raises one alert per year. Households already monitored are skipped:
their income is followed on the object itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from fupin.core.changelog import Context
from fupin.monitoring.choices import AlertSource, ObjectStatus
from fupin.monitoring.models import Alert
from fupin.monitoring.policy import monitoring_lines_for_regions, monitoring_policies_for_regions
from fupin.monitoring.screening.frames import alerts_insert, population_sql, sql_frame, tables, yuan
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region


@dataclass
class IncomeScreening:
    households: int
    alerts: int  # new procedures
    attached: int = 0  # signals that joined a household's open alert


def _region_thresholds(*, year: int, paths: list[str]) -> list[tuple[int, int | None, int, int, int]]:
    """(region id, line in cents, drop in basis points, days, policy id) for every village and
    group under `paths`: resolved once per region (a few hundred), never per household."""
    scope = Q(pk__in=[])
    for p in paths:
        scope |= Q(path__startswith=p)
    regions = list(Region.objects.filter(scope, level__in=(RegionLevel.VILLAGE, RegionLevel.GROUP)))
    lines = monitoring_lines_for_regions(regions=regions, year=year)
    policies = monitoring_policies_for_regions(regions=regions, year=year, strict=True)
    rows = []
    for pk, policy in policies.items():
        if policy is None:
            continue
        line = lines.get(pk)
        rows.append(
            (
                pk,
                None if line is None else int(line * 100),
                int(policy.income_drop_share * 10000),
                policy.procedure_days,
                policy.pk,
            )
        )
    return rows


def income_hits(*, year: int, paths: list[str]) -> tuple[int, pl.DataFrame]:
    """(households compared, the rows that raise an alert). The thresholds go into a temporary
    table so that the test runs in the database and only the hits travel."""
    t = tables()
    where, params = population_sql(paths)
    thresholds = _region_thresholds(year=year, paths=paths)
    qn = connection.ops.quote_name
    temp = qn("monitoring_income_thresholds")
    cur_pc = "CAST(ROUND(cur.per_capita_net_income * 100) AS BIGINT)"
    prev_pc = "CAST(ROUND(prev.per_capita_net_income * 100) AS BIGINT)"
    sql = f"""SELECT * FROM (
                SELECT h.id AS household_id, h.region_id, {cur_pc} AS cur, {prev_pc} AS prev, th.line, th.drop_bp,
                       th.days, th.policy_id,
                       CASE WHEN {prev_pc} > 0 AND ({prev_pc} - {cur_pc}) * 10000 > th.drop_bp * {prev_pc}
                            THEN 1 ELSE 0 END AS by_drop,
                       CASE WHEN th.line IS NOT NULL AND {cur_pc} < th.line THEN 1 ELSE 0 END AS by_line,
                       COUNT(*) OVER () AS compared
                FROM {t["year"]} cur
                JOIN {t["household"]} h ON h.id = cur.household_id
                JOIN {t["region"]} r ON r.id = h.region_id
                JOIN {temp} th ON th.region_id = h.region_id
                LEFT JOIN {t["year"]} prev ON prev.household_id = cur.household_id AND prev.year = %s
                WHERE cur.year = %s AND {where}
                  AND NOT EXISTS (SELECT 1 FROM {t["object"]} o WHERE o.household_id = h.id AND o.status = %s)
              ) x WHERE x.by_drop = 1 OR x.by_line = 1
           """  # noqa: S608 — table names from the models, values bound
    schema = {
        "household_id": pl.Int64,
        "region_id": pl.Int64,
        "cur": pl.Int64,
        "prev": pl.Int64,
        "line": pl.Int64,
        "drop_bp": pl.Int64,
        "days": pl.Int64,
        "policy_id": pl.Int64,
        "by_drop": pl.Int64,
        "by_line": pl.Int64,
        "compared": pl.Int64,
    }
    with connection.cursor() as c:
        c.execute(
            f"CREATE TEMPORARY TABLE {temp} (region_id BIGINT PRIMARY KEY, line BIGINT, drop_bp BIGINT, "
            "days INTEGER, policy_id BIGINT)"
        )
        try:
            c.executemany(f"INSERT INTO {temp} VALUES (%s, %s, %s, %s, %s)", thresholds)  # noqa: S608
            hits = sql_frame(sql, [year - 1, year, *params, ObjectStatus.MONITORED], schema)
        finally:
            c.execute(f"DROP TABLE {temp}")
    compared = int(hits["compared"][0]) if hits.height else _compared(year=year, paths=paths)
    return compared, hits


def _compared(*, year: int, paths: list[str]) -> int:
    t = tables()
    where, params = population_sql(paths)
    with connection.cursor() as c:
        sql = (
            f"SELECT COUNT(*) FROM {t['year']} cur JOIN {t['household']} h ON h.id = cur.household_id "  # noqa: S608
            f"JOIN {t['region']} r ON r.id = h.region_id"
        )
        c.execute(f"{sql} WHERE cur.year = %s AND {where}", [year, *params])
        return int(c.fetchone()[0])


@transaction.atomic
def screen_income(*, ctx: Context, year: int, paths: list[str]) -> IncomeScreening:
    compared, hits = income_hits(year=year, paths=paths)
    prefix = f"income:{year}:"
    done = {
        int((k or "")[len(prefix) :])
        for k in Alert.objects.filter(dedup_key__startswith=prefix).values_list("dedup_key", flat=True)
    }
    rows: list[dict[str, Any]] = []
    for r in hits.iter_rows(named=True):
        if r["household_id"] in done:
            continue
        evidence = {
            "kind": "income",
            "year": year,
            "current": yuan(r["cur"]),
            "previous": yuan(r["prev"]),
            "line": yuan(r["line"]),
            "drop_threshold": f"{r['drop_bp'] / 10000:.4f}",
            "rules": [n for n in ("drop", "line") if r[f"by_{n}"]],
            "policy": r["policy_id"],
        }
        if r["prev"]:
            evidence["drop"] = f"{(r['prev'] - r['cur']) / r['prev']:.4f}"
        rows.append(
            {
                "region_id": r["region_id"],
                "household_id": r["household_id"],
                "source": AlertSource.INCOME_DROP,
                "evidence": evidence,
                "days": r["days"],
                "dedup_key": f"{prefix}{r['household_id']}",
            }
        )
    inserted = alerts_insert(ctx, rows, today=timezone.localdate())
    return IncomeScreening(households=compared, alerts=inserted.opened, attached=inserted.attached)
