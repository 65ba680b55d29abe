"""Caching of aggregates, keyed by what they were computed from.

Every write in fupin goes through a service that logs an `ObjectChange` (bulk loaders write
the log rows too), so the latest change-log id moves whenever a counted row moves. The
highest primary keys of the counted tables join the key as a second guard for loaders that
insert without logging. `MAX(id)` on a primary key is an index lookup: checking the version
costs one cheap query, and a hit never serves a figure older than the last write.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import connection

from fupin.assistance.models import Cadre, Measure, Pairing, Visit, WorkTeam
from fupin.core.models import ObjectChange
from fupin.registry.models import Household, HouseholdYear, Member

TIMEOUT = 24 * 3600
VERSIONED = (ObjectChange, Household, Member, HouseholdYear, Measure, Pairing, Visit, Cadre, WorkTeam)


def data_version() -> str:
    # Table names come from model metadata, never from input.
    tables = [connection.ops.quote_name(m._meta.db_table) for m in VERSIONED]
    parts = ", ".join(f"(SELECT MAX(id) FROM {t})" for t in tables)  # noqa: S608
    with connection.cursor() as cur:
        cur.execute(f"SELECT {parts}")
        row = cur.fetchone()
    return ".".join(str(v or 0) for v in row)


def cached(key: str, compute: Callable[[], Any]) -> Any:
    """`compute()` once per data version; `key` names everything else it depends on."""
    full = "fupin:reports:" + hashlib.sha1(f"{key}@{data_version()}".encode(), usedforsecurity=False).hexdigest()
    value = cache.get(full)
    if value is None:
        value = compute()
        cache.set(full, value, TIMEOUT)
    return value
