"""Killing an import at any moment leaves the database as it was: a real `fupin import` of a
30,000-person file in its own process, on a file-based SQLite database, SIGKILLed while it
is writing."""

from __future__ import annotations

import hashlib
import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

from bench.import_gen import roster_frame, write_csv

ROOT = Path(__file__).resolve().parents[2]


def fupin(env: dict, *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fupin", *args], cwd=ROOT, env=env, check=True, capture_output=True, **kw
    )


def snapshot(db: Path) -> tuple:
    """Counts and a checksum of everything an import writes."""
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        digest = hashlib.sha256()
        counts = []
        for sql in (
            "SELECT code, status, region_id, bank_account IS NOT NULL FROM registry_household ORDER BY code",
            "SELECT id_number, name, relation, ended_on, household_id FROM registry_member ORDER BY id_number",
            "SELECT household_id, year, wage_income, persons FROM registry_householdyear ORDER BY household_id",
            "SELECT household_id, kind FROM registry_householdstatusevent ORDER BY id",
            "SELECT id, action, object_id FROM core_objectchange ORDER BY id",
            "SELECT id, status FROM exchange_importbatch ORDER BY id",
        ):
            rows = con.execute(sql).fetchall()
            counts.append(len(rows))
            digest.update(repr(rows).encode())
        return tuple(counts), digest.hexdigest()
    finally:
        con.close()


def test_sigkill_during_the_load_leaves_the_database_as_before(tmp_path):
    db = tmp_path / "crash.sqlite3"
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{db}",
        DJANGO_SETTINGS_MODULE="config.settings.base",
        FUPIN_MODE="dev",
        FUPIN_VAR_DIR=str(tmp_path / "var"),
        PYTHONPATH=str(ROOT),
    )
    fupin(env, "migrate", "-v0")
    fupin(env, "import_regions", str(ROOT / "fupin" / "regions" / "data" / "zhuhui.csv"))
    frame = roster_frame(30_000, seed=5)
    first = frame.filter(pl.col("户编号").is_in(frame["户编号"].unique(maintain_order=True).head(50).implode()))
    write_csv(first, tmp_path / "first.csv")
    write_csv(frame, tmp_path / "big.csv")
    fupin(env, "import", str(tmp_path / "first.csv"), "--year", "2019", "--no-progress")
    before = snapshot(db)
    assert before[0][0] == 50

    proc = subprocess.Popen(
        [sys.executable, "-m", "fupin", "import", str(tmp_path / "big.csv"), "--year", "2019"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    seen = b""
    deadline = time.monotonic() + 60
    writing = False
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            ready, _w, _x = select.select([proc.stderr], [], [], 0.05)
            if ready:
                seen += os.read(proc.stderr.fileno(), 65536)
            tail = seen.decode("utf-8", errors="ignore").split("写入数据库")
            # The progress bar shows rows already written ("写入数据库: 23%|… 6000/30000"):
            # kill once some rows are in and the load is not finished.
            if len(tail) > 1 and any(
                part.split("|")[-1].strip().split("/")[0].strip() not in ("", "0") for part in tail[1:] if "/" in part
            ):
                writing = True
                proc.send_signal(signal.SIGKILL)
                break
    finally:
        if proc.poll() is None and not writing:
            proc.kill()
        proc.wait(timeout=30)
    assert writing, seen.decode("utf-8", errors="ignore")[-2000:]
    assert proc.returncode == -signal.SIGKILL
    assert snapshot(db) == before
