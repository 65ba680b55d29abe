"""Set-based loading and reading: COPY on PostgreSQL, executemany on SQLite.

The ORM is 15–25× slower than COPY for bulk rows (ARCHITECTURE.md); these helpers keep the
million-row paths of comparison and re-check out of it.
"""

# ruff: noqa: S608 — SQL is built from model table names (_meta), never from input; values are parameters.

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

import polars as pl
from django.db import connection


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, chunk: int = 50000) -> int:
    """Insert plain tuples (values in column order; JSON columns as JSON text), `chunk` rows
    at a time. Each chunk is taken from `rows` before it is written, so a generator that reads
    the database while producing rows never runs a query in the middle of a COPY."""
    count = 0
    it = iter(rows)
    while batch := list(islice(it, chunk)):
        _write(table, columns, batch)
        count += len(batch)
    return count


def _write(table: str, columns: Sequence[str], batch: list[Sequence[Any]]) -> None:
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            with c.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            c.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", batch)


def insert_frame(table: str, frame: pl.DataFrame, *, extra: dict[str, Any] | None = None) -> int:
    """Insert a polars frame whose column names are the table's; `extra` adds constant columns."""
    if extra:
        frame = frame.with_columns([pl.lit(v).alias(k) for k, v in extra.items()])
    if frame.height == 0:
        return 0
    if connection.vendor == "postgresql":
        cols = ", ".join(frame.columns)
        with connection.cursor() as c, c.cursor.copy(f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv)") as copy:
            # "necessary" quoting writes an empty string as "" and a null as nothing: COPY reads them back the same.
            for part in frame.iter_slices(100000):
                copy.write(part.write_csv(include_header=False, quote_style="necessary", null_value=""))
        return frame.height
    return insert_rows(table, frame.columns, frame.iter_rows())


def fetch_frame(sql: str, params: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """Run a query and return its rows as a frame with the given column names and types
    (COPY … TO STDOUT read by polars on PostgreSQL; fetchall on SQLite). Booleans should be
    selected as 1/0 so that both paths read the same text."""
    if connection.vendor == "postgresql":
        buf = io.BytesIO()
        with connection.cursor() as c, c.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
            for block in copy:
                buf.write(block)
        if not buf.tell():
            return pl.DataFrame(schema=schema)
        return pl.read_csv(buf.getvalue(), has_header=False, schema=schema)
    with connection.cursor() as c:
        c.execute(sql, params)
        rows = c.fetchall()
    # Column by column: polars builds a typed Series from a tuple far faster than it splits a
    # million row tuples. SQLite hands dates back as text (an expression) or as date objects (a
    # column with its declared type); text is parsed by polars, not one value at a time.
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    series, dates = [], []
    for (name, dtype), values in zip(schema.items(), columns, strict=True):
        if dtype == pl.Date and isinstance(next((v for v in values if v is not None), None), str):
            dtype = pl.String
            dates.append(name)
        series.append(pl.Series(name, values, dtype=dtype))
    frame = pl.DataFrame(series)
    return frame.with_columns([pl.col(n).str.slice(0, 10).str.to_date("%Y-%m-%d") for n in dates]) if dates else frame


def table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def db_datetime(value: Any) -> str:
    """A datetime as the database's own text form, for rows loaded outside the ORM (SQLite
    keeps Django's 'YYYY-MM-DD HH:MM:SS.ffffff' so that ordering stays consistent)."""
    if connection.vendor == "sqlite":
        return str(connection.ops.adapt_datetimefield_value(value))
    return value.isoformat()
