"""Set-based reads and writes for the importer: COPY on PostgreSQL, executemany on SQLite.

Frames hold plain values (text, integers, booleans, dates, integer cents); `db_frame`
turns them into what each database stores, and `insert` loads a whole frame in one
statement stream. Primary keys are allocated up front (a sequence range on PostgreSQL; on
SQLite the write lock of the import's transaction makes max(id)+1… safe) so that change-log
rows and children can name the rows they describe without reading them back.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import polars as pl
from django.db import connection
from psycopg.copy import QueuedLibpqWriter

CHUNK = 20_000
TIMINGS: dict[str, float] = {}  # seconds spent inserting per table (for the benchmark)


def prepare_connection() -> None:
    """A big page cache for the import's connection: index pages of the registry and the
    change log stay in memory instead of being re-read for each of a million inserts."""
    if vendor() == "sqlite":
        with connection.cursor() as cur:
            cur.execute("PRAGMA cache_size = -131072")


def vendor() -> str:
    return connection.vendor


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def allocate_ids(table: str, n: int) -> pl.Series:
    """`n` fresh primary keys for `table` (call inside the import's transaction)."""
    if n == 0:
        return pl.Series("id", [], dtype=pl.Int64)
    with connection.cursor() as cur:
        if vendor() == "postgresql":
            cur.execute(
                "SELECT s.seqrelid::regclass::text, s.seqcache FROM pg_sequence s "
                "WHERE s.seqrelid = pg_get_serial_sequence(%s, 'id')::regclass",
                [table],
            )
            seq, cache = cur.fetchone()
            if table in _LOCKED and cache == 1:
                # Bulk mode holds ACCESS EXCLUSIVE on the table: nobody else inserts, so one
                # contiguous range is safe (the sequence's only users are the table's inserts,
                # and with no per-session cache nobody holds numbers drawn earlier).
                cur.execute("SELECT nextval(%s)", [seq])
                start = int(cur.fetchone()[0])
                cur.execute("SELECT setval(%s, %s)", [seq, start + n - 1])
                return pl.int_range(start, start + n, dtype=pl.Int64, eager=True).alias("id")
            cur.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [seq, n])
            return pl.Series("id", [r[0] for r in cur.fetchall()], dtype=pl.Int64)
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quote(table)}")  # noqa: S608 — a model's table name
        start = int(cur.fetchone()[0]) + 1
        cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cur.fetchone()
        if row and int(row[0]) >= start:
            start = int(row[0]) + 1
    return pl.int_range(start, start + n, dtype=pl.Int64, eager=True).alias("id")


def cents_text(col: str) -> pl.Expr:
    """Integer cents → '1234.50' (what a DecimalField(…, 2) stores)."""
    c = pl.col(col)
    sign = pl.when(c < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return (
        pl.when(c.is_null())
        .then(None)
        .otherwise(
            pl.concat_str(
                [sign, (c.abs() // 100).cast(pl.String), pl.lit("."), (c.abs() % 100).cast(pl.String).str.zfill(2)]
            )
        )
        .alias(col)
    )


def db_frame(frame: pl.DataFrame, *, money: Iterable[str] = (), uuids: Iterable[str] = ()) -> pl.DataFrame:
    """Convert a frame to the values the current database stores."""
    exprs = []
    money, uuids = set(money), set(uuids)
    pg = vendor() == "postgresql"
    for name, dtype in frame.schema.items():
        if name in money:
            exprs.append(cents_text(name))
        elif name in uuids:
            exprs.append(pl.col(name) if pg else pl.col(name).str.replace_all("-", ""))
        elif dtype == pl.Date:
            exprs.append(pl.col(name).dt.strftime("%Y-%m-%d"))
        elif isinstance(dtype, pl.Datetime):
            fmt = "%Y-%m-%d %H:%M:%S%.6f+00:00" if pg else "%Y-%m-%d %H:%M:%S%.6f"
            exprs.append(pl.col(name).dt.strftime(fmt))
        else:
            exprs.append(pl.col(name))
    return frame.select(exprs)


def insert(
    table: str,
    frame: pl.DataFrame,
    *,
    progress: Callable[[int], None] | None = None,
    money: Iterable[str] = (),
    uuids: Iterable[str] = (),
) -> int:
    """Insert every row of `frame` (columns named as the table's columns), converting each
    chunk with `db_frame` as it goes so that no second copy of a big frame is made."""
    if frame.height == 0:
        return 0
    money, uuids = set(money), set(uuids)
    started = time.perf_counter()
    cols = ", ".join(quote(c) for c in frame.columns)
    with connection.cursor() as cur:
        if vendor() == "postgresql":
            raw = cur.cursor  # psycopg 3 cursor under Django's wrapper
            # A worker thread sends while this one formats the next chunk (polars releases the
            # GIL), so the server's work overlaps the client's instead of alternating with it.
            sql = f"COPY {quote(table)} ({cols}) FROM STDIN WITH (FORMAT csv)"
            with raw.copy(sql, writer=_BoundedWriter(raw)) as copy:
                for start in range(0, frame.height, CHUNK):
                    part = db_frame(frame.slice(start, CHUNK), money=money, uuids=uuids)
                    # As UTF-8 bytes straight from polars: a Python str of a chunk of Chinese
                    # text (JSON of the change log) takes twice its bytes, then is encoded again.
                    buf = io.BytesIO()
                    part.write_csv(buf, include_header=False, null_value="", quote_style="necessary")
                    copy.write(buf.getbuffer())
                    del buf
                    if progress:
                        progress(part.height)
        else:
            marks = ", ".join(["%s"] * frame.width)
            sql = f"INSERT INTO {quote(table)} ({cols}) VALUES ({marks})"  # noqa: S608
            for start in range(0, frame.height, CHUNK):
                part = db_frame(frame.slice(start, CHUNK), money=money, uuids=uuids)
                cur.executemany(sql, part.rows())
                if progress:
                    progress(part.height)
    TIMINGS[table] = TIMINGS.get(table, 0.0) + time.perf_counter() - started
    return frame.height


COPY_QUEUE_ITEMS = 128  # pieces of 128 KB: at most 16 MB of a COPY waiting for the server


class _BoundedWriter(QueuedLibpqWriter):
    """psycopg's queued COPY writer with a short queue. Its own holds 1,024 pieces of 128 KB,
    and the change log's JSON is formatted faster than the server parses it: that queue was
    filling up, some 100 MB more at the peak of a first import. A few chunks ahead keep the
    client's formatting and the server's work overlapping just the same."""

    def __init__(self, cursor: Any) -> None:
        super().__init__(cursor)
        # The same queue class as psycopg's own (its get() can be interrupted), bounded.
        self._queue = type(self._queue)(maxsize=COPY_QUEUE_ITEMS)


def update(table: str, frame: pl.DataFrame, *, key: str = "id") -> int:
    """UPDATE each row's other columns by `key` (bounded by what changed)."""
    if frame.height == 0:
        return 0
    cols = [c for c in frame.columns if c != key]
    sets = ", ".join(f"{quote(c)} = %s" for c in cols)
    sql = f"UPDATE {quote(table)} SET {sets} WHERE {quote(key)} = %s"  # noqa: S608
    with connection.cursor() as cur:
        cur.executemany(sql, frame.select([*cols, key]).rows())
    return frame.height


def fetch(
    sql: str, keys: Sequence[Any], schema: dict[str, Any], *, chunk: int = 2000, extra: Sequence[Any] = ()
) -> pl.DataFrame:
    """Run `sql` (with one `{keys}` placeholder for an IN list) over `keys` in chunks; each
    chunk's rows become a frame at once, so Python row objects never pile up."""
    if vendor() == "postgresql" and len(keys) > COPY_KEYS:
        return _fetch_copy(sql, keys, schema, extra)
    frames = []
    with connection.cursor() as cur:
        for start in range(0, len(keys), chunk):
            part = list(keys[start : start + chunk])
            marks = ", ".join(["%s"] * len(part))
            cur.execute(sql.format(keys=marks), [*extra, *part])
            frames.append(frame_of(cur.fetchall(), schema))
    if not frames:
        return frame_of([], schema)
    return pl.concat(frames, how="vertical_relaxed", rechunk=False)


COPY_KEYS = 5000


def _fetch_copy(sql: str, keys: Sequence[Any], schema: dict[str, Any], extra: Sequence[Any]) -> pl.DataFrame:
    """PostgreSQL, many keys: COPY the keys into a temporary table, join on it, and COPY the
    result out as CSV that polars parses, so that no row ever becomes Python objects.

    The CSV is parsed a block of records at a time as it arrives, each block typed at once:
    a million members never sit in memory as one text, a copy of it and a frame of text
    together (about 0.4 GB more at the peak of a re-import)."""
    key_type = "bigint" if isinstance(keys[0], int) else "text"
    frames: list[pl.DataFrame] = []
    with connection.cursor() as cur:
        raw = cur.cursor
        raw.execute(f"CREATE TEMPORARY TABLE fupin_fetch_keys (k {key_type}) ON COMMIT DROP")
        with raw.copy("COPY fupin_fetch_keys (k) FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(pl.DataFrame({"k": list(keys)}).write_csv(include_header=False, quote_style="always"))
        raw.execute("ANALYZE fupin_fetch_keys")
        query = sql.format(keys="SELECT k FROM fupin_fetch_keys")
        buf = bytearray()
        # NULL as \N so that an empty text stays "" (a CSV reader would read both as null).
        with raw.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, NULL '\\N')", list(extra)) as copy:
            for block in copy:
                buf += block
                if len(buf) >= FETCH_PARSE_BYTES and (cut := _record_end(buf)):
                    frames.append(_typed_csv(bytes(buf[:cut]), schema))
                    del buf[:cut]
        if buf:
            frames.append(_typed_csv(bytes(buf), schema))
        del buf
        raw.execute("DROP TABLE fupin_fetch_keys")
    if not frames:
        return frame_of([], schema)
    return pl.concat(frames, rechunk=False)


FETCH_PARSE_BYTES = 16 * 1024 * 1024


def _record_end(data: bytearray) -> int:
    """The end of the last complete CSV record in `data` (a newline outside quotes), or 0."""
    pos = len(data)
    while (pos := data.rfind(b"\n", 0, pos)) != -1:
        if data.count(b'"', 0, pos) % 2 == 0:
            return pos + 1
    return 0


def _typed_csv(data: bytes, schema: dict[str, Any]) -> pl.DataFrame:
    """One block of PostgreSQL CSV (NULL as \\N) → a frame of `schema`'s plain values."""
    frame = pl.read_csv(
        data,
        has_header=False,
        schema={n: pl.String for n in schema},
        null_values="\\N",
        empty_string_is_null=False,
    )
    exprs = []
    for name, t in schema.items():
        col = pl.col(name)
        if t == "cents":
            exprs.append((col.cast(pl.Float64) * 100).round(0).cast(pl.Int64).alias(name))
        elif t == pl.Boolean:
            exprs.append(col.replace_strict({"t": True, "f": False}, default=None, return_dtype=pl.Boolean).alias(name))
        elif t == pl.Date:
            exprs.append(col.str.to_date("%Y-%m-%d", strict=False).alias(name))
        elif t == pl.String:
            exprs.append(col)
        else:
            exprs.append(col.cast(t, strict=False).alias(name))
    return frame.select(exprs)


def fetch_all(sql: str, params: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
    with connection.cursor() as cur:
        cur.execute(sql, list(params))
        rows = cur.fetchall()
    return frame_of(rows, schema)


def _dtype(t: Any) -> Any:
    return pl.Int64 if t == "cents" else t


def frame_of(rows: list[tuple], schema: dict[str, Any]) -> pl.DataFrame:
    """Rows from a cursor → a frame of plain values whatever the database returned (Decimal
    or float money → integer cents, ISO text or date → Date, 0/1 or bool → Boolean)."""
    names = list(schema)
    if not rows:
        return pl.DataFrame({n: pl.Series(n, [], dtype=_dtype(t)) for n, t in schema.items()})
    frame = pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)
    exprs = []
    for name, t in schema.items():
        col, have = pl.col(name), frame.schema[name]
        if t == "cents":
            exprs.append((col.cast(pl.Float64) * 100).round(0).cast(pl.Int64).alias(name))
        elif t == pl.Date and have != pl.Date:
            exprs.append(col.cast(pl.String).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False).alias(name))
        else:
            exprs.append(col.cast(t, strict=False).alias(name))
    return frame.select(exprs)


# -- bulk mode (PostgreSQL) ---------------------------------------------------------------
#
# A first import of a district creates a million members: maintaining their secondary indexes
# row by row and checking 1.6 million deferred foreign keys one by one at commit (14 s of a
# 72 s import) costs more than building the indexes once and validating each key with one
# anti-join. Above the threshold the load drops the non-unique secondary indexes and the
# foreign keys between the registry tables it fills, COPYs, and re-creates them from their own
# catalogue definitions, all inside the import's transaction: a crash rolls the DDL back with
# the rows. Primary keys and unique indexes stay (they carry integrity while rows go in).
# The DDL takes ACCESS EXCLUSIVE locks until commit, so readers of those tables wait for the
# import: that is why small routine imports keep the normal path (docs/decisions/0008).

BULK_MIN_PERSONS = 20_000  # default of settings.FUPIN_IMPORT_BULK_MIN_PERSONS
BULK_MAINTENANCE_WORK_MEM = "256MB"  # index builds and FK validation of the import transaction
LAST_BULK_TABLES: list[str] = []  # tables the last bulk load rebuilt (for tests and the benchmark)
_LOCKED: set[str] = set()  # tables a bulk load in progress holds ACCESS EXCLUSIVE on

_INDEXES_SQL = """
SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
FROM pg_index i
WHERE i.indrelid IN (SELECT unnest(%s::text[])::regclass)
  AND NOT i.indisprimary AND NOT i.indisunique AND i.indisvalid
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype = 'x')
ORDER BY 1
"""
_FOREIGN_KEYS_SQL = """
SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid)
FROM pg_constraint
WHERE contype = 'f'
  AND conrelid IN (SELECT unnest(%s::text[])::regclass)
  AND confrelid IN (SELECT unnest(%s::text[])::regclass)
ORDER BY 1, 2
"""
# Deferred checks queued on a table forbid DDL on it ("pending trigger events"): the foreign
# keys of the rebuilt tables, either side, are checked at each statement's end while bulk mode
# lasts (the same checks, earlier) and deferred again afterwards.
_DEFERRABLE_SQL = """
SELECT DISTINCT quote_ident(n.nspname) || '.' || quote_ident(k.conname)
FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace
WHERE k.contype = 'f' AND k.condeferrable
  AND (k.conrelid IN (SELECT unnest(%s::text[])::regclass) OR k.confrelid IN (SELECT unnest(%s::text[])::regclass))
ORDER BY 1
"""


def bulk_threshold() -> int:
    from django.conf import settings

    return int(getattr(settings, "FUPIN_IMPORT_BULK_MIN_PERSONS", BULK_MIN_PERSONS))


def bulk_tables(planned: dict[str, int]) -> list[str]:
    """The tables of `planned` (table → rows the load creates) worth rebuilding: the load
    creates at least as many rows as the table holds, so rebuilding their indexes costs at
    most about what maintaining them would. Counted up to that bound only."""
    out = []
    with connection.cursor() as cur:
        for table, n in planned.items():
            if n <= 0:
                continue
            cur.execute(f"SELECT count(*) FROM (SELECT 1 FROM {quote(table)} LIMIT %s) s", [n + 1])  # noqa: S608
            if cur.fetchone()[0] <= n:
                out.append(table)
    return out


def catalogue(tables: Sequence[str]) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """What bulk mode takes off `tables` and puts back: (index name, CREATE INDEX …) for the
    secondary indexes and (table, constraint name, definition) for the foreign keys between
    them, as PostgreSQL's own pg_get_indexdef / pg_get_constraintdef render them."""
    with connection.cursor() as cur:
        cur.execute(_INDEXES_SQL, [list(tables)])
        indexes = [(name, sql) for name, sql in cur.fetchall()]
        cur.execute(_FOREIGN_KEYS_SQL, [list(tables), list(tables)])
        fks = [(table, name, sql) for table, name, sql in cur.fetchall()]
    return indexes, fks


@contextmanager
def bulk_mode(planned: dict[str, int], *, persons: int) -> Iterator[list[str]]:
    """Load `planned` (table → rows to create) with the secondary indexes and the foreign keys
    between its tables dropped, then re-create them from their definitions. Does nothing on
    SQLite or below the threshold. Must run inside the import's transaction."""
    LAST_BULK_TABLES.clear()
    tables = bulk_tables(planned) if vendor() == "postgresql" and persons >= bulk_threshold() else []
    if not tables:
        yield []
        return
    assert connection.in_atomic_block, "bulk mode needs the import's transaction"
    started = time.perf_counter()
    indexes, fks = catalogue(tables)
    with connection.cursor() as cur:
        # Taken up front and in one order (the drops would take it table by table anyway).
        cur.execute(f"LOCK TABLE {', '.join(quote(t) for t in tables)} IN ACCESS EXCLUSIVE MODE")
        cur.execute(_DEFERRABLE_SQL, [tables, tables])
        deferrable = ", ".join(r[0] for r in cur.fetchall())
        if deferrable:
            cur.execute(f"SET CONSTRAINTS {deferrable} IMMEDIATE")
        for table, name, _sql in fks:
            cur.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _sql in indexes:
            cur.execute(f"DROP INDEX {name}")
    LAST_BULK_TABLES.extend(tables)
    TIMINGS["bulk: drop"] = time.perf_counter() - started
    _LOCKED.update(tables)
    try:
        yield tables
    finally:
        _LOCKED.clear()
    # Not reached when the load raised: the transaction's rollback restores the catalogue.
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT current_setting('maintenance_work_mem'), current_setting('work_mem')")
        before = cur.fetchone()
        cur.execute("SELECT set_config('maintenance_work_mem', %s, true)", [BULK_MAINTENANCE_WORK_MEM])
        cur.execute("SELECT set_config('work_mem', %s, true)", [BULK_MAINTENANCE_WORK_MEM])
        for _name, sql in indexes:
            cur.execute(sql)
        TIMINGS["bulk: indexes"] = time.perf_counter() - started
        started = time.perf_counter()
        # Validated set-based: one anti-join per key instead of a trigger call per row.
        for table, name, sql in fks:
            cur.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {sql}")
        if deferrable:
            cur.execute(f"SET CONSTRAINTS {deferrable} DEFERRED")
        cur.execute("SELECT set_config('maintenance_work_mem', %s, true), set_config('work_mem', %s, true)", before)
    TIMINGS["bulk: foreign keys"] = time.perf_counter() - started
