"""The demo phase: teams, cadres, pairings, plans and measures consistent with the causes."""

import pytest
from django.db.models import Count

from fupin.assistance.models import Cadre, Measure, Pairing, Visit, WorkTeam
from fupin.assistance.selectors.plans import plan_gaps
from fupin.demo.generator import generate_district
from fupin.registry.models import Household


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
