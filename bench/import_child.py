"""One measured run in its own process (so peak memory is the run's own): an import through
`fupin.exchange`, or the bare baseline load. Prints one JSON line with seconds and ru_maxrss."""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

COLUMNS = 53


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("FUPIN_MODE", "dev")
    import django

    django.setup()


def run_import(path: str, year: int) -> dict:
    _django()
    from fupin.core.changelog import Context
    from fupin.core.choices import ChangeSource
    from fupin.exchange.services.imports import import_file

    start = time.perf_counter()
    result = import_file(path=Path(path), ctx=Context(actor=None, source=ChangeSource.COMMAND), year=year)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "status": str(result.status),
        "counts": result.totals(),
        "errors": result.issues.error_count,
    }


def run_baseline(path: str, vendor: str, url: str) -> dict:
    """The bare load of the same rows into one plain table with the same columns."""
    import polars as pl

    start = time.perf_counter()
    if vendor == "postgresql":
        import psycopg

        with psycopg.connect(url, autocommit=False) as conn, conn.cursor() as cur:
            cols = ", ".join(f"c{i} text" for i in range(COLUMNS))
            cur.execute("DROP TABLE IF EXISTS bench_baseline")
            cur.execute(f"CREATE TABLE bench_baseline (id bigserial primary key, {cols})")
            names = ", ".join(f"c{i}" for i in range(COLUMNS))
            with (
                Path(path).open("rb") as fh,
                cur.copy(f"COPY bench_baseline ({names}) FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
            ):
                fh.read(3)  # BOM
                fh.readline()  # title row
                while block := fh.read(1 << 20):
                    copy.write(block)
            conn.commit()
    else:
        import sqlite3

        frame = pl.read_csv(path, skip_lines=1, infer_schema=False)
        con = sqlite3.connect(url)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        con.execute("DROP TABLE IF EXISTS bench_baseline")
        cols = ", ".join(f"c{i} text" for i in range(frame.width))
        con.execute(f"CREATE TABLE bench_baseline (id integer primary key autoincrement, {cols})")
        names = ", ".join(f"c{i}" for i in range(frame.width))
        marks = ", ".join("?" * frame.width)
        con.execute("BEGIN")
        con.executemany(f"INSERT INTO bench_baseline ({names}) VALUES ({marks})", frame.iter_rows())
        con.commit()
        con.close()
    return {"seconds": time.perf_counter() - start}


def main() -> None:
    kind = sys.argv[1]
    if kind == "import":
        out = run_import(sys.argv[2], int(sys.argv[3]))
    else:
        out = run_baseline(sys.argv[2], sys.argv[3], sys.argv[4])
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out["maxrss_mb"] = usage.ru_maxrss / 1024
    out["cpu"] = usage.ru_utime + usage.ru_stime  # this process only (not the PostgreSQL server's)
    print(json.dumps(out, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
