"""Reports at district scale: the summary command and the dashboard's requests on about
1,000,000 persons (`--persons`, default 100,000 × BENCH_SCALE), on SQLite and PostgreSQL,
beside a bare SQL GROUP BY of the same counts in the same run, and checked equal to it.

Each database runs in its own child process (`--child sqlite|postgres`) on a fresh
database: SQLite under bench/out/, PostgreSQL `fupin_bench_reports` at 127.0.0.1:5432
(dropped and created), or databases of one's own with `--db NAME`. The child loads the
demo district (`generate_district`), adds pairings, measures and visits in bulk (the
registry load only: the demo phases are not built for this size), then measures:

- `fupin summary --year 2017 --json` in-process (first call and best of three);
- the bare SQL: one GROUP BY over households and one over members for the same
  household/person counts, the figures compared with the summary's;
- the dashboard: the first (uncached) request of each page and JSON endpoint for the
  district, a township and a village, then p50/p95 over 100 requests cycling over them.

`python -m bench.bench_reports --persons 1000000 --docs` also rewrites the
"## Reports (issue 6)" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import bench
from bench import OUT, ROOT, Result, scaled

PG_NAME = "fupin_bench_reports"
SQLITE = OUT / "bench_reports.sqlite3"
SAVED = "reports"  # prefix of the figures saved under bench/out/ (what --docs reads)
YEAR = 2017
PERSONS_PER_HOUSEHOLD = 3.44  # the demo generator's mean household size


def _use_scratch(name: str) -> None:
    """Run on databases of one's own (`--db NAME`): PostgreSQL `NAME`, SQLite
    bench/out/NAME.sqlite3, figures saved as bench/out/NAME-*.json, so that a side
    measurement neither drops the shared benchmark database nor feeds `--docs`."""
    global PG_NAME, SQLITE, SAVED
    PG_NAME, SQLITE, SAVED = name, OUT / f"{name}.sqlite3", name


def _pg_url() -> str:
    return f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"


def _fresh(backend: str, *, reuse: bool = False) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "BENCH_DATABASE_URL", "BENCH_SQLITE")}
    env["FUPIN_VAR_DIR"] = str(OUT / f"var-reports-{backend}")
    env["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"  # the test client's host
    if reuse:
        env["BENCH_REUSE"] = "1"
        if backend == "sqlite":
            env["BENCH_SQLITE"] = str(SQLITE)
        else:
            env["BENCH_DATABASE_URL"] = _pg_url()
        return env
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE}{suffix}").unlink(missing_ok=True)
        env["BENCH_SQLITE"] = str(SQLITE)
    else:
        import psycopg
        from psycopg import sql

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            name = sql.Identifier(PG_NAME)
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
        env["BENCH_DATABASE_URL"] = _pg_url()
    return env


def _assistance(rng: random.Random) -> dict[str, int]:
    """Pairings, measures and visits for the registered households, in bulk (benchmark data)."""
    from fupin.assistance.models import Cadre, LinkedUnit, Measure, MeasureItem, Pairing, Visit, WorkTeam
    from fupin.regions.choices import RegionLevel
    from fupin.regions.models import Region
    from fupin.registry.models import Household

    villages = list(Region.objects.filter(level=RegionLevel.VILLAGE))
    units = LinkedUnit.objects.bulk_create(
        [LinkedUnit(name=f"联点单位{i:02d}", affiliation="county") for i in range(58)]
    )
    teams = WorkTeam.objects.bulk_create(
        [
            WorkTeam(name=f"{v.name}工作队", region=v, unit=units[i % len(units)], started_on=dt.date(2016, 3, 1))
            for i, v in enumerate(villages)
        ]
    )
    by_region = {v.pk: t for v, t in zip(villages, teams, strict=True)}
    households = list(Household.objects.filter(registered=True).values_list("pk", flat=True))
    n_cadres = max(1, len(households) // 5)
    cadres = Cadre.objects.bulk_create(
        [
            Cadre(
                name=f"干部{i}",
                phone=f"13{i:09d}",
                unit=units[i % len(units)],
                region=villages[i % len(villages)],
                team=by_region[villages[i % len(villages)].pk],
            )
            for i in range(n_cadres)
        ],
        batch_size=5000,
    )
    items = {i.name: i for i in MeasureItem.objects.all()}
    extra = [items[n] for n in ("特色种植", "特色养殖", "乡外务工", "雨露计划", "危房改造", "扶贫小额信贷", "低保")]
    pairings, measures, visits = [], [], []
    for k, pk in enumerate(households):
        cadre = cadres[k % n_cadres]
        if rng.random() < 0.97:
            pairings.append(Pairing(household_id=pk, cadre=cadre, started_on=dt.date(2016, 1 + k % 12, 1)))
        measures.append(Measure(household_id=pk, year=YEAR, category="health", item=items["家庭医生签约"]))
        item = rng.choice(extra)
        measures.append(
            Measure(
                household_id=pk,
                year=YEAR,
                category=item.category,
                item=item,
                amount=Decimal(rng.randint(5, 500) * 100),
                status="done",
                ended_on=dt.date(YEAR, rng.randint(1, 12), 1),
            )
        )
        visits.append(Visit(household_id=pk, cadre=cadre, visited_on=dt.date(YEAR, 12, rng.randint(1, 28)), chat=True))
    Pairing.objects.bulk_create(pairings, batch_size=5000)
    Measure.objects.bulk_create(measures, batch_size=5000)
    Visit.objects.bulk_create(visits, batch_size=5000)
    return {"pairings": len(pairings), "measures": len(measures), "visits": len(visits), "cadres": n_cadres}


def _bare_sql(year: int) -> dict[str, dict[str, int]]:
    """The household and person counts of the indicators by hand-written SQL, grouped by
    region and summed (the floor for the same work on this database)."""
    from django.db import connection

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    groups = {
        "registered": "1=1",
        "exited": "h.status = 'exited' AND h.exit_year <= %(y)s",
        "exited_this_year": "h.status = 'exited' AND h.exit_year = %(y)s",
        "stably_exited": "h.status = 'exited' AND h.exit_year < %(y)s",
        "not_exited": "h.status = 'not_exited'",
        "returned": "h.status = 'returned'",
        "floor_protection": "h.attribute IN ('2', '3')",
    }
    counted = (
        "h.registered AND (h.identified_year IS NULL OR h.identified_year <= %(y)s)"
        " AND (h.closed_on IS NULL OR h.closed_on >= %(start)s)"
    )
    active = (
        "(m.join_reason = '00' OR m.joined_on IS NULL OR m.joined_on <= %(end)s)"
        " AND (m.ended_on IS NULL OR m.ended_on >= %(start)s)"
    )
    sums = ", ".join(f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)" for cond in groups.values())
    params = {"y": year, "start": start, "end": end}
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT h.region_id, {sums} FROM registry_household h WHERE {counted} GROUP BY h.region_id", params
        )
        hh = cur.fetchall()
        cur.execute(
            f"SELECT h.region_id, {sums} FROM registry_member m JOIN registry_household h"
            f" ON h.id = m.household_id WHERE {counted} AND {active} GROUP BY h.region_id",
            params,
        )
        pp = cur.fetchall()
    return {
        g: {"households": sum(int(r[i + 1] or 0) for r in hh), "persons": sum(int(r[i + 1] or 0) for r in pp)}
        for i, g in enumerate(groups)
    }


def _parts(year: int) -> dict[str, float]:
    """Seconds of each aggregate of the summary (district scope), one call each."""
    from fupin.assistance.models import MeasureItem
    from fupin.reports.scope import Scope
    from fupin.reports.selectors import indicators as ind

    scope, catalogue = Scope(paths=("",)), {i.pk: i for i in MeasureItem.objects.all()}
    calls = {
        "households": lambda: ind.household_counts(scope, year),
        "members": lambda: ind.person_counts(scope, year),
        "measures by item": lambda: ind.measure_items(scope, year),
        "houses and credit": lambda: ind.measure_facts(scope, year, catalogue),
        "organisation": lambda: ind.organisation(scope, year),
    }
    parts = {}
    for name, call in calls.items():
        with ind.report_session():
            s = time.perf_counter()
            call()
            parts[name] = round(time.perf_counter() - s, 3)
    return parts


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * (len(values) - 1))))]


def _settle() -> None:
    """Bring the loaded database to the state a live one is in before measuring: statistics
    for the indexes a migration may just have added, and no leftovers of the bulk load.
    PostgreSQL: VACUUM sets the visibility map and hint bits, which autovacuum does on its
    own shortly after a bulk insert (PostgreSQL ≥ 13); before it every index-only scan of
    the summary fetched each heap row too and the first reads wrote the hint bits (measures
    by item 2.0 s before, 1.2 s after, under EXPLAIN ANALYZE at load 3). SQLite: the load
    leaves a WAL of hundreds of MB; measured through it, every read of the summary was
    several times slower than on the checkpointed file a live database has."""
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("VACUUM (ANALYZE)")  # Django's connection is in autocommit here
        else:
            cur.execute("ANALYZE")
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def child(backend: str, persons: int) -> dict:
    bench.setup()
    from io import StringIO

    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from fupin.accounts.choices import RoleCode
    from fupin.accounts.services.users import role_assign, user_create
    from fupin.core.changelog import Context
    from fupin.demo.generator import generate_district
    from fupin.regions.models import Region
    from fupin.reports.selectors.indicators import indicators

    households = round(persons / PERSONS_PER_HOUSEHOLD)
    t0 = time.perf_counter()
    if os.environ.get("BENCH_REUSE"):
        # Measure again on the database a previous run loaded (--reuse).
        from fupin.assistance.models import Measure, Pairing, Visit
        from fupin.registry.models import Household, Member

        loaded = {"households": Household.objects.count(), "members": Member.objects.count()}
        extra = {
            "pairings": Pairing.objects.count(),
            "measures": Measure.objects.count(),
            "visits": Visit.objects.count(),
        }
    else:
        # The registry only: the demo phases (assistance …) are not built for a million persons
        # (the assistance phase passes every household id as SQL parameters); the benchmark adds
        # pairings, measures and visits itself, in bulk.
        from fupin.demo import generator

        generator.DEMO_PHASES = []
        loaded = generate_district(households=households, seed=2017)
        extra = _assistance(random.Random(2017))
    _settle()
    load_seconds = time.perf_counter() - t0
    load_before = os.getloadavg()[0]

    times = []
    for _ in range(3):
        out = StringIO()
        s = time.perf_counter()
        call_command("summary", "--year", str(YEAR), "--json", stdout=out)
        times.append(time.perf_counter() - s)
    summary = json.loads(out.getvalue())
    parts = _parts(YEAR)
    base_times = []
    for _ in range(3):
        s = time.perf_counter()
        bare = _bare_sql(YEAR)
        base_times.append(time.perf_counter() - s)
    equal = all(summary[g] == bare[g] for g in bare)

    ctx = Context(actor=None)
    from fupin.accounts.models import User

    user = User.objects.filter(username="bench-office").first()
    if user is None:
        user = user_create(ctx=ctx, username="bench-office", password="bench-pass-123", full_name="区扶贫办")
        role_assign(ctx=ctx, user=user, role_code=RoleCode.DISTRICT_OFFICE, region=Region.objects.get(code="430405"))
    client = Client()
    client.force_login(user)
    township, village = Region.objects.get(code="430405014"), Region.objects.get(code="430405014201")
    page, data = reverse("reports:dashboard"), reverse("reports:dashboard_data")
    urls = [
        f"{u}?year={YEAR}{q}" for q in ("", f"&region={township.pk}", f"&region={village.pk}") for u in (page, data)
    ]
    cache.clear()
    cold = {}
    for url in urls:
        s = time.perf_counter()
        r = client.get(url)
        cold[url] = time.perf_counter() - s
        assert r.status_code == 200, (url, r.status_code)
    warm = []
    for i in range(100):
        url = urls[i % len(urls)]
        s = time.perf_counter()
        r = client.get(url)
        warm.append(time.perf_counter() - s)
        assert r.status_code == 200
    dash = client.get(urls[1]).json()["indicators"]
    fresh = json.loads(json.dumps(indicators(year=YEAR, user=user), default=str))
    counts_equal = equal and dash == fresh and all(dash[g] == bare[g] for g in bare)
    member_count = loaded["members"]
    return {
        "backend": backend,
        "households": loaded["households"],
        "persons": member_count,
        "load_seconds": round(load_seconds, 1),
        "reused": bool(os.environ.get("BENCH_REUSE")),
        **extra,
        "summary_first": times[0],
        "summary_best": min(times),
        "bare_first": base_times[0],
        "bare_best": min(base_times),
        "summary_equals_bare": equal,
        "parts": parts,
        "cold_max": max(cold.values()),
        "cold_median": statistics.median(cold.values()),
        "warm_p50": _pct(warm, 0.5),
        "warm_p95": _pct(warm, 0.95),
        "dashboard_equals_recount": counts_equal,
        "registered": summary["registered"],
        "loadavg": [round(load_before, 1), round(os.getloadavg()[0], 1)],
    }


def _run(backend: str, persons: int, *, reuse: bool = False) -> dict:
    env = _fresh(backend, reuse=reuse)
    proc = subprocess.run(
        [sys.executable, "-m", "bench.bench_reports", "--child", backend, "--persons", str(persons)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{backend} child failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _docs(rows: list[dict]) -> str:
    lines = [
        "## Reports (issue 6)",
        "",
        "`python -m bench.bench_reports --persons 1000000 --docs` (`bench/bench_reports.py`): the demo",
        "district at one million persons plus, per registered household, a pairing (97%), two 2017",
        "measures and a visit, loaded in bulk; then `fupin summary --year 2017 --json` in-process,",
        "a bare SQL GROUP BY of the same household and person counts, and the dashboard's six",
        "requests (page and JSON for the district, 东阳渡街道 and 大昌村) through Django's test client",
        "as the district office. *Cold* is the first request after the cache was emptied",
        "(every aggregate computed); p50/p95 are over the next 100 requests, which check the data",
        "version and read the cached aggregates. Every figure was compared with the bare SQL.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()};"
        f" {dt.date.today().isoformat()}.",
        "",
        "| database | households | persons | summary (first / best) | bare SQL GROUP BY (first / best) |"
        " dashboard cold (median / max) | dashboard p50 | dashboard p95 | equal to recount | load average |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['backend']} | {r['households']:,} | {r['persons']:,} | {r['summary_first']:.2f} s / "
            f"{r['summary_best']:.2f} s | {r['bare_first']:.2f} s / {r['bare_best']:.2f} s | "
            f"{r['cold_median']:.2f} s / {r['cold_max']:.2f} s | {r['warm_p50'] * 1000:.0f} ms | "
            f"{r['warm_p95'] * 1000:.0f} ms | {'yes' if r['dashboard_equals_recount'] else 'NO'} |"
            f" {r.get('loadavg', ['?', '?'])[0]} → {r.get('loadavg', ['?', '?'])[1]} |"
        )
    lines.append("")
    for r in rows:
        summary_ok = "met" if r["summary_best"] <= 2 else "missed"
        p95_ok = "met" if r["warm_p95"] <= 0.3 else "missed"
        lines.append(
            f"- {r['backend']}: summary {r['summary_best']:.1f} s ({summary_ok};"
            f" {r['summary_best'] / r['bare_best']:.1f}×"
            f" the bare SQL), dashboard p95 {r['warm_p95'] * 1000:.0f} ms ({p95_ok}), first request after a write"
            f" up to {r['cold_max']:.0f} s."
        )
    lines.append("")
    for r in rows:
        if r.get("parts"):
            parts = ", ".join(f"{name} {sec:.2f} s" for name, sec in r["parts"].items())
            lines.append(f"- {r['backend']}, the summary's aggregates one by one: {parts}.")
    history_path = OUT / "reports-history.jsonl"
    history = (
        [json.loads(line) for line in history_path.read_text(encoding="utf-8").splitlines()]
        if history_path.exists()
        else []
    )
    if len(history) > len(rows):
        lines += [
            "",
            "Every run of this code on the same data (the load average moves every figure; the ratio to"
            " the bare SQL of the same run moves less):",
            "",
            "| run | database | summary (first / best) | bare SQL (best) | summary ÷ bare | load average |",
            "|---|---|---:|---:|---:|---|",
        ]
        for h in history:
            lines.append(
                f"| {h.get('at', '?')} | {h['backend']} | {h['summary_first']:.2f} s / {h['summary_best']:.2f} s |"
                f" {h['bare_best']:.2f} s | {h['summary_best'] / h['bare_best']:.1f}× |"
                f" {h['loadavg'][0]} → {h['loadavg'][1]} |"
            )
    reused = [r["backend"] for r in rows if r.get("reused")]
    if reused:
        lines += [
            "",
            f"Measured with `--reuse` ({', '.join(reused)}): on the database the run just before had loaded"
            " (migrated to the current indexes, vacuumed and analysed first), because loading a million persons takes"
            " 6 to 20 minutes on this shared machine, depending on its load.",
        ]
    lines += [
        "",
        "How the summary is computed (`fupin/reports/selectors/indicators.py`): households grouped by"
        " region with the paired ones counted by `IN` over the pairings active on 31 December (one"
        " hash of the pairings on PostgreSQL, not a probe per household); active members joined to"
        " their households grouped by region, every group, students, workers and posts counted in"
        " that one pass; the year's measures reduced to one row per (item, household) and joined"
        " once to the number of active members per household for the persons covered, amounts"
        " summed apart in whole cents; houses and credit read only their items' rows; three small"
        " organisation counts. Covering indexes let SQLite read households, members and measures"
        " from their indexes alone: household (region, status, registered, identified_year,"
        " closed_on, exit_year, attribute) and member (household, ended_on, joined_on, join_reason,"
        " school_status, work_status, welfare_post) widen the two indexes they replace (same number"
        " of indexes to maintain on import), and measure (year, item, household, beneficiary, amount)"
        " is new. On PostgreSQL the reports turn JIT off for their own transaction: the planner"
        " overestimates the joins of grouped subqueries and JIT compilation cost more than the run.",
        "",
        "Before measuring, the benchmark brings the loaded database to the state a live one is in:"
        " on PostgreSQL `VACUUM (ANALYZE)`, which autovacuum does by itself shortly after a bulk insert"
        " (PostgreSQL ≥ 13), on SQLite `ANALYZE` and a WAL checkpoint. Without the VACUUM every"
        " index-only scan of the summary also fetched each heap row and the first reads wrote the"
        " hint bits: the measures by item took 2.0 s under EXPLAIN ANALYZE before it and 1.2 s after"
        " (load 3), and the whole summary 3.2 s at load 5.8 on the fresh load against 1.4 s at load"
        " 2.9 once vacuumed. The first two runs of the table above (10:46 and 10:56) were measured on"
        " the fresh load, before this step existed; so were the earlier figures of this section"
        " (SQLite 1.67–4.38 s, PostgreSQL 2.30–3.78 s at loads 6–11).",
        "",
        "One member pass, tried and not kept (2026-11-29, 100,000 persons): the members grouped once"
        " per household (count, students, workers, posts) in a materialised CTE, rolled up per region"
        " over the households that count in the year and joined to the year's (item, household) pairs"
        " in the same statement. Same figures, but slower on both databases (SQLite best 0.151 s"
        " against 0.138 s, PostgreSQL 0.179 s against 0.171 s): the member scans are cheap on the"
        " covering indexes, and materialising some 290,000 per-household rows at a million persons and"
        " probing them costs more than the second scan it saves. Grouping the members per household"
        " first and then per region without the measures was no faster on SQLite either (0.95 s"
        " against 0.75–0.90 s for the present join at load 3.5, a million persons).",
        "",
        "Before this rewrite (correlated pairing test, persons covered by a join of every measure"
        " with the members of its household, no covering indexes), on the same data: SQLite 36.2 s"
        " against a bare SQL of 8.4 s at load 13.5 (2026-11-29, fresh load), and 16.2 s against"
        " 4.9 s in an earlier run at load 7–8; PostgreSQL 7.4 s against 1.1 s. The first of those"
        " SQLite runs read through the loader's WAL of some 750 MB (the earlier one most likely too),"
        " which the benchmark now checkpoints before measuring, so part of their gap is that, not the"
        " code; on the checkpointed file with the new"
        " indexes the old code took 2.5–4.6 s against 2.0–2.6 s for the new at load 8.5, and on"
        " PostgreSQL the old measures-by-item alone 1.8 s against 1.0 s.",
        "",
        "Result: on the settled database with the machine otherwise idle (load 1.2–1.3), the summary"
        " takes 1.38 s on SQLite and 0.99 s on PostgreSQL (best of three; first call 1.41 s and 1.18 s):"
        " both under 2 s, and equal to the bare SQL's counts. Under load the same code stretches: at"
        " load 3–3.5 SQLite took 1.94 s and PostgreSQL 1.39 s, and at loads of 6–11 earlier in the day"
        " 1.7–4.4 s. The largest parts are the member pass (about seventeen conditional counts per"
        " member row, read from the covering index) and the measures by item (some 500,000"
        " (item, household) pairs joined to 290,000 per-household member counts). Further steps, not"
        " needed for the target: a per-household summary row kept by the registry services and bulk"
        " loaders in the writing transaction (a change to the registry's write path), or the"
        " aggregates run on two connections of one snapshot.",
        "",
        "Not done, on purpose: persisted per-village aggregates refreshed by a background job. The"
        " summary must equal a recount at once after any edit, so a reader arriving before the job"
        " would have to recompute anyway (the cold path is what is measured here); an incremental"
        " refresh from the change log would miss the bulk loaders that write without logging (this"
        " benchmark's own load among them). The dashboard keeps its cache keyed by the data version.",
        "",
        "Targets: summary ≤ 2 s, dashboard p95 ≤ 300 ms, always equal to a recount. The bare SQL does",
        "only the household and person counts (two of the summary's aggregates, on the same indexes),",
        "so the ratio summary ÷ bare SQL shows what the measures and organisation figures add. A write",
        "anywhere (any service logs an ObjectChange) changes the data version, so the next dashboard",
        "request is a cold one; see docs/indicators.md.",
        "",
        "The last column is the machine's load average before and after the measurements: this",
        "2-core machine is shared, and a load above 2 stretches every figure, the bare SQL's",
        "included. Where the bare SQL alone takes longer than a target, the floor is the database's",
        "scan of a million rows on this machine, and the ratio summary ÷ bare SQL is the part the",
        "project adds.",
        "",
    ]
    return "\n".join(lines)


def _write_docs(section: str) -> None:
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text(encoding="utf-8")
    start = text.find("## Reports (issue 6)")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 5)
        text = text[:start] + section.rstrip("\n") + "\n" + ("" if end == -1 else "\n" + text[end + 1 :])
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> list[Result]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=scaled(100_000))
    parser.add_argument("--child", choices=["sqlite", "postgres"])
    parser.add_argument("--only", choices=["sqlite", "postgres", "none"])
    parser.add_argument("--docs", action="store_true", help="rewrite the section of docs/benchmarks.md")
    parser.add_argument("--reuse", action="store_true", help="measure again on the database of the last run")
    parser.add_argument("--docs-only", action="store_true", help="rewrite the docs from the saved figures")
    parser.add_argument(
        "--db",
        metavar="NAME",
        help="scratch databases of one's own: PostgreSQL NAME and bench/out/NAME.sqlite3 (not with --docs)",
    )
    args = parser.parse_args(argv if argv is not None else [])
    if args.db:
        if args.docs or args.docs_only:
            parser.error("--db measures on scratch databases; --docs reads the shared run's figures")
        _use_scratch(args.db)
    if args.child:
        print(json.dumps(child(args.child, args.persons), default=str))
        return []
    OUT.mkdir(parents=True, exist_ok=True)
    if args.docs_only:
        args.only, args.docs = "none", True
    rows = []
    for backend in ("sqlite", "postgres"):
        if args.only in (None, backend):
            rows.append(_run(backend, args.persons, reuse=args.reuse))
            (OUT / f"{SAVED}-{backend}.json").write_text(json.dumps(rows[-1]), encoding="utf-8")
            with (OUT / f"{SAVED}-history.jsonl").open("a", encoding="utf-8") as history:
                history.write(json.dumps({**rows[-1], "at": dt.datetime.now().isoformat(timespec="minutes")}) + "\n")
    results = []
    for r in rows:
        print(json.dumps(r, ensure_ascii=False))
        results += [
            Result(
                name=f"summary {r['backend']}",
                seconds=r["summary_best"],
                n=r["persons"],
                unit="persons",
                baseline=r["bare_best"],
                baseline_name="bare SQL GROUP BY of the same counts",
                note=f"equal: {r['summary_equals_bare']}",
            ),
            Result(
                name=f"dashboard p95 {r['backend']}",
                seconds=r["warm_p95"],
                n=100,
                unit="requests",
                note=f"p50 {r['warm_p50'] * 1000:.0f} ms, cold max {r['cold_max']:.2f} s, "
                f"equal: {r['dashboard_equals_recount']}",
            ),
        ]
    if args.docs:
        # A run of one database keeps the other's latest figures (saved under bench/out/).
        saved = [
            json.loads((OUT / f"reports-{b}.json").read_text(encoding="utf-8"))
            for b in ("sqlite", "postgres")
            if (OUT / f"reports-{b}.json").exists()
        ]
        _write_docs(_docs(saved))
    if not all(r["summary_equals_bare"] and r["dashboard_equals_recount"] for r in rows):
        raise SystemExit("figures differ from the recount")
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
