"""Set-based reads and writes for the importer: COPY on PostgreSQL, executemany on SQLite.

Frames hold plain values (text, integers, booleans, dates, integer cents); `db_frame`
turns them into what each database stores, and `insert` loads a whole frame in one
statement stream. Primary keys are allocated up front (a sequence range on PostgreSQL; on
SQLite the write lock of the import's transaction makes max(id)+1… safe) so that change-log
rows and children can name the rows they describe without reading them back.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import polars as pl
from django.db import connection

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
            cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            seq = cur.fetchone()[0]
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
            with raw.copy(f"COPY {quote(table)} ({cols}) FROM STDIN WITH (FORMAT csv)") as copy:
                for start in range(0, frame.height, CHUNK):
                    part = db_frame(frame.slice(start, CHUNK), money=money, uuids=uuids)
                    copy.write(part.write_csv(include_header=False, null_value="", quote_style="necessary"))
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
    result out as CSV that polars parses, so that no row ever becomes Python objects."""
    key_type = "bigint" if isinstance(keys[0], int) else "text"
    names = list(schema)
    with connection.cursor() as cur:
        raw = cur.cursor
        raw.execute(f"CREATE TEMPORARY TABLE fupin_fetch_keys (k {key_type}) ON COMMIT DROP")
        with raw.copy("COPY fupin_fetch_keys (k) FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(pl.DataFrame({"k": list(keys)}).write_csv(include_header=False, quote_style="always"))
        raw.execute("ANALYZE fupin_fetch_keys")
        query = sql.format(keys="SELECT k FROM fupin_fetch_keys")
        out = bytearray()
        # NULL as \N so that an empty text stays "" (a CSV reader would read both as null).
        with raw.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, NULL '\\N')", list(extra)) as copy:
            for block in copy:
                out += block
        raw.execute("DROP TABLE fupin_fetch_keys")
    text_schema = {n: pl.String for n in names}
    frame = (
        pl.read_csv(
            bytes(out),
            has_header=False,
            schema=text_schema,
            null_values="\\N",
            empty_string_is_null=False,
        )
        if out
        else None
    )
    del out
    if frame is None:
        return frame_of([], schema)
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
