"""The demo phase leaves a plausible monitoring picture and keeps the invariants."""

from django.db.models import Exists, OuterRef

from fupin.demo.generator import generate_district
from fupin.monitoring.models import Alert, MonitoringObject
from fupin.monitoring.rules import LABOUR_CODES
from fupin.regions.models import Region
from fupin.registry.models import Member
from tests.demo_helpers import households_only, skip_unless_sqlite, sqlite_variable_limit


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

    ctx = households_only(monkeypatch, 200, seed=31)
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

    from fupin.monitoring import demo

    skip_unless_sqlite()
    ctx = households_only(monkeypatch, 1250, seed=32)
    with sqlite_variable_limit(ctx.household_ids):
        monkeypatch.setattr(demo, "CHUNK", 400)
        counts = demo.populate(rng=random.Random(5), year=2017, ctx=ctx)
    assert counts["objects"] == MonitoringObject.objects.count() > 0
    assert counts["alerts"] == Alert.objects.count() > 0
    # Every alert's deadline is its clue's day plus the policy's limit (15 days, seeded).
    assert {(a.deadline - a.created.date()).days for a in Alert.objects.all()} == {15}
