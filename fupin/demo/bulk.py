"""Insert many rows of one model with COPY (PostgreSQL) or `executemany` (SQLite), skipping
the ORM's per-row SQL compiler.

`bulk_create` compiles every value of every row through the SQL compiler; for the demo's
million-person loads that costs five times the insert itself. Here each field's database
conversion is chosen once, rows may be plain dicts keyed by field name or attname (or
unsaved model instances), and missing fields take their defaults. Database constraints
still check every row, so an invariant the generator broke is still refused.
Use `bulk_create` where the new primary keys are needed; this returns only the count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import connections, models, router
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

# Field classes whose Python value (str, int, bool, None) every backend takes as it is.
# Exact classes only: a subclass (an encrypted text field, say) converts in get_db_prep_save.
_PLAIN = {
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.SmallIntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField,
    models.BooleanField,
    models.ForeignKey,
}


def _converter(field: models.Field, connection: Any) -> Callable[[Any], Any]:
    if type(field) in _PLAIN:
        return lambda v: v
    return lambda v: field.get_db_prep_save(v, connection)


def insert_rows(model: type[models.Model], rows: Iterable[dict[str, Any] | models.Model], *, batch: int = 5000) -> int:
    """Insert `rows` into `model`'s table; returns the number of rows written."""
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not isinstance(f, AutoFieldMixin)]
    converters = [_converter(f, connection) for f in fields]
    now = timezone.now()
    stamps = {
        i: converters[i](now)
        for i, f in enumerate(fields)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    qn = connection.ops.quote_name
    table, columns = qn(meta.db_table), ", ".join(qn(str(f.column)) for f in fields)

    def tuples() -> Iterator[tuple[Any, ...]]:
        for row in rows:
            source = row if isinstance(row, dict) else row.__dict__
            out = []
            for i, f in enumerate(fields):
                if i in stamps:
                    out.append(stamps[i])
                    continue
                if f.attname in source:
                    value = source[f.attname]
                elif f.name in source:
                    value = source[f.name]
                    value = value.pk if isinstance(value, models.Model) else value
                else:
                    value = f.get_default()
                out.append(converters[i](value))
            yield tuple(out)

    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is several times faster than executemany on PostgreSQL. The rows are built
            # first: building them may query (a content type, a default), and no query can
            # run on the connection while a COPY is open.
            prepared = list(tuples())
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for values in prepared:
                    copy.write_row(values)
            return len(prepared)
        # Table and column names come from the model's metadata, quoted; values are parameters.
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
        batch_rows: list[tuple[Any, ...]] = []
        for values in tuples():
            batch_rows.append(values)
            if len(batch_rows) >= batch:
                cursor.executemany(sql, batch_rows)
                written += len(batch_rows)
                batch_rows = []
        if batch_rows:
            cursor.executemany(sql, batch_rows)
            written += len(batch_rows)
    return written
