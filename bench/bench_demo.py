"""The demo generator: `make demo`'s load, and the registry load at benchmark size.

1. The default demo: 2,000 households with every demo phase of the later issues
   (assistance, identification, monitoring) — what `make demo` waits for.
2. The registry load alone (phases off): 30,000 households (≈100,000 persons) × BENCH_SCALE.
   Baseline: inserting the same person rows with one plain `executemany` into an empty copy
   of the member table, i.e. the floor for writing that many persons on this database; the
   ratio says what building realistic households, their yearly facts, status history and
   change log costs on top of that.
"""

from __future__ import annotations

import bench
from bench import Result, scaled, timed


def main() -> list[Result]:
    bench.setup()
    from django.db import connection

    from fupin.demo import generator
    from fupin.registry.models import Member

    with timed() as full:
        demo = generator.generate_district(households=2000, seed=2017)
    phases = ", ".join(p.rsplit(".", 2)[-2] for p in demo["phases"]) or "none"

    households = scaled(30_000)
    generator.DEMO_PHASES = []
    with timed() as t:
        result = generator.generate_district(households=households, seed=2018)

    table = connection.ops.quote_name(Member._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE bench_member AS SELECT * FROM {table} WHERE 1 = 0")
        cursor.execute(f"SELECT * FROM {table} ORDER BY id DESC LIMIT %s", [result["members"]])
        rows = cursor.fetchall()
        marks = ", ".join(["%s"] * len(rows[0]))
        with timed() as base:
            cursor.executemany(f"INSERT INTO bench_member VALUES ({marks})", rows)
        cursor.execute("DROP TABLE bench_member")

    persons = result["members"]
    print(f"make demo load: 2,000 households, {demo['members']:,} persons, phases {phases}: {full.seconds:.1f} s")
    print(
        f"registry load: {households:,} households, {persons:,} persons in {t.seconds:.1f} s "
        f"({persons / t.seconds:,.0f} persons/s); plain executemany of the persons: {base.seconds:.1f} s"
    )
    return [
        Result(
            name="make demo load, 2,000 households",
            seconds=full.seconds,
            n=demo["members"],
            unit="persons",
            note=f"with the demo phases: {phases}",
        ),
        Result(
            name=f"registry load, {households:,} households",
            seconds=t.seconds,
            n=persons,
            unit="persons",
            baseline=base.seconds,
            baseline_name="executemany of the same person rows into an empty table",
            note=f"{result['events']:,} status events, {households:,} yearly facts and change-log rows",
        ),
    ]


if __name__ == "__main__":
    for r in main():
        print(r.as_dict())
