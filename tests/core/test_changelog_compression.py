"""The change log's JSON is compressed with lz4 on a PostgreSQL server that has it (core
migration 0002): the cheaper compression of the 0.6 GB a million-person import logs."""

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="column compression is PostgreSQL's"),
]


def test_before_and_after_use_lz4_where_the_server_has_it():
    with connection.cursor() as cur:
        cur.execute("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
        if "lz4" not in (cur.fetchone()[0] or []):
            pytest.skip("this PostgreSQL server was built without lz4")
        cur.execute(
            "SELECT attname, attcompression FROM pg_attribute"
            " WHERE attrelid = 'core_objectchange'::regclass AND attname IN ('before', 'after') ORDER BY attname"
        )
        assert cur.fetchall() == [("after", "l"), ("before", "l")]
