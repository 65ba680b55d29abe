"""The demo phase leaves a plausible monitoring picture and keeps the invariants."""

from django.db.models import Exists, OuterRef

from fupin.demo.generator import generate_district
from fupin.monitoring.models import Alert, MonitoringObject
from fupin.monitoring.rules import LABOUR_CODES
from fupin.regions.models import Region
from fupin.registry.models import Member


def test_demo_phase(db):
    result = generate_district(households=300, seed=11)
    counts = result["phases"]["fupin.monitoring.demo"]
    assert counts["objects"] == MonitoringObject.objects.count() > 0
    assert counts["alerts"] == Alert.objects.count() > 0
    assert Region.objects.filter(level=5, rural_population__isnull=False).count() == counts["villages"]
    labour = Member.objects.filter(
        household=OuterRef("household"), ended_on__isnull=True, labour_skill__in=LABOUR_CODES
    )
    # A household without labour is never marked eliminated, not even in the demo.
    assert not MonitoringObject.objects.filter(status="eliminated").exclude(Exists(labour)).exists()
    # Monitoring objects are 脱贫户 or ordinary households, never poor ones still in the roll.
    assert not MonitoringObject.objects.filter(household__registered=True).exclude(household__status="exited").exists()


# -- chunking ---------------------------------------------------------------------------------


def _households_only(monkeypatch, n: int, seed: int):
    """A demo registry without its phases, and the context the monitoring phase gets."""
    from fupin.core.changelog import Context
    from fupin.core.choices import ChangeSource
    from fupin.demo import generator
    from fupin.registry.models import Household

    monkeypatch.setattr(generator, "DEMO_PHASES", [])
    generator.generate_district(households=n, seed=seed)
    return generator.DemoContext(
        change=Context(actor=None, source=ChangeSource.COMMAND),
        seed=seed,
        year=2017,
        household_ids=list(Household.objects.order_by("pk").values_list("pk", flat=True)),
        regions={r.code: r for r in Region.objects.all()},
    )


def _fingerprint() -> tuple:
    from fupin.core.models import ObjectChange
    from fupin.monitoring.models import Risk

    return (
        sorted(
            MonitoringObject.objects.values_list(
                "household__code", "object_type", "identified_on", "status", "eliminated_on", "elimination_method"
            )
        ),
        sorted(Risk.objects.values_list("monitoring_object__household__code", "kind", "disaster_kind")),
        sorted(
            (code, source, created.date(), deadline, step, text)
            for code, source, created, deadline, step, text in Alert.objects.values_list(
                "household__code", "source", "created", "deadline", "next_step", "description"
            )
        ),
        sorted(Region.objects.filter(rural_population__isnull=False).values_list("code", "rural_population")),
        ObjectChange.objects.count(),
    )


def test_small_chunks_give_the_same_data_as_one_chunk(db, monkeypatch):
    import random

    from django.db import transaction

    from fupin.monitoring import demo

    ctx = _households_only(monkeypatch, 200, seed=31)
    prints = []
    for chunk in (7, 10_000):
        with transaction.atomic():
            counts = demo.populate(rng=random.Random(4), year=2017, ctx=ctx, chunk=chunk)
            prints.append((counts, _fingerprint()))
            transaction.set_rollback(True)  # the next chunk size starts from the same registry
    (small, small_print), (whole, whole_print) = prints
    assert small == whole and small["objects"] > 0 and small["alerts"] > 0
    assert small_print == whole_print


def test_no_statement_outgrows_sqlites_variable_limit(db, monkeypatch):
    """With SQLite's old limit of 999 variables a statement with a household id each (a district
    of 300,000 households against today's 250,000) fails; chunks keep every statement below it."""
    import random
    import sqlite3

    import pytest
    from django.db import connection

    from fupin.monitoring import demo
    from fupin.registry.models import Household

    if connection.vendor != "sqlite":
        pytest.skip("the variable limit is SQLite's")
    ctx = _households_only(monkeypatch, 1250, seed=32)
    assert len(ctx.household_ids) > 999
    connection.ensure_connection()
    raw = connection.connection
    old = raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    try:
        with pytest.raises(Exception, match="too many SQL variables"):
            list(Household.objects.filter(pk__in=ctx.household_ids))  # the limit is in force
        monkeypatch.setattr(demo, "CHUNK", 400)
        counts = demo.populate(rng=random.Random(5), year=2017, ctx=ctx)
    finally:
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, old)
    assert counts["objects"] == MonitoringObject.objects.count() > 0
    assert counts["alerts"] == Alert.objects.count() > 0
    # Every alert's deadline is its clue's day plus the policy's limit (15 days, seeded).
    assert {(a.deadline - a.created.date()).days for a in Alert.objects.all()} == {15}
