"""On PostgreSQL, compress the change log's JSON with lz4 instead of pglz where the server
has it (PostgreSQL ≥ 14 built with lz4, as Debian's is). A first import writes some 0.6 GB of
change-log JSON per million persons, and compressing it is part of the server's work: COPYing
60,000 imported change rows (138 MB of text) took 1.2 s with lz4 against 1.6–1.7 s with pglz,
for 6% more space. Only rows written afterwards are affected; no data is rewritten."""

from django.db import migrations

COLUMNS = ("before", "after")


def _lz4(apps, schema_editor, method: str) -> None:
    conn = schema_editor.connection
    if conn.vendor != "postgresql" or conn.pg_version < 140000:
        return
    with conn.cursor() as cur:
        cur.execute("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
        row = cur.fetchone()
        if not row or "lz4" not in (row[0] or []):
            return  # a server built without lz4 keeps pglz
        for column in COLUMNS:
            table = apps.get_model("core", "ObjectChange")._meta.db_table
            cur.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET COMPRESSION {method}')


def forwards(apps, schema_editor) -> None:
    _lz4(apps, schema_editor, "lz4")


def backwards(apps, schema_editor) -> None:
    _lz4(apps, schema_editor, "pglz")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
