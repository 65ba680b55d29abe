"""Bulk mode on PostgreSQL (docs/decisions/0008): an import that creates many rows drops the
secondary indexes and the foreign keys between the tables it fills, COPYs, and re-creates
them from their catalogue definitions inside its transaction. The story: bulk mode writes
exactly what the normal path writes; afterwards the catalogue is as it was; a kill in the
middle of a bulk load leaves data and catalogue as they were."""

from __future__ import annotations

import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.test import override_settings

from bench.import_gen import roster_frame
from bench.import_gen import write_csv as write_roster
from fupin.exchange import bulk
from tests.exchange.helpers import run
from tests.exchange.killing import kill_while_writing, prepared

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="bulk mode is PostgreSQL's"),
]

TABLES = (
    "registry_household",
    "registry_member",
    "registry_householdyear",
    "registry_householdstatusevent",
    "core_objectchange",
)
# Every index and constraint on the loaded tables or referring to them, as PostgreSQL renders it.
CATALOGUE_SQL = """
SELECT 'index', i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
FROM pg_index i WHERE i.indrelid IN (SELECT unnest(%(t)s::text[])::regclass)
UNION ALL
SELECT 'constraint ' || conrelid::regclass::text, conname,
       pg_get_constraintdef(oid) || CASE WHEN condeferred THEN ' (deferred)' ELSE '' END
FROM pg_constraint
WHERE conrelid IN (SELECT unnest(%(t)s::text[])::regclass) OR confrelid IN (SELECT unnest(%(t)s::text[])::regclass)
"""


def catalogue(cur) -> set[tuple[str, str, str]]:
    cur.execute(CATALOGUE_SQL, {"t": list(TABLES)})
    return set(cur.fetchall())


def data(cur) -> tuple:
    """What an import writes, without ids, times and batch ids (which differ between runs)."""
    out = []
    for sql in (
        "SELECT code, region_id, registered, status, identified_year, exit_year, bank_account <> '' "
        "FROM registry_household ORDER BY code",
        "SELECT h.code, m.id_number, m.name, m.relation, m.health, m.joined_on, m.join_reason, m.ended_on "
        "FROM registry_member m JOIN registry_household h ON h.id = m.household_id ORDER BY m.id_number",
        "SELECT h.code, y.year, y.wage_income, y.net_income, y.per_capita_net_income, y.persons "
        "FROM registry_householdyear y JOIN registry_household h ON h.id = y.household_id ORDER BY h.code",
        "SELECT h.code, e.kind, e.year, e.status_before, e.status_after, e.note "
        "FROM registry_householdstatusevent e JOIN registry_household h ON h.id = e.household_id "
        "ORDER BY h.code, e.kind, e.year",
        "SELECT c.action, c.content_type_id, c.object_repr, c.after::text, c.reason FROM core_objectchange c "
        "WHERE c.batch_id IS NOT NULL ORDER BY c.object_repr, c.content_type_id",
    ):
        cur.execute(sql)
        out.append(cur.fetchall())
    return tuple(out)


@pytest.fixture
def roster(regions, tmp_path) -> Path:
    path = tmp_path / "roster.csv"
    write_roster(roster_frame(1_500, seed=11), path)
    return path


class _Undo(Exception):
    pass


def _imported(path: Path, *, bulk_from: int) -> tuple[tuple, list[str]]:
    """Import `path` with bulk mode from `bulk_from` persons, read what it wrote, undo it."""
    seen: tuple = ()
    rebuilt: list[str] = []
    with override_settings(FUPIN_IMPORT_BULK_MIN_PERSONS=bulk_from):
        try:
            with transaction.atomic():
                result = run(path)
                assert result.status == "loaded", result.issues.as_json()
                rebuilt = list(bulk.LAST_BULK_TABLES)
                with connection.cursor() as cur:
                    seen = data(cur)
                raise _Undo
        except _Undo:
            pass
    return seen, rebuilt


@pytest.mark.django_db
def test_bulk_mode_writes_what_the_normal_path_writes(roster):
    normal, none = _imported(roster, bulk_from=10**9)
    bulky, rebuilt = _imported(roster, bulk_from=1)
    assert none == []
    assert set(rebuilt) == set(TABLES) - {"core_objectchange"}
    assert bulky == normal
    assert len(normal[1]) > 1000  # members


@pytest.mark.django_db
def test_after_a_bulk_import_the_catalogue_is_as_before(roster):
    with connection.cursor() as cur:
        before = catalogue(cur)
    assert any(kind == "index" and "registry_member_household_id" in name for kind, name, _d in before)
    with override_settings(FUPIN_IMPORT_BULK_MIN_PERSONS=1):
        assert run(roster).status == "loaded"
    assert bulk.LAST_BULK_TABLES
    with connection.cursor() as cur:
        assert catalogue(cur) == before
        # The foreign keys are back, deferred as before, and enforce again.
        cur.execute("SAVEPOINT fk")
        with pytest.raises(IntegrityError, match="registry_member_household_id"):
            cur.execute("UPDATE registry_member SET household_id = -1 WHERE id = (SELECT max(id) FROM registry_member)")
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("ROLLBACK TO SAVEPOINT fk")
        # Ids drawn as ranges in bulk mode: the sequences still hand out fresh ones.
        for table in TABLES:
            cur.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) > (SELECT max(id) FROM {table})")
            assert cur.fetchone()[0], table


@pytest.mark.django_db
def test_a_small_import_keeps_the_normal_path(roster):
    assert bulk.bulk_threshold() == getattr(settings, "FUPIN_IMPORT_BULK_MIN_PERSONS", bulk.BULK_MIN_PERSONS)
    assert run(roster).status == "loaded"  # 1,500 persons: below the default threshold
    assert bulk.LAST_BULK_TABLES == []


@pytest.mark.django_db
def test_a_table_bigger_than_the_load_keeps_its_indexes(roster):
    assert run(roster).status == "loaded"  # some 1,500 members and 450 households in the registry
    assert bulk.bulk_tables({"registry_member": 100, "registry_household": 10_000}) == ["registry_household"]


# -- a killed bulk load --------------------------------------------------------------------


def _url(name: str) -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _snapshot(url: str) -> tuple:
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM core_objectchange")
        changes = cur.fetchone()
        return data(cur), changes, catalogue(cur)


def _bulk_lock_held(url: str) -> bool:
    """The import's transaction holds ACCESS EXCLUSIVE on the members: bulk mode dropped its indexes."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'registry_member' AND l.mode = 'AccessExclusiveLock' AND l.granted"
        ).fetchone()
    return row is not None


@pytest.fixture
def crash_db():
    """A migrated database of its own, next to the test database: the import runs in another
    process and must commit (or not) for real."""
    name = f"{connection.settings_dict['NAME']}_crash"
    admin = _url("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    url = _url(name)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    yield url
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_sigkill_during_a_bulk_load_leaves_data_and_catalogue_as_before(crash_db, tmp_path):
    env, big = prepared(crash_db, tmp_path)
    before = _snapshot(crash_db)
    assert len(before[0][0]) == 50
    # Rows are going in while bulk mode holds its lock, so the indexes are gone: kill then.
    kill_while_writing(env, big, also=lambda: _bulk_lock_held(crash_db), within=120)
    # The server rolls the import's transaction back once it sees the client gone.
    deadline = time.monotonic() + 60
    while _bulk_lock_held(crash_db) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _snapshot(crash_db) == before
