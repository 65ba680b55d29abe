"""Import benchmark (issue 3): a 1,000,000-person roster as CSV and a 200,000-person one as
xlsx, imported into empty SQLite and PostgreSQL databases, re-imported unchanged and with 1%
of households changed, beside the bare load of the same rows (executemany / COPY into one
plain table). Each run is its own process, so its peak memory (ru_maxrss) is its own.

    python -m bench.bench_import [--persons 1000000] [--xlsx-persons 200000] [--no-pg]

Writes the figures into docs/benchmarks.md under "## Import (issue 3)".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DB = "fupin_bench"
SECTION = "## Import (issue 3)"
YEAR = 2019


def _env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "FUPIN_MODE": "dev",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def _fupin(url: str, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "fupin", *args], cwd=ROOT, env=_env(url), check=True, stdout=subprocess.DEVNULL
    )


def fresh_database(vendor: str, workdir: Path, pg_db: str = PG_DB) -> str:
    """An empty, migrated database with the demo region tree; returns its URL."""
    if vendor == "sqlite":
        db = workdir / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{db}"
    else:
        import psycopg

        # Emptied by dropping its schema rather than the database: DROP DATABASE waits for every
        # backend of the server to acknowledge a barrier, which a busy shared server may never do.
        url = f"postgres://postgres@127.0.0.1:5432/{pg_db}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [pg_db]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{pg_db}"')
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
    _fupin(url, "migrate", "-v0")
    _fupin(url, "import_regions", str(ROOT / "fupin" / "regions" / "data" / "zhuhui.csv"))
    return url


def child(url: str, *args: str) -> dict:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "bench.import_child", *args], cwd=ROOT, env=_env(url), capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["wall"] = time.perf_counter() - started
    return out


def generate(workdir: Path, persons: int, xlsx_persons: int) -> dict[str, Path]:
    from bench.import_gen import change_households, roster_frame, write_csv, write_xlsx

    files = {
        "csv": workdir / f"roster-{persons}.csv",
        "changed": workdir / f"roster-{persons}-1pct.csv",
        "xlsx": workdir / f"roster-{xlsx_persons}.xlsx",
    }
    if not files["csv"].exists() or not files["changed"].exists():
        frame = roster_frame(persons)
        write_csv(frame, files["csv"])
        write_csv(change_households(frame, 0.01), files["changed"])
        del frame
    if xlsx_persons and not files["xlsx"].exists():
        print(f"writing {files['xlsx'].name} (openpyxl, takes a while) …", flush=True)
        frame = roster_frame(xlsx_persons, seed=3)
        write_xlsx(frame, files["xlsx"])
        Path(f"{files['xlsx']}.rows").write_text(str(frame.height))
    return files


def rows_of(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for _ in fh) - 2  # title and header


def measure(
    vendor: str, files: dict[str, Path], workdir: Path, persons: int, xlsx_persons: int, pg_db: str = PG_DB
) -> list[dict]:
    results = []
    url = fresh_database(vendor, workdir, pg_db)
    base_url = url if vendor == "postgresql" else str(workdir / "baseline.sqlite3")
    if vendor == "sqlite":
        Path(base_url).unlink(missing_ok=True)
    print(f"[{vendor}] baseline …", flush=True)
    baseline = child(url, "baseline", str(files["csv"]), vendor, base_url)
    print(f"    {baseline['seconds']:.1f} s, {baseline['maxrss_mb']:.0f} MB", flush=True)
    results.append({"db": vendor, "case": "baseline: bare load", "persons": persons, **baseline})
    for case, path in (
        ("CSV import into empty DB", files["csv"]),
        ("re-import, unchanged", files["csv"]),
        ("re-import, 1% households changed", files["changed"]),
    ):
        print(f"[{vendor}] {case} …", flush=True)
        out = child(url, "import", str(path), str(YEAR))
        results.append({"db": vendor, "case": case, "persons": persons, **out})
        print(f"    {out['seconds']:.1f} s, {out['maxrss_mb']:.0f} MB, {out['status']} {out['counts']}", flush=True)
    if xlsx_persons:
        url = fresh_database(vendor, workdir, pg_db)
        print(f"[{vendor}] xlsx import …", flush=True)
        out = child(url, "import", str(files["xlsx"]), str(YEAR))
        print(f"    {out['seconds']:.1f} s, {out['maxrss_mb']:.0f} MB, {out['status']}", flush=True)
        xlsx_rows = int(Path(f"{files['xlsx']}.rows").read_text())
        results.append({"db": vendor, "case": "xlsx import into empty DB", "persons": xlsx_rows, **out})
    base = baseline["seconds"]
    for r in results:
        r["per_s"] = r["persons"] / r["seconds"] if r["seconds"] else 0
        r["ratio"] = r["seconds"] / base if r["persons"] == persons else None
    return results


def table(results: list[dict]) -> list[str]:
    lines = [
        "| database | case | persons | seconds | persons/s | × bare load | CPU s (client) | peak memory (MB) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        ratio = f"{r['ratio']:.2f}" if r.get("ratio") is not None else "—"
        cpu = f"{r['cpu']:.1f}" if r.get("cpu") is not None else "—"
        lines.append(
            f"| {r['db']} | {r['case']} | {r['persons']:,} | {r['seconds']:.1f} | {r['per_s']:,.0f} | "
            f"{ratio} | {cpu} | {r['maxrss_mb']:,.0f} |"
        )
    return lines


WHERE_THE_TIME_GOES = (
    "CPU s (client) is the measured process's own CPU time (user + system): on SQLite it includes the "
    "database's work, on PostgreSQL the server's work is not in it. The machine was shared with other "
    "benchmarks during this run (SQLite's bare load took 59 s here against 17 s in a quieter run), so "
    "compare the ratios and CPU seconds of one run rather than seconds across runs. On SQLite the CPU ratio "
    "agrees with the wall-clock one: 49.0 s against 15.9 s for the bare load, 3.1×.\n\n"
    "What changed since the previous figures (4.6× and 20× the bare load, re-imports 2.1–2.3 GB): a household "
    "created by an import is logged once, its members and year nested in its snapshot, empty values left out "
    "(docs/decisions/0003: 0.3 M change rows instead of 1.6 M, 63% of the JSON bytes); money columns "
    "are parsed column-wise (Python only for unusual spellings); the reader no longer copies the sheet to drop "
    "empty or summary rows when there are none, and lets the sheet's unused columns go before parsing; the "
    "matching adds looked-up ids as columns instead of copying a million person rows through joins and "
    "partitions; on PostgreSQL the re-import reads the registry by COPYing the keys into a temporary table and "
    "the joined rows out as CSV (unchanged re-import 102 s → 43 s, now 1.0× and 3.7× the bare load).\n\n"
    "What remains. PostgreSQL's first import stays far above 4× the bare load: the bare load is one COPY into "
    "a single unindexed text table, almost all server time, while the import (25 s of client CPU, the rest "
    "the server's) COPYs a million members into a table with seven indexes, four check constraints and a "
    "deferred foreign key checked row by row at commit, 300,000 households, years and change rows and "
    "their status events the same way, and parses about 0.6 GB of change-log JSON into jsonb. Closing "
    "that gap needs either fewer indexes on the registry's tables or loading without per-row foreign-key "
    "checks (disabling triggers needs a superuser): decisions for the registry, not the importer. The xlsx "
    "target is out of reach with any calamine-based reader: parsing the sheet's XML alone (before any cell "
    "reaches Python) costs about 0.57 s of CPU per 20,000 persons on this machine, i.e. at most ~35,000 "
    "persons/s for reading only, and the whole xlsx import costs 19 s of CPU for 200,000 persons (~10,000 "
    "persons/s of CPU). Reading to Arrow (fastexcel) shares the same parser and loses the cell type that "
    "tells an ID number stored as a float, which must be rejected. Peak memory is under 2 GB in every case "
    "but close to it on SQLite's re-imports (1.97 GB): the file's frames (validated person rows) and the "
    "registry's (a million members read back for matching) are held together while they are compared; "
    "comparing in slices of households would bound that."
)


def verdicts(results: list[dict], load: float) -> list[str]:
    """One line per target, met or not, from the figures of this run."""
    out = []
    for db in ("sqlite", "postgresql"):
        rows = {r["case"]: r for r in results if r["db"] == db}
        if not rows:
            continue
        first = rows.get("CSV import into empty DB")
        same = rows.get("re-import, unchanged")
        xlsx = rows.get("xlsx import into empty DB")
        peak = max(r["maxrss_mb"] for r in rows.values() if not r["case"].startswith("baseline"))
        parts = []
        if first:
            parts.append(f"CSV {first['ratio']:.2f}× the bare load ({'met' if first['ratio'] <= 4 else 'missed'})")
        if xlsx:
            parts.append(f"xlsx {xlsx['per_s']:,.0f} persons/s ({'met' if xlsx['per_s'] >= 40_000 else 'missed'})")
        parts.append(f"peak {peak:,.0f} MB ({'met' if peak < 2000 else 'missed'})")
        if first and same:
            parts.append(
                f"unchanged re-import {same['seconds']:.0f} s vs first {first['seconds']:.0f} s "
                f"({'met' if same['seconds'] <= first['seconds'] else 'missed'})"
            )
        out.append(f"- {db}: " + "; ".join(parts) + ".")
    out.append(
        f"- Load average when the run ended: {load:.1f} (other work shares the machine: compare ratios, "
        "which are measured in the same run, rather than absolute seconds)."
    )
    return out


def write_doc(lines: list[str], args: argparse.Namespace) -> Path:
    doc = ROOT / "docs" / "benchmarks.md"
    doc.parent.mkdir(exist_ok=True)
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    body = [
        SECTION,
        "",
        f"Run {dt.date.today().isoformat()} with `python -m bench.bench_import --persons {args.persons} "
        f"--xlsx-persons {args.xlsx_persons}` on {platform.machine()} ({os.cpu_count()} cores), "
        f"Python {platform.python_version()}.",
        "Each run is a separate process (seconds = the import service's own time, without interpreter start; "
        "peak memory = that process's ru_maxrss). The bare load is the same CSV rows loaded into one plain "
        "table with the same columns: PostgreSQL `COPY` of the file, SQLite `executemany` of the rows "
        "(read with polars). An import validates every rule of SPEC/exchange.md, matches against the "
        "registry, writes households, members, yearly facts, status events and the change log (one row per "
        "created household with its members and year nested, docs/decisions/0003; one row per other created, "
        "changed or ended record), all in one transaction. Targets: CSV import ≤ 4× the bare load; "
        "xlsx ≥ 40,000 persons/s; peak memory < 2 GB; an unchanged re-import no slower than the first.",
        "",
        *lines,
        "",
        WHERE_THE_TIME_GOES,
        "",
    ]
    start = text.find(SECTION)
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + "\n".join(body)
    else:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + "\n".join(body) + ("\n" + text[end + 1 :] if end != -1 else "")
    doc.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
    return doc


def _scaled(n: int) -> int:
    """The suite's BENCH_SCALE convention (bench/__init__.py): scale 10 = the 1M-person targets."""
    return max(1000, round(n * float(os.environ.get("BENCH_SCALE", "1"))))


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=_scaled(100_000))
    parser.add_argument("--xlsx-persons", type=int, default=_scaled(20_000))
    parser.add_argument("--no-pg", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--pg-db", default=PG_DB, help="PostgreSQL database to (re)create on 127.0.0.1:5432")
    parser.add_argument("--workdir", default=str(ROOT / "var" / "bench"))
    parser.add_argument("--no-doc", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument(
        "--doc-from", metavar="RESULTS.json", help="only rewrite the doc section from a saved run's figures"
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    if args.doc_from:
        saved = json.loads(Path(args.doc_from).read_text(encoding="utf-8"))
        results, load = saved["results"], saved["load"]
        args.persons, args.xlsx_persons = saved["persons"], saved["xlsx_persons"]
    else:
        files = generate(workdir, args.persons, args.xlsx_persons)
        persons = rows_of(files["csv"])
        results = measure("sqlite", files, workdir, persons, args.xlsx_persons)
        if not args.no_pg:
            results += measure("postgresql", files, workdir, persons, args.xlsx_persons, args.pg_db)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
        saved = {"results": results, "load": load, "persons": args.persons, "xlsx_persons": args.xlsx_persons}
        (workdir / f"import-results-{args.persons}.json").write_text(json.dumps(saved, indent=1), encoding="utf-8")
    lines = table(results)
    print("\n".join(lines))
    # Only a full-size run (the targets are stated for 1M persons) replaces the recorded figures.
    if not args.no_doc and args.persons >= 1_000_000:
        print(f"written to {write_doc([*lines, '', *verdicts(results, load)], args)}")
    base = {r["db"]: r["seconds"] for r in results if r["case"].startswith("baseline")}
    return [
        {
            "name": f"import {r['db']}: {r['case']}",
            "seconds": r["seconds"],
            "n": r["persons"],
            "unit": "persons",
            "baseline": base.get(r["db"])
            if r.get("ratio") is not None and not r["case"].startswith("baseline")
            else None,
            "baseline_name": "bare load of the same rows" if r.get("ratio") is not None else "",
            "note": f"peak {r['maxrss_mb']:,.0f} MB",
        }
        for r in results
    ]


if __name__ == "__main__":
    main()
