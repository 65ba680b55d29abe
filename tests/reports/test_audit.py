"""The data-quality audit finds each inconsistency planted in a generated district, and
nothing else.

The generated registry keeps every registry rule; the generator does not (yet) pair cadres,
record visits or plan measures, so the test first completes the district the way a
well-kept one looks: a cadre and a recent visit for every registered household, a health
measure where illness is a cause, a housing measure for every C/D house, and incomes of
exited households above the line. That district must audit clean; then one record per rule
is spoiled with raw updates (as an old import would), and exactly those are found.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Q

from fupin.assistance.models import Cadre, LinkedUnit, Measure, MeasureItem, Pairing, Visit
from fupin.core.changelog import Context
from fupin.demo.generator import generate_district
from fupin.registry.models import Household, HouseholdYear, Member
from fupin.reports.choices import AuditRule
from fupin.reports.models import AuditFinding, AuditRun, AuditVillageScore
from fupin.reports.services.audit import audit_run
from tests.conftest import DISTRICT, region

pytestmark = pytest.mark.django_db
D = dt.date
YEAR = 2017
LINE = Decimal("3335")  # the seeded national poverty line of 2017


def _complete(households: list[Household]) -> None:
    """Fill what the generator leaves out (or leaves undone on purpose) so that the district
    is well kept: each step touches only the households that lack it."""
    unit = LinkedUnit.objects.create(name="基准单位", affiliation="county")
    registered = [h for h in households if h.registered]
    paired = set(Pairing.objects.filter(ended_on__isnull=True).values_list("household_id", flat=True))
    lacking = [h for h in registered if h.pk not in paired]
    cadres = Cadre.objects.bulk_create(
        [Cadre(name=f"基准干部{i}", phone=f"139{i:08d}", unit=unit, region=h.region) for i, h in enumerate(lacking)]
    )
    Pairing.objects.bulk_create(
        [Pairing(household=h, cadre=c, started_on=D(2016, 1, 1)) for h, c in zip(lacking, cadres, strict=True)]
    )
    Visit.objects.bulk_create([Visit(household=h, visited_on=D(YEAR, 12, 20), chat=True) for h in registered])
    doctor, housing = MeasureItem.objects.get(name="家庭医生签约"), MeasureItem.objects.get(name="危房改造")
    helped = set(
        Measure.objects.filter(year=YEAR, category__in=["health", "social"]).values_list("household_id", flat=True)
    )
    ill = [h for h in registered if (h.main_cause == "01" or "01" in h.other_causes.split(",")) and h.pk not in helped]
    Measure.objects.bulk_create([Measure(household=h, year=YEAR, category="health", item=doctor) for h in ill])
    housed = set(
        Measure.objects.filter(year__lte=YEAR, category__in=["housing", "relocation"]).values_list(
            "household_id", flat=True
        )
    )
    bad_houses = HouseholdYear.objects.filter(year=YEAR, house_grade__in=["C", "D"], household__registered=True)
    Measure.objects.bulk_create(
        [
            Measure(household_id=y.household_id, year=YEAR, category="housing", item=housing)
            for y in bad_houses
            if y.household_id not in housed
        ]
    )
    HouseholdYear.objects.filter(year=YEAR, household__status="exited", per_capita_net_income__lte=LINE).update(
        per_capita_net_income=LINE + 100
    )


def _found(run: AuditRun) -> set[tuple[str, int, int | None]]:
    return set(AuditFinding.objects.filter(run=run).values_list("rule", "household_id", "member_id"))


def _age(m: Member, on: D) -> int:
    return on.year - m.birth_date.year - ((on.month, on.day) < (m.birth_date.month, m.birth_date.day))


def test_the_audit_finds_each_planted_inconsistency_and_nothing_else(regions):
    generate_district(households=60, seed=11)
    households = list(Household.objects.select_related("region").order_by("code"))
    _complete(households)
    district = region(DISTRICT)
    clean = audit_run(ctx=Context(actor=None), region=district, year=YEAR)
    assert _found(clean) == set(), AuditFinding.objects.filter(run=clean).values_list("rule", "detail")[:20]
    assert clean.score == 100.0 and clean.households == 60

    registered = [h for h in households if h.registered]
    ref = D(YEAR, 9, 1)
    planted: set[tuple[str, int, int | None]] = set()

    h = registered[0]  # no head any more
    Member.objects.filter(household=h, relation="01", ended_on__isnull=True).update(relation="99")
    planted.add((AuditRule.ONE_HEAD, h.pk, None))
    h = registered[1]  # the stated size disagrees with the members
    HouseholdYear.objects.filter(household=h, year=YEAR).update(persons=9)
    planted.add((AuditRule.SIZE, h.pk, None))
    child = Member.objects.filter(household__registered=True, school_status="03").order_by("pk").first()
    Member.objects.filter(pk=child.pk).update(labour_skill="1")  # a pupil as 普通劳动力
    planted.add((AuditRule.AGE_LABOUR, child.household_id, child.pk))
    h = registered[2]
    Household.objects.filter(pk=h.pk).update(phone="1388888")
    planted.add((AuditRule.PHONE, h.pk, None))
    adult = (
        Member.objects.filter(household__registered=True, phone="", birth_date__lt=D(1990, 1, 1)).order_by("pk").first()
    )
    Member.objects.filter(pk=adult.pk).update(phone="0734888888")
    planted.add((AuditRule.PHONE, adult.household_id, adult.pk))
    h = registered[3]  # the file's per-capita income is not the components ÷ persons
    HouseholdYear.objects.filter(household=h, year=YEAR).update(stated_per_capita=Decimal("99999"))
    planted.add((AuditRule.INCOME, h.pk, None))
    helped = set(
        Measure.objects.filter(year=YEAR, category__in=["health", "social"]).values_list("household_id", flat=True)
    )
    h = next(
        x
        for x in registered[4:]
        if x.main_cause != "01" and "01" not in x.other_causes.split(",") and x.pk not in helped
    )
    Household.objects.filter(pk=h.pk).update(main_cause="01")  # 因病 without a health measure
    planted.add((AuditRule.ILLNESS_NO_HEALTH, h.pk, None))
    facts = (
        HouseholdYear.objects.filter(year=YEAR, household__registered=True)
        .exclude(house_grade__in=["C", "D"])
        .exclude(household=h)
        .order_by("household_id")
        .first()
    )
    HouseholdYear.objects.filter(pk=facts.pk).update(house_grade="D")  # a D house without housing measure
    planted.add((AuditRule.HOUSE_NO_MEASURE, facts.household_id, None))
    exited = next(
        x for x in registered if x.status == "exited" and x.exit_year <= YEAR and x.pk not in {p[1] for p in planted}
    )
    HouseholdYear.objects.filter(household=exited, year=YEAR).update(per_capita_net_income=Decimal("2000"))
    planted.add((AuditRule.EXITED_BELOW_LINE, exited.pk, None))
    pupil = next(
        m
        for m in Member.objects.filter(school_status="03", ended_on__isnull=True).order_by("pk")
        if m.pk != child.pk and 6 <= _age(m, ref) <= 15
    )
    Member.objects.filter(pk=pupil.pk).update(school_status="", education="02")  # dropped out
    planted.add((AuditRule.CHILD_NOT_IN_SCHOOL, pupil.household_id, pupil.pk))
    lonely = registered[-1]
    Pairing.objects.filter(household=lonely).update(ended_on=D(YEAR, 6, 30), end_reason="调离")
    planted.add((AuditRule.NO_CADRE, lonely.pk, None))
    late = next(x for x in reversed(registered) if x.status != "exited" and x.pk != lonely.pk)
    Visit.objects.filter(household=late).update(visited_on=D(YEAR, 3, 1))  # not visited since March
    planted.add((AuditRule.OVERDUE_VISIT, late.pk, None))

    run = audit_run(ctx=Context(actor=None), region=district, year=YEAR)
    assert _found(run) == planted
    assert run.counts == {code: sum(1 for p in planted if p[0] == code) for code in AuditRule.values}
    flagged = {p[1] for p in planted}
    assert run.flagged == len(flagged)
    assert run.score == round(100 * (60 - len(flagged)) / 60, 1)
    # The trend keeps the clean run's scores; only the latest run keeps its findings.
    assert AuditVillageScore.objects.filter(run=clean).exists()
    assert not AuditFinding.objects.filter(run=clean).exists()


def test_constraint_backed_rules_are_checked_even_though_the_database_forbids_the_data(regions):
    """education xor school and work months iff status are CHECK constraints, so the audit
    cannot meet them on this database; their queries still run and find nothing."""
    generate_district(households=10, seed=3)
    run = audit_run(ctx=Context(actor=None), region=region(DISTRICT), year=YEAR)
    assert run.counts[AuditRule.EDUCATION_XOR_SCHOOL] == 0 and run.counts[AuditRule.WORK_MONTHS] == 0
    assert AuditRule.EDUCATION_XOR_SCHOOL in run.counts and not run.skipped


def test_the_audit_command_prints_counts_and_stores_a_run(regions, capsys):
    generate_district(households=10, seed=5)
    call_command("audit", "--region", DISTRICT, "--year", str(YEAR), "--list", "1")
    out = capsys.readouterr().out
    assert "珠晖区 2017 年：10 户" in out and "无帮扶责任人" in out
    run = AuditRun.objects.get()
    end = D(YEAR, 12, 31)
    active = Pairing.objects.filter(
        Q(started_on__isnull=True) | Q(started_on__lte=end), Q(ended_on__isnull=True) | Q(ended_on__gt=end)
    )
    lonely = Household.objects.filter(registered=True, identified_year__lte=YEAR).exclude(
        pk__in=active.values("household_id")
    )
    assert run.counts[AuditRule.NO_CADRE] == lonely.count()


def test_the_audit_refuses_an_unknown_region(regions):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="区划代码 999999 不存在"):
        call_command("audit", "--region", "999999")


def test_a_run_outside_the_actors_scope_is_refused(regions, cadre):
    from fupin.core.errors import ScopeError

    with pytest.raises(ScopeError):
        audit_run(ctx=Context(actor=cadre), region=region(DISTRICT), year=YEAR)
    assert not AuditRun.objects.exists()
