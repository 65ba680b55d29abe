"""A real `fupin import` in its own process, killed while it writes: the harness shared by
the crash test on SQLite (test_crash.py) and the bulk-mode one on PostgreSQL (test_bulk_pg.py)."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

from bench.import_gen import roster_frame, write_csv

ROOT = Path(__file__).resolve().parents[2]


def fupin(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fupin", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def prepared(database_url: str, tmp_path: Path) -> tuple[dict, Path]:
    """A migrated database with the demo region tree and the first 50 households of a
    30,000-person roster imported; returns the environment and the whole roster's file."""
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings.base",
        FUPIN_MODE="dev",
        FUPIN_VAR_DIR=str(tmp_path / "var"),
        PYTHONPATH=str(ROOT),
    )
    fupin(env, "migrate", "-v0")
    fupin(env, "import_regions", str(ROOT / "fupin" / "regions" / "data" / "zhuhui.csv"))
    # 30,000 persons: long enough to be caught writing (and above bulk mode's threshold).
    frame = roster_frame(30_000, seed=5)
    first = frame.filter(pl.col("户编号").is_in(frame["户编号"].unique(maintain_order=True).head(50).implode()))
    write_csv(first, tmp_path / "first.csv")
    write_csv(frame, tmp_path / "big.csv")
    fupin(env, "import", str(tmp_path / "first.csv"), "--year", "2019", "--no-progress")
    return env, tmp_path / "big.csv"


def _writing(seen: bytes) -> bool:
    """The progress bar shows rows already written ("写入数据库: 23%|… 6000/30000")."""
    tail = seen.decode("utf-8", errors="ignore").split("写入数据库")
    return len(tail) > 1 and any(
        part.split("|")[-1].strip().split("/")[0].strip() not in ("", "0") for part in tail[1:] if "/" in part
    )


def kill_while_writing(env: dict, path: Path, *, also: Callable[[], bool] = lambda: True, within: float = 60) -> None:
    """Import `path` and SIGKILL the process once some rows are in and the load is not
    finished (and `also()` holds); fails if that moment never came."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "fupin", "import", str(path), "--year", "2019"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    seen = b""
    killed = False
    deadline = time.monotonic() + within
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            ready, _w, _x = select.select([proc.stderr], [], [], 0.05)
            if ready:
                seen += os.read(proc.stderr.fileno(), 65536)
            if _writing(seen) and also():
                proc.send_signal(signal.SIGKILL)
                killed = True
                break
    finally:
        if proc.poll() is None and not killed:
            proc.kill()
        proc.wait(timeout=30)
    assert killed, seen.decode("utf-8", errors="ignore")[-2000:]
    assert proc.returncode == -signal.SIGKILL
