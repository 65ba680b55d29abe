"""Layout 5 (帮扶措施) ledgers: a first import and an unchanged re-import of N measure rows.

The households come from the demo generator (its registry load alone, no demo phases); the
ledger is a CSV of `--rows` measures (default 5,000 × BENCH_SCALE) spread over them, some
naming a member as beneficiary, some a year's plan that does not exist yet. Measured, one
after the other on the same database:

1. the first import (every row created, plan headers and change log written);
2. the same file again (every row unchanged: nothing but the comparison).

Baseline: the same measure rows (as the first import stored them) inserted with one plain
`executemany` into an empty copy of the measure table — the floor for writing that many
measures on this database.

Run alone: `python -m bench.bench_ledgers --rows 20000` (on bench/out/ledgers.sqlite3, made
afresh, or on BENCH_DATABASE_URL).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from pathlib import Path

import bench
from bench import OUT, Result, scaled, timed

DEFAULT_ROWS = 5_000
HEADERS = [
    "户编号",
    "受益人证件号码",
    "年度",
    "措施类别",
    "措施项目",
    "项目名称",
    "金额(元)",
    "开始日期",
    "状态",
    "备注",
]


def _ledger(path: Path, rows: int) -> int:
    """Write a ledger of `rows` distinct measures; returns the number of households used."""
    from fupin.assistance.choices import MeasureKind
    from fupin.assistance.models import MeasureItem
    from fupin.exchange import codes
    from fupin.registry.models import Household, Member

    items = list(MeasureItem.objects.filter(kind=MeasureKind.GENERAL, active=True).order_by("category", "sort", "id"))
    categories = codes.labels("measure_category")
    statuses = list(codes.labels("measure_status").values())
    wanted = max(1, rows // 4)
    households = list(Household.objects.order_by("-id").values_list("id", "code")[:wanted])
    heads = dict(
        Member.objects.filter(household_id__in=[h for h, _c in households], ended_on__isnull=True)
        .order_by("household_id", "id")
        .values_list("household_id", "id_number")
    )
    years = (2017, 2018, 2019, 2020)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(HEADERS)
        for i in range(rows):
            hid, code = households[i % len(households)]
            k = i // len(households)  # the k-th measure of that household: a distinct (year, item)
            year = years[k % len(years)]
            item = items[(k // len(years)) % len(items)]
            personal = i % 5 == 0 and heads.get(hid)
            out.writerow(
                [
                    code,
                    heads[hid] if personal else "",
                    year,
                    categories[item.category],
                    item.name,
                    "",
                    f"{(i % 40) * 100 + 500}",
                    f"{year}-0{1 + i % 9}-1{i % 10}",
                    statuses[i % len(statuses)],
                    "基准测试" if i % 3 == 0 else "",
                ]
            )
    return len(households)


def main(argv: list[str] | None = None) -> list[Result]:
    parser = argparse.ArgumentParser(prog="bench.bench_ledgers")
    parser.add_argument("--rows", type=int, default=None, help="measure rows (default 5,000 × BENCH_SCALE)")
    args = parser.parse_args(argv if argv is not None else [])
    rows = args.rows or scaled(DEFAULT_ROWS)
    bench.setup()
    from django.db import connection

    from fupin.assistance.models import Measure, Plan
    from fupin.core.changelog import Context
    from fupin.core.choices import ChangeSource
    from fupin.core.models import ObjectChange
    from fupin.demo import generator
    from fupin.exchange.services.imports import import_file

    generator.DEMO_PHASES = []
    generator.generate_district(households=max(500, rows // 4), seed=2019, year=2017)
    path = OUT / f"ledger-{rows}.csv"
    households = _ledger(path, rows)
    ctx = Context(actor=None, source=ChangeSource.COMMAND)
    measures_before, plans_before, changes_before = (
        Measure.objects.count(),
        Plan.objects.count(),
        ObjectChange.objects.count(),
    )

    with timed() as first:
        result = import_file(path=path, ctx=ctx, year=2020)
    assert result.status == "loaded", [str(i) for i in result.issues.items[:5]]
    created = result.totals()["measures"]
    plans = Plan.objects.count() - plans_before
    changes = ObjectChange.objects.count() - changes_before
    with timed() as again:
        second = import_file(path=path, ctx=ctx, year=2020)
    assert second.status == "loaded", [str(i) for i in second.issues.items[:5]]
    unchanged = second.totals()["measures"]
    assert unchanged["unchanged"] == rows, unchanged

    table = connection.ops.quote_name(Measure._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE bench_measure AS SELECT * FROM {table} WHERE 1 = 0")
        cursor.execute(f"SELECT * FROM {table} ORDER BY id DESC LIMIT %s", [rows])
        stored = cursor.fetchall()
        marks = ", ".join(["%s"] * len(stored[0]))
        with timed() as base:
            cursor.executemany(f"INSERT INTO bench_measure VALUES ({marks})", stored)
        cursor.execute("DROP TABLE bench_measure")

    vendor = connection.vendor
    print(
        f"{vendor}: measures ledger of {rows:,} rows over {households:,} households "
        f"({Measure.objects.count() - measures_before:,} measures, {plans:,} plan headers, {changes:,} change rows)"
    )
    print(f"  first import {first.seconds:.2f} s ({rows / first.seconds:,.0f} rows/s), counts {created}")
    print(f"  unchanged re-import {again.seconds:.2f} s ({rows / again.seconds:,.0f} rows/s)")
    print(f"  plain executemany of the measure rows: {base.seconds:.2f} s")
    return [
        Result(
            name=f"measures ledger, first import, {rows:,} rows ({vendor})",
            seconds=first.seconds,
            n=rows,
            unit="measures",
            baseline=base.seconds,
            baseline_name="executemany of the same measure rows into an empty table",
            note=f"{plans:,} plan headers and {changes:,} change-log rows created",
        ),
        Result(
            name=f"measures ledger, unchanged re-import, {rows:,} rows ({vendor})",
            seconds=again.seconds,
            n=rows,
            unit="measures",
            baseline=base.seconds,
            baseline_name="executemany of the same measure rows into an empty table",
            note="every row unchanged",
        ),
    ]


if __name__ == "__main__":
    if not os.environ.get("BENCH_DATABASE_URL") and not os.environ.get("BENCH_SQLITE"):
        sqlite = OUT / "ledgers.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite}{suffix}").unlink(missing_ok=True)
        os.environ["BENCH_SQLITE"] = str(sqlite)
    for r in main(sys.argv[1:]):
        print(r.as_dict())
