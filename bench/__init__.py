"""The benchmark suite: `make bench` (= `python -m bench.run`) runs every `bench/bench_*.py`.

A benchmark module defines `main()`, which measures the project's path AND a baseline for
the same work in the same run (raw executemany, a plain SQL query, polars alone …), so
that the printed ratio means something on any machine. `main()` returns a `Result`, a
list of them, or dicts with the same keys (`name`, `seconds`, and optionally `n`, `unit`,
`baseline`, `baseline_name`, `note`); it may also print whatever it likes, or return an
exit code (0: it printed its own report). It is called with an empty command line.

`bench.run` runs each module in its own process on a fresh, migrated SQLite database under
`bench/out/` (or on `BENCH_DATABASE_URL`, e.g. a PostgreSQL database, which it migrates
but does not empty), with Django set up, then prints one table of every result and
writes it to `bench/out/results.json`. `BENCH_SCALE` (default 1) multiplies the sizes
modules choose, e.g. `BENCH_SCALE=10 make bench` for the 1M-person targets.
A module can also run alone: `python -m bench.bench_demo` (it calls `setup()` itself).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


@dataclass
class Result:
    name: str
    seconds: float
    n: int = 0  # items processed: rows, households, persons, requests …
    unit: str = "rows"
    baseline: float | None = None  # seconds of the reference measured in the same run
    baseline_name: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return self.seconds / self.baseline if self.baseline else None

    @property
    def rate(self) -> float | None:
        return self.n / self.seconds if self.n and self.seconds else None

    def as_dict(self) -> dict:
        return {**asdict(self), "ratio": self.ratio, "rate": self.rate}


def scale() -> float:
    return float(os.environ.get("BENCH_SCALE", "1"))


def scaled(n: int) -> int:
    return max(1, round(n * scale()))


@dataclass
class Timer:
    seconds: float = 0.0


@contextmanager
def timed() -> Iterator[Timer]:
    t = Timer()
    start = time.perf_counter()
    try:
        yield t
    finally:
        t.seconds = time.perf_counter() - start


_ready = False


def setup() -> None:
    """Configure Django for benchmarks (dev mode, a database under bench/out/) and migrate."""
    global _ready
    if _ready:
        return
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("FUPIN_MODE", "dev")
    os.environ.setdefault("FUPIN_VAR_DIR", str(OUT / "var"))
    # Never the DATABASE_URL of the shell: a benchmark writes hundreds of thousands of rows.
    sqlite = os.environ.get("BENCH_SQLITE") or str(OUT / "bench.sqlite3")
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{sqlite}"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    _ready = True
