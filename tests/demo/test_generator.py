"""The demo generator: deterministic, plausible, and within every registry invariant."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from fupin.core.models import ObjectChange
from fupin.demo import generator
from fupin.demo.generator import generate_district
from fupin.registry.choices import (
    COMPULSORY_SCHOOL,
    Attribute,
    Cause,
    LabourSkill,
    PovertyStatus,
    Relation,
    StatusEventKind,
)
from fupin.registry.income import net_income, per_capita
from fupin.registry.models import Household, HouseholdStatusEvent, HouseholdYear, Member
from fupin.registry.services.households import household_problems
from fupin.registry.validation import member_problems
from fupin.utils import idno
from tests.demo import phase_probe


def _population() -> list[tuple]:
    rows = []
    for h in Household.objects.select_related("region").order_by("code"):
        members = [
            (m.name, m.id_number, m.relation, m.sex, m.birth_date, m.education, m.school_status, m.health)
            for m in h.members.order_by("person_code")
        ]
        y = h.years.get()
        rows.append(
            (
                h.code,
                h.region.code,
                h.registered,
                h.attribute,
                h.main_cause,
                h.status,
                h.exit_year,
                h.bank_account,
                y.per_capita_net_income,
                members,
            )
        )
    return rows


def _wipe() -> None:
    """Empty the registry tables (plain DELETEs: no cascade through other apps' tables)."""
    with connection.cursor() as cursor:
        for model in (HouseholdStatusEvent, HouseholdYear, Member, Household):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


@pytest.fixture(autouse=True)
def registry_only(monkeypatch):
    """These stories are about the registry load; later issues' phases have their own tests."""
    monkeypatch.setattr(generator, "DEMO_PHASES", [])


def test_same_seed_gives_the_same_district_and_another_seed_does_not(db):
    generate_district(households=60, seed=7)
    first = _population()
    _wipe()
    generate_district(households=60, seed=7)
    assert _population() == first
    _wipe()
    generate_district(households=60, seed=8)
    assert _population() != first


@pytest.fixture
def district(db):
    result = generate_district(households=300, seed=2017)
    return result


def test_every_household_has_exactly_one_active_head_and_its_size_matches(district):
    heads = Counter(Member.objects.active().filter(relation=Relation.HEAD).values_list("household_id", flat=True))
    sizes = Counter(Member.objects.active().values_list("household_id", flat=True))
    assert Household.objects.count() == 300 == len(heads)
    assert set(heads.values()) == {1}
    for y in HouseholdYear.objects.all():
        assert y.persons == sizes[y.household_id]
    assert set(sizes.values()) <= set(range(1, 8))
    assert district["members"] == sum(sizes.values())


def test_id_numbers_are_valid_unique_and_agree_with_sex_and_birth_date(district):
    members = list(Member.objects.all())
    numbers = [m.id_number for m in members]
    assert len(set(numbers)) == len(numbers)
    for m in members:
        assert idno.is_valid(m.id_number), m.id_number
        assert m.id_number.startswith("430405")
        assert idno.birth_date(m.id_number) == m.birth_date
        assert idno.sex_code(m.id_number) == m.sex


def test_members_pass_the_registry_member_rules(district):
    for m in Member.objects.all():
        data = {
            f: getattr(m, f)
            for f in (
                "id_type",
                "id_number",
                "sex",
                "education",
                "school_status",
                "work_status",
                "work_months",
                "phone",
                "health",
            )
        }
        assert member_problems(data) == {}, (m.person_code, member_problems(data))
        assert bool(m.education) != bool(m.school_status)


def test_ages_drive_schooling_and_labour(district):
    on = dt.date(2017, 9, 1)
    for m in Member.objects.all():
        age = on.year - m.birth_date.year - ((on.month, on.day) < (m.birth_date.month, m.birth_date.day))
        if 6 <= age <= 15:
            assert m.school_status in COMPULSORY_SCHOOL, (age, m.school_status)
        if age < 16:
            assert m.labour_skill == LabourSkill.NONE
            assert not m.welfare_post and not m.work_status
        if m.relation == Relation.HEAD:
            assert 35 <= age <= 80


def test_households_pass_the_registry_household_rules(district):
    for h in Household.objects.select_related("region"):
        assert household_problems(h) == {}, (h.code, household_problems(h))
        if h.status in (PovertyStatus.EXITED, PovertyStatus.RETURNED):
            assert h.exit_year is not None and h.exit_year >= h.identified_year
        if h.status == PovertyStatus.RETURNED:
            assert h.return_year > h.exit_year
        if not h.registered:
            assert h.status == "" and h.attribute == "" and h.main_cause == ""


def test_low_income_flags_follow_the_attribute(district):
    for h in Household.objects.prefetch_related("members"):
        members = list(h.members.all())
        if h.attribute == Attribute.DIBAO:
            assert any(m.dibao for m in members)
        else:
            assert not any(m.dibao for m in members)
        assert all(m.tekun for m in members) == (h.attribute == Attribute.TEKUN)
        assert any(m.tekun for m in members) == (h.attribute == Attribute.TEKUN)


def test_per_capita_income_is_the_registry_formula(district):
    for y in HouseholdYear.objects.all():
        net = net_income(
            wage=y.wage_income,
            business=y.business_income,
            property_=y.property_income,
            transfer=y.transfer_income,
            cost=y.production_cost,
        )
        assert y.net_income == net
        assert y.per_capita_net_income == per_capita(net, y.persons)


def test_status_history_and_change_log_are_written(district):
    registered = Household.objects.filter(registered=True)
    events = Counter(HouseholdStatusEvent.objects.values_list("kind", flat=True))
    assert events[StatusEventKind.REGISTERED] == registered.count()
    assert events[StatusEventKind.EXITED] == registered.filter(exit_year__isnull=False).count()
    assert events[StatusEventKind.RETURNED] == registered.filter(status=PovertyStatus.RETURNED).count()
    log = ObjectChange.objects.filter(batch_id=district["batch_id"], content_type__model="household")
    assert log.count() == 300
    assert set(log.values_list("action", "source")) == {("create", "command")}
    entry = log.get(object_repr=Household.objects.filter(registered=True).first().code)
    assert entry.after["bank_account"].startswith("****")  # personal data masked in the log


def test_the_distributions_are_plausible(district):
    households = list(Household.objects.all())
    registered = [h for h in households if h.registered]
    assert 0.78 <= len(registered) / len(households) <= 0.92
    ever_exited = [h for h in registered if h.exit_year]
    assert 0.6 <= len(ever_exited) / len(registered) <= 0.82
    causes = Counter(h.main_cause for h in registered)
    assert causes.most_common(1)[0][0] == Cause.ILLNESS
    assert 0.3 <= causes[Cause.ILLNESS] / len(registered) <= 0.5
    attributes = Counter(h.attribute for h in registered)
    assert attributes.most_common(1)[0][0] == Attribute.GENERAL
    assert Counter(h.identified_year for h in registered).most_common(1)[0][0] == 2014
    assert 3.0 <= district["members"] / len(households) <= 4.0

    income = {y.household_id: y.per_capita_net_income for y in HouseholdYear.objects.all()}
    exited = [income[h.pk] for h in registered if h.status == PovertyStatus.EXITED]
    poor = [income[h.pk] for h in registered if h.status in (PovertyStatus.NOT_EXITED, PovertyStatus.RETURNED)]
    assert sum(1 for v in exited if v > Decimal(3500)) / len(exited) >= 0.9
    assert max(poor) < Decimal(3300)
    assert statistics.median(income[h.pk] for h in households if not h.registered) > Decimal(5000)


def test_households_live_in_villages_and_groups_more_in_dongyangdu(district):
    places = Counter(Household.objects.values_list("region__code", flat=True))
    assert all(len(code) in (12, 15) for code in places)
    assert not any(code == "430405014201" for code in places)  # 大昌村 lives in its three groups
    assert {"430405014201001", "430405014201002", "430405014201003"} <= set(places)
    dongyangdu = sum(n for code, n in places.items() if code.startswith("430405014"))
    assert dongyangdu / 300 > 0.35
    for h in Household.objects.select_related("region"):
        assert h.code[:12] == h.region.code[:12] and len(h.code) == 17


def test_a_second_load_continues_numbering_and_avoids_taken_id_numbers(db):
    generate_district(households=40, seed=1)
    generate_district(households=40, seed=1)
    assert Household.objects.count() == 80
    numbers = list(Member.objects.values_list("id_number", flat=True))
    assert len(numbers) == len(set(numbers))


def test_phases_run_after_the_registry_load(db, monkeypatch):
    phase_probe.CALLS.clear()
    monkeypatch.setattr(generator, "DEMO_PHASES", ["fupin.nothing_here.demo", "tests.demo.phase_probe"])
    result = generate_district(households=20, seed=3, year=2016, users={"cadre": None})
    (call,) = phase_probe.CALLS
    assert call["year"] == 2016
    assert sorted(call["households"]) == sorted(Household.objects.values_list("pk", flat=True))
    assert call["users"] == {"cadre": None}
    assert str(call["batch_id"]) == result["batch_id"]
    assert result["phases"] == {"tests.demo.phase_probe": {"probed": 20}}
    phase_probe.CALLS.clear()
    _wipe()
    generate_district(households=20, seed=3, year=2016)
    assert phase_probe.CALLS[0]["first_draw"] == call["first_draw"]


def test_a_year_before_registration_began_is_refused(db):
    with pytest.raises(ValueError):
        generate_district(households=1, year=2013)
