"""Helpers of the demo-phase tests (tests/*/test_demo.py): a generated registry without its
phases, for running one phase on its own, and SQLite's old variable limit in force."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource
from fupin.demo import generator
from fupin.regions.models import Region
from fupin.registry.models import Household

OLD_SQLITE_LIMIT = 999


def households_only(monkeypatch: pytest.MonkeyPatch, n: int, seed: int, **extra) -> generator.DemoContext:
    """A demo registry of `n` households without its phases, and the context a phase gets
    (`extra`: e.g. the users of the phase)."""
    monkeypatch.setattr(generator, "DEMO_PHASES", [])
    generator.generate_district(households=n, seed=seed, year=2017)
    return generator.DemoContext(
        change=Context(actor=None, source=ChangeSource.COMMAND),
        seed=seed,
        year=2017,
        household_ids=list(Household.objects.order_by("pk").values_list("pk", flat=True)),
        regions={r.code: r for r in Region.objects.all()},
        **extra,
    )


def skip_unless_sqlite() -> None:
    """Call before building a district, so that other databases skip at once."""
    if connection.vendor != "sqlite":
        pytest.skip("the variable limit is SQLite's")


@contextmanager
def sqlite_variable_limit(household_ids: list[int]) -> Iterator[None]:
    """SQLite's old limit of 999 variables in force (the test is skipped on another database):
    a statement with a household id each fails on a district of 300,000 households (against
    today's 250,000), so a phase must chunk. Checks first that the limit bites `household_ids`."""
    skip_unless_sqlite()
    assert len(household_ids) > OLD_SQLITE_LIMIT
    connection.ensure_connection()
    raw = connection.connection
    old = raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, OLD_SQLITE_LIMIT)
    try:
        with pytest.raises(Exception, match="too many SQL variables"):
            list(Household.objects.filter(pk__in=household_ids))  # the limit is in force
        yield
    finally:
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, old)
