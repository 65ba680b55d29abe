"""The demo phase fills every queue through the real services."""

from fupin.demo import generator
from fupin.identification import demo
from fupin.identification.models import Application, Assessment, ComparisonList, Finding, NeedsCheck, Recheck
from tests.demo_helpers import households_only, skip_unless_sqlite, sqlite_variable_limit


def test_the_demo_phase(regions, coordinator, reviewer, cadre, monkeypatch):
    import random

    monkeypatch.setattr(generator, "DEMO_PHASES", [])
    generator.generate_district(households=400, seed=5, year=2017)
    from fupin.registry.models import Household
    from tests.conftest import head_data, make_household

    # The small generated village has few households outside the roll: add some for the cases.
    for i in range(3):
        make_household(f"43040501420199{i:02d}", registered=False, head=head_data(name=f"申请人{i}"))

    ctx = generator.DemoContext(
        change=generator.Context(actor=None),
        seed=5,
        year=2017,
        household_ids=list(Household.objects.values_list("pk", flat=True)),
        users={"cadre": cadre, "township": reviewer, "district": coordinator},
    )
    counts = demo.populate(rng=random.Random(5), year=2017, ctx=ctx)
    assert counts["applications"] >= 6 and counts["comparison_lists"] == 3
    steps = set(Application.objects.values_list("step", flat=True))
    assert {"applied", "village_notice", "township_review", "district_approval", "announcement"} <= steps
    assert Application.objects.filter(kind="removal").exists()
    assert Application.objects.filter(step="village_notice", objections__outcome="open").exists()
    assert not Application.objects.exclude(step="candidate").filter(proposed_by=None).exists()
    assert ComparisonList.objects.count() == 3 and Finding.objects.filter(list_kind="vehicle").count() == 4
    assert Finding.objects.filter(list_kind="death").count() == 2
    assert Recheck.objects.get().finished is not None
    assert Assessment.objects.count() == Household.objects.filter(registered=True).count() > 0
    assert NeedsCheck.objects.exists()
    assert Finding.objects.filter(kind="rule").exists() and Finding.objects.filter(kind="likely_duplicate").exists()
    # The planted homophone joined within the demo's year, counted in that year's household
    # size: a roster exported for 2017 re-imports unchanged.
    from fupin.registry.models import HouseholdYear, Member

    planted = Member.objects.get(join_reason="07")
    assert planted.joined_on.year == 2017
    year = HouseholdYear.objects.get(household=planted.household, year=2017)
    assert year.persons == Member.objects.filter(household=planted.household, ended_on=None).count()


def test_the_needs_checks_do_not_depend_on_the_chunk_size(db, monkeypatch):
    import random

    from django.db import transaction

    ctx = households_only(monkeypatch, 90, seed=23)
    prints = []
    for chunk in (7, 10_000):
        with transaction.atomic():
            counts = demo.populate(rng=random.Random(4), year=2017, ctx=ctx, chunk=chunk)
            checks = sorted(
                NeedsCheck.objects.values_list("household__code", "food_secure", "clothing_secure", "checked_on")
            )
            prints.append((counts["needs_checks"], checks))
            transaction.set_rollback(True)  # the next chunk size starts from the same registry
    assert prints[0] == prints[1] and prints[0][0] > 0


def test_no_statement_outgrows_sqlites_variable_limit(db, monkeypatch):
    """With SQLite's old limit of 999 variables a query naming every household id fails on a
    district of 300,000 households; the phase reads and writes the households in chunks."""
    import random

    from fupin.registry.models import Household

    skip_unless_sqlite()
    ctx = households_only(monkeypatch, 1250, seed=22)
    with sqlite_variable_limit(ctx.household_ids):
        monkeypatch.setattr(demo, "CHUNK", 400)
        counts = demo.populate(rng=random.Random(5), year=2017, ctx=ctx)
    registered = Household.objects.filter(registered=True).count()
    assert registered > 999
    assert counts["needs_checks"] == NeedsCheck.objects.count() > registered // 2
    assert counts["assessments"] == Assessment.objects.count() == registered
