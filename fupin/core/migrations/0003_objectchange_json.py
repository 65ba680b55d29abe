"""The change log's `before`/`after` become `json` instead of `jsonb` on PostgreSQL
(fupin.core.fields.TextJSONField): nothing queries inside them in SQL, and parsing into jsonb
was the larger part of writing an import's change rows. Existing rows are converted by the
column's cast. Changing the type resets the columns' compression, so lz4 is set again where the
server has it (0002). Other databases keep the same column."""

import importlib

from django.db import migrations

import fupin.core.fields

lz4 = importlib.import_module("fupin.core.migrations.0002_objectchange_lz4")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_objectchange_lz4"),
    ]

    operations = [
        migrations.AlterField(
            model_name="objectchange",
            name="after",
            field=fupin.core.fields.TextJSONField(blank=True, null=True, verbose_name="修改后"),
        ),
        migrations.AlterField(
            model_name="objectchange",
            name="before",
            field=fupin.core.fields.TextJSONField(blank=True, null=True, verbose_name="修改前"),
        ),
        migrations.RunPython(lz4.forwards, lz4.backwards),
    ]
