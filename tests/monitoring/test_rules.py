"""The exit and elimination rules on hand-built snapshots, at and around each limit."""

import datetime as dt
from decimal import Decimal

import pytest

from fupin.identification.rules import HouseholdSnapshot, MemberFacts, PolicyParams
from fupin.monitoring import rules
from fupin.monitoring.choices import EliminationMethod, RiskKind

SIX = ("income", "food", "clothing", "education", "medical", "housing")
SEVEN = (*SIX, "water")


def member(name="户主", born=dt.date(1970, 5, 1), school="", health="01", medical=True, serious=True):
    return MemberFacts(1, name, born, school, health, medical, serious)


def snap(income="4120", year=2017, members=None, **kw):
    base = dict(
        household_id=1,
        year=year,
        per_capita_net_income=None if income is None else Decimal(income),
        persons=1,
        food_secure=True,
        clothing_secure=True,
        house_grade="A",
        water_safe=True,
        members=tuple(members if members is not None else [member()]),
    )
    base.update(kw)
    return HouseholdSnapshot(**base)


def params(year=2017, line="3335", criteria=SIX):
    return PolicyParams(version_id=1, year=year, poverty_line=Decimal(line), criteria=criteria)


def outcome_of(results, criterion):
    return next(r.outcome for r in results if r.criterion == criterion)


def assess(s, p=None, identified=2015):
    return rules.assess_exit(s, p or params(), identified_year=identified)


# ---------------------------------------------------------------- 一超


@pytest.mark.parametrize(("income", "expected"), [("3334.99", "not_met"), ("3335", "met"), ("3335.01", "met")])
def test_income_at_the_line(income, expected):
    results = assess(snap(income=income))
    assert outcome_of(results, "income") == expected
    assert rules.passed(results) is (expected == "met")


def test_income_sentence_names_value_year_and_line():
    results = assess(snap(income="4120"))
    text = rules.explain(next(r for r in results if r.criterion == "income").as_json())
    assert text == "人均纯收入 4,120 元，高于 2017 年扶贫标准 3,335 元"


def test_missing_income_is_unknown_and_blocks_exit():
    results = assess(snap(income=None))
    assert outcome_of(results, "income") == "unknown"
    assert not rules.passed(results)


# ---------------------------------------------------------------- registration year


@pytest.mark.parametrize(
    ("identified", "expected"), [(2016, "met"), (2017, "not_met"), (2018, "not_met"), (None, "unknown")]
)
def test_household_registered_this_year_cannot_exit(identified, expected):
    results = assess(snap(), identified=identified)
    assert outcome_of(results, "registration") == expected
    if expected == "not_met":
        assert "当年不能退出" in rules.failed_sentences(results)


# ---------------------------------------------------------------- 两不愁


@pytest.mark.parametrize("field", ["food_secure", "clothing_secure"])
@pytest.mark.parametrize(("value", "expected"), [(True, "met"), (False, "not_met"), (None, "unknown")])
def test_food_and_clothing_as_checked_on_a_visit(field, value, expected):
    criterion = "food" if field == "food_secure" else "clothing"
    results = assess(snap(**{field: value}))
    assert outcome_of(results, criterion) == expected


# ---------------------------------------------------------------- 三保障


@pytest.mark.parametrize(("age", "expected"), [(5, "met"), (6, "not_met"), (15, "not_met"), (16, "met")])
def test_compulsory_schooling_ages_six_to_fifteen(age, expected):
    # Ages are taken on 1 September of the year (school entry).
    child = member("小明", born=dt.date(2017 - age, 9, 1), school="01")
    results = assess(snap(members=[member(), child]))
    assert outcome_of(results, "education") == expected


def test_a_child_out_of_school_for_health_reasons_does_not_block_exit():
    child = member("小红", born=dt.date(2007, 1, 1), school="01", health="03")
    results = assess(snap(members=[member(), child]))
    assert outcome_of(results, "education") == "met"


def test_a_child_at_school_meets_the_education_test():
    child = member("小刚", born=dt.date(2007, 1, 1), school="04")
    assert outcome_of(assess(snap(members=[member(), child])), "education") == "met"


@pytest.mark.parametrize(
    ("medical", "serious", "expected"), [(True, True, "met"), (True, False, "not_met"), (False, True, "not_met")]
)
def test_every_member_insured(medical, serious, expected):
    results = assess(snap(members=[member(), member("妻", medical=medical, serious=serious)]))
    assert outcome_of(results, "medical") == expected


@pytest.mark.parametrize(
    ("grade", "dangerous", "expected"),
    [
        ("A", None, "met"),
        ("B", None, "met"),
        ("C", None, "not_met"),
        ("D", None, "not_met"),
        ("", False, "met"),
        ("", True, "not_met"),
        ("", None, "unknown"),
    ],
)
def test_safe_housing(grade, dangerous, expected):
    results = assess(snap(house_grade=grade, dangerous_house=dangerous))
    assert outcome_of(results, "housing") == expected


def test_drinking_water_applies_only_where_the_policy_applies_it():
    unsafe = snap(water_safe=False, year=2019)
    assert "water" not in [r.criterion for r in assess(unsafe, params(year=2019, line="3747"))]
    with_water = assess(unsafe, params(year=2019, line="3747", criteria=SEVEN))
    assert outcome_of(with_water, "water") == "not_met"
    difficult = assess(snap(water_safe=True, water_difficult=True, year=2019), params(2019, "3747", SEVEN))
    assert outcome_of(difficult, "water") == "not_met"
    assert rules.passed(assess(snap(year=2019, income="4000"), params(2019, "3747", SEVEN)))


def test_exit_passes_only_when_every_criterion_is_met():
    assert rules.passed(assess(snap()))
    assert not rules.passed(assess(snap(house_grade="C")))


# ---------------------------------------------------------------- elimination


def test_add_months_clamps_to_the_end_of_the_month():
    assert rules.add_months(dt.date(2021, 8, 31), 6) == dt.date(2022, 2, 28)
    assert rules.add_months(dt.date(2021, 3, 15), 6) == dt.date(2021, 9, 15)
    assert rules.add_months(dt.date(2021, 11, 30), 3) == dt.date(2022, 2, 28)


def efacts(**kw):
    base = dict(
        on=dt.date(2021, 9, 15),
        identified_on=dt.date(2021, 3, 15),
        has_labour=True,
        snapshot=snap(year=2021, income="7000"),
        criteria=SEVEN,
        risks=(rules.RiskFacts(RiskKind.ILLNESS, "因病"),),
        measures=(rules.MeasureFacts("health", "in_progress"), rules.MeasureFacts("employment", "done")),
        income_year=2021,
        monitoring_income=Decimal("6500"),
        monitoring_line=Decimal("6000"),
        open_alerts=0,
    )
    base.update(kw)
    return rules.EliminationFacts(**base)


def check(f, method=EliminationMethod.ASSISTED):
    return rules.check_elimination(f, method=method, min_months=6)


def test_elimination_allowed_when_every_condition_holds():
    assert rules.passed(check(efacts()))


@pytest.mark.parametrize(("on", "expected"), [(dt.date(2021, 9, 14), "not_met"), (dt.date(2021, 9, 15), "met")])
def test_six_months_since_identification(on, expected):
    assert outcome_of(check(efacts(on=on)), "months") == expected


def test_a_household_without_labour_is_never_eliminated():
    results = check(efacts(has_labour=False), method=EliminationMethod.NATURAL)
    assert outcome_of(results, "labour") == "not_met"
    assert not rules.passed(results)
    assert "不标注风险消除" in rules.failed_sentences(results)


@pytest.mark.parametrize(("income", "expected"), [("6000", "not_met"), ("6000.01", "met")])
def test_income_strictly_above_the_monitoring_line(income, expected):
    assert outcome_of(check(efacts(monitoring_income=Decimal(income))), "monitoring_income") == expected


def test_an_open_alert_is_a_new_risk():
    assert outcome_of(check(efacts(open_alerts=1)), "new_risk") == "not_met"


def test_assisted_elimination_needs_an_applied_measure_per_risk_and_a_developmental_one():
    planned = (rules.MeasureFacts("health", "planned"), rules.MeasureFacts("employment", "done"))
    assert outcome_of(check(efacts(measures=planned)), "measures") == "not_met"
    only_health = (rules.MeasureFacts("health", "done"),)
    results = check(efacts(measures=only_health))
    assert "开发式帮扶" in rules.failed_sentences(results)
    # Natural elimination does not ask for measures.
    assert "measures" not in [r.criterion for r in check(efacts(measures=()), method=EliminationMethod.NATURAL)]


def test_measure_gaps_follow_the_risk_to_measure_rules():
    risks = (rules.RiskFacts(RiskKind.HOUSING, "因安全住房"), rules.RiskFacts(RiskKind.DISASTER, "因自然灾害"))
    gaps = rules.measure_gaps(risks, (rules.MeasureFacts("health", "done"),), has_labour=False)
    assert [g.key for g in gaps] == [RiskKind.HOUSING]
    gaps = rules.measure_gaps(risks, (rules.MeasureFacts("relocation", "done"),), has_labour=True)
    assert [g.key for g in gaps] == ["developmental"]


def test_unsafe_housing_blocks_elimination():
    assert not rules.passed(check(efacts(snapshot=snap(year=2021, house_grade="D"))))
