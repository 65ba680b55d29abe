"""Run every benchmark module and print one table of results (see bench/__init__.py).

python -m bench.run                 # every bench/bench_*.py
python -m bench.run -k demo import  # only modules whose name contains one of the words
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import OUT, ROOT, Result

KEYS = ("name", "seconds", "n", "unit", "baseline", "baseline_name", "note")


def discover(words: list[str] | None = None) -> list[str]:
    names = sorted(p.stem for p in (ROOT / "bench").glob("bench_*.py"))
    if words:
        names = [n for n in names if any(w in n for w in words)]
    return [f"bench.{n}" for n in names]


def normalise(value: Any) -> list[dict]:
    """Whatever a module's main() returned, as a list of result dicts."""
    if value is None:
        return []
    if isinstance(value, Result | dict):
        value = [value]
    rows = []
    for item in value:
        if isinstance(item, Result):
            rows.append(item.as_dict())
            continue
        if not isinstance(item, dict) or "name" not in item or "seconds" not in item:
            raise TypeError(f"a benchmark result needs at least 'name' and 'seconds': {item!r}")
        known = {k: item[k] for k in KEYS if k in item}
        result = Result(**known)
        rows.append({**item, **result.as_dict()})
    return rows


def run_one(module: str, result_file: Path) -> None:
    """Child process: set up Django, run the module's main(), write its results as JSON."""
    import importlib

    import bench

    bench.setup()
    mod = importlib.import_module(module)
    # A module's main() may parse its own command line: give it an empty one, not ours.
    sys.argv = [module]
    value = mod.main()
    if isinstance(value, int) and not isinstance(value, bool):
        if value != 0:
            raise SystemExit(value)
        value = None  # an exit code of 0: the module printed its own report
    rows = normalise(value)
    result_file.write_text(json.dumps(rows, ensure_ascii=False, default=str))


def _fmt_seconds(s: float | None) -> str:
    if s is None:
        return "—"
    return f"{s:.3f} s" if s < 10 else f"{s:.1f} s"


def print_table(rows: list[dict]) -> None:
    print()
    print("== benchmark results ==")
    header = ("module", "benchmark", "n", "time", "rate", "baseline", "ratio")
    table = [header]
    for r in rows:
        rate = f"{r['rate']:,.0f} {r.get('unit', '')}/s" if r.get("rate") else "—"
        ratio = f"×{r['ratio']:.2f}" if r.get("ratio") else "—"
        table.append(
            (
                r["module"].removeprefix("bench."),
                r["name"],
                f"{r.get('n') or '—'}",
                _fmt_seconds(r["seconds"]),
                rate,
                _fmt_seconds(r.get("baseline")),
                ratio,
            )
        )
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    for i, row in enumerate(table):
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    for r in rows:
        if r.get("baseline_name") or r.get("note"):
            extra = "; ".join(
                x
                for x in (f"baseline: {r.get('baseline_name')}" if r.get("baseline_name") else "", r.get("note", ""))
                if x
            )
            print(f"  · {r['name']}: {extra}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-k", nargs="*", dest="words", help="run only modules whose name contains one of these")
    parser.add_argument("--module", help=argparse.SUPPRESS)
    parser.add_argument("--result-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.module:
        run_one(args.module, args.result_file)
        return 0

    modules = discover(args.words)
    if not modules:
        print("no benchmark modules found (bench/bench_*.py)")
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    rows: list[dict] = []
    failed: list[str] = []
    for module in modules:
        print(f"== {module} ==", flush=True)
        env = dict(os.environ)
        if not env.get("BENCH_DATABASE_URL"):
            # A fresh SQLite database per module: no module sees another's rows.
            db = OUT / f"{module.removeprefix('bench.')}.sqlite3"
            for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
                path.unlink(missing_ok=True)
            env["BENCH_SQLITE"] = str(db)
        result_file = OUT / f"{module.removeprefix('bench.')}.json"
        result_file.unlink(missing_ok=True)
        started = time.perf_counter()
        code = subprocess.call(
            [sys.executable, "-m", "bench.run", "--module", module, "--result-file", str(result_file)],
            cwd=ROOT,
            env=env,
        )
        took = time.perf_counter() - started
        if code != 0 or not result_file.exists():
            print(f"!! {module} failed (exit code {code}) after {took:.1f} s", flush=True)
            failed.append(module)
            continue
        rows.extend({**r, "module": module} for r in json.loads(result_file.read_text()))
        print(f"-- {module} done in {took:.1f} s", flush=True)

    print_table(rows)
    summary = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "scale": os.environ.get("BENCH_SCALE", "1"),
        "database": os.environ.get("BENCH_DATABASE_URL", "sqlite"),
        "results": rows,
        "failed": failed,
    }
    (OUT / "results.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
    print(f"\nresults written to {(OUT / 'results.json').relative_to(ROOT)}")
    if failed:
        print(f"FAILED: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
