"""The demo phase: teams, cadres, pairings, plans and measures consistent with the causes."""

import pytest
from django.db.models import Count

from fupin.assistance.models import Cadre, Measure, Pairing, Plan, Visit, Wish, WorkTeam
from fupin.assistance.selectors.plans import plan_gaps
from fupin.demo.generator import generate_district
from fupin.registry.models import Household
from tests.demo_helpers import households_only, skip_unless_sqlite, sqlite_variable_limit


@pytest.fixture
def district(db):
    return generate_district(households=120, seed=11)


def test_demo_fills_the_organisation_and_pairs_households(district):
    counts = district["phases"]["fupin.assistance.demo"]
    assert counts["cadres"] == Cadre.objects.count() > 0
    assert WorkTeam.objects.count() == counts["work_teams"] > 0
    registered = Household.objects.filter(registered=True, closed_on__isnull=True)
    paired = registered.filter(pairings__ended_on__isnull=True).count()
    assert paired >= registered.count() * 0.95
    # 一户一人 and the workload maximum hold.
    per_household = Pairing.objects.filter(ended_on__isnull=True).values("household").annotate(n=Count("pk"))
    assert max(r["n"] for r in per_household) == 1
    per_cadre = Pairing.objects.filter(ended_on__isnull=True).values("cadre").annotate(n=Count("pk"))
    assert max(r["n"] for r in per_cadre) <= 5
    assert Pairing.objects.filter(ended_on__isnull=False).exists()  # some history
    assert Visit.objects.exists()


def test_demo_measures_answer_the_causes(district):
    households = Household.objects.filter(registered=True, closed_on__isnull=True)
    for h in households.filter(main_cause="01")[:20]:
        assert "illness" not in [g.code for g in plan_gaps(h, 2017)]
    loans = Measure.objects.filter(item__name="扶贫小额信贷")
    for m in loans:
        assert m.amount <= 50000 and m.term_months <= 36 and m.interest_subsidy > 0


# -- chunking ---------------------------------------------------------------------------------


def _fingerprint() -> tuple:
    from fupin.core.models import ObjectChange

    return (
        sorted(Cadre.objects.values_list("name", "phone", "region__code", "team__name", "post")),
        sorted(Pairing.objects.values_list("household__code", "cadre__phone", "started_on", "ended_on")),
        sorted(
            (code, item, str(amount), ben)
            for code, item, amount, ben in Measure.objects.values_list(
                "household__code", "item__name", "amount", "beneficiary_id"
            )
        ),
        sorted(Visit.objects.values_list("household__code", "cadre__phone", "visited_on", "notes")),
        sorted(Wish.objects.values_list("household__code", "item", "status")),
        ObjectChange.objects.count(),
    )


def test_small_chunks_give_the_same_data_as_one_chunk(db, monkeypatch):
    import random

    from django.db import transaction

    from fupin.assistance import demo

    ctx = households_only(monkeypatch, 90, seed=21)
    prints = []
    for chunk in (7, 10_000):
        with transaction.atomic():
            counts = demo.populate(rng=random.Random(4), year=2017, ctx=ctx, chunk=chunk)
            prints.append((counts, _fingerprint()))
            # The per-village pairing order carries over the chunks: no cadre above the maximum.
            held = Pairing.objects.filter(ended_on__isnull=True).values("cadre").annotate(n=Count("pk"))
            assert max(r["n"] for r in held) <= 5
            transaction.set_rollback(True)  # the next chunk size starts from the same registry
    (small, small_print), (whole, whole_print) = prints
    assert small == whole and small["pairings"] > 0 and small["measures"] > 0
    assert small_print == whole_print


def test_no_statement_outgrows_sqlites_variable_limit(db, monkeypatch):
    """With SQLite's old limit of 999 variables a statement a household id each (a district of
    300,000 households against today's 250,000) fails; chunks keep every statement below it."""
    import random

    from fupin.assistance import demo

    skip_unless_sqlite()
    ctx = households_only(monkeypatch, 1250, seed=22)
    with sqlite_variable_limit(ctx.household_ids):
        monkeypatch.setattr(demo, "CHUNK", 400)
        counts = demo.populate(rng=random.Random(5), year=2017, ctx=ctx)
    registered = Household.objects.filter(registered=True, closed_on__isnull=True).count()
    assert registered > 999
    assert Plan.objects.count() == registered
    assert counts["pairings"] >= registered * 0.95
