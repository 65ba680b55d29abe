"""Empty the demo database completely and migrate it again.

`flush` is not enough: it deletes the rows that data migrations seeded (policy tables,
code lists), and nothing puts them back. Dropping every table and migrating from scratch
gives exactly the database a fresh `fupin migrate` gives. Only `fupin demo --reset` calls
this, and only in FUPIN_MODE=demo.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections


def database_recreate(*, using: str = DEFAULT_DB_ALIAS) -> None:
    connection = connections[using]
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if connection.vendor == "sqlite":
            # No cascade in SQLite: switch the foreign-key checks off while dropping.
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                cursor.execute(f"DROP TABLE IF EXISTS {qn(table)}")
            cursor.execute("PRAGMA foreign_keys = ON")
        else:
            for table in tables:
                cursor.execute(f"DROP TABLE IF EXISTS {qn(table)} CASCADE")
    call_command("migrate", database=using, interactive=False, verbosity=0)
    # Content types got new ids; nothing may keep using the ones cached before the drop.
    ContentType.objects.clear_cache()
