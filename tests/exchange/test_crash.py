"""Killing an import at any moment leaves the database as it was: a real `fupin import` of a
30,000-person file in its own process, on a file-based SQLite database, SIGKILLed while it
is writing."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from tests.exchange.killing import kill_while_writing, prepared


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
    env, big = prepared(f"sqlite:///{db}", tmp_path)
    before = snapshot(db)
    assert before[0][0] == 50
    kill_while_writing(env, big)
    assert snapshot(db) == before
