"""The rules on hand-built snapshots: at and around the line, and each guarantee."""

import datetime as dt
from decimal import Decimal

import pytest

from fupin.identification import rules
from fupin.identification.rules import HouseholdSnapshot, MemberFacts, PolicyParams

ALL = ("income", "food", "clothing", "education", "medical", "housing", "water")
P2017 = PolicyParams(version_id=1, year=2017, poverty_line=Decimal("3335"), criteria=ALL)


def adult(**kw):
    data = dict(
        member_id=1,
        name="张三",
        birth_date=dt.date(1970, 1, 1),
        school_status="",
        health="01",
        ins_medical=True,
        ins_serious_illness=True,
    )
    data.update(kw)
    return MemberFacts(**data)


def snap(income="2950", **kw):
    data = dict(
        household_id=1,
        year=2017,
        per_capita_net_income=None if income is None else Decimal(income),
        persons=1,
        food_secure=True,
        clothing_secure=True,
        house_grade="B",
        dangerous_house=False,
        water_safe=True,
        water_difficult=False,
        members=(adult(),),
    )
    data.update(kw)
    return HouseholdSnapshot(**data)


def result(s, criterion, policy=P2017):
    return next(r for r in rules.evaluate(s, policy) if r.criterion == criterion)


@pytest.mark.parametrize(
    ("income", "outcome", "word"),
    [
        ("3334", "not_met", "低于"),
        ("3334.99", "not_met", "低于"),
        ("3335", "met", "达到"),
        ("3336", "met", "高于"),
    ],
)
def test_income_at_and_around_the_2017_line(income, outcome, word):
    r = result(snap(income), "income")
    assert r.outcome == outcome
    sentence = rules.explain(r.as_json())
    assert word in sentence and "2017 年扶贫标准 3,335 元" in sentence


def test_the_explanation_reads_like_the_household_page_says():
    r = result(snap("2950"), "income")
    assert rules.explain(r.as_json()) == "人均纯收入 2,950 元，低于 2017 年扶贫标准 3,335 元"


def test_income_just_below_the_line_makes_the_household_eligible_even_with_everything_else_met():
    results = rules.evaluate(snap("3334"), P2017)
    assert rules.outcome(results) == "eligible"


def test_income_at_the_line_with_every_guarantee_met_is_not_eligible():
    results = rules.evaluate(snap("3335"), P2017)
    assert rules.outcome(results) == "not_eligible"
    assert "两不愁三保障均已达标" in rules.summary([r.as_json() for r in results])


def test_missing_income_or_unrecorded_food_leaves_the_assessment_incomplete():
    assert rules.outcome(rules.evaluate(snap(None), P2017)) == "incomplete"
    assert rules.outcome(rules.evaluate(snap("5000", food_secure=None), P2017)) == "incomplete"
    assert "没有 2017 年收入信息" in rules.explain(result(snap(None), "income").as_json())


def test_a_failing_guarantee_makes_a_household_above_the_line_eligible():
    s = snap("9000", house_grade="D", dangerous_house=True)
    assert result(s, "housing").outcome == "not_met"
    assert rules.outcome(rules.evaluate(s, P2017)) == "eligible"


@pytest.mark.parametrize(
    ("born", "school", "health", "outcome"),
    [
        (dt.date(2007, 3, 1), "", "01", "not_met"),  # 10 years old, not in school
        (dt.date(2007, 3, 1), "03", "01", "met"),  # in primary school
        (dt.date(2007, 3, 1), "01", "04", "met"),  # out of school for a disability: excused
        (dt.date(2011, 9, 2), "", "01", "met"),  # not yet 6 on 1 September 2017
        (dt.date(2011, 9, 1), "", "01", "not_met"),  # turns 6 on 1 September
        (dt.date(2001, 9, 2), "", "01", "not_met"),  # still 15
        (dt.date(2001, 9, 1), "", "01", "met"),  # 16: past compulsory age
    ],
)
def test_compulsory_education_ages_6_to_15(born, school, health, outcome):
    child = adult(member_id=2, name="小明", birth_date=born, school_status=school, health=health)
    assert result(snap(members=(adult(), child)), "education").outcome == outcome


def test_medical_insurance_names_the_uninsured_member():
    s = snap(members=(adult(), adult(member_id=2, name="李四", ins_serious_illness=False)))
    r = result(s, "medical")
    assert r.outcome == "not_met"
    assert "李四" in rules.explain(r.as_json())


@pytest.mark.parametrize(
    ("grade", "dangerous", "outcome"),
    [
        ("A", None, "met"),
        ("B", False, "met"),
        ("C", None, "not_met"),
        ("D", True, "not_met"),
        ("", True, "not_met"),
        ("", False, "met"),
        ("", None, "unknown"),
        ("9", None, "unknown"),
    ],
)
def test_housing_safety_from_grade_or_dangerous_flag(grade, dangerous, outcome):
    assert result(snap(house_grade=grade, dangerous_house=dangerous), "housing").outcome == outcome


def test_water():
    assert result(snap(water_safe=True), "water").outcome == "met"
    assert result(snap(water_safe=False), "water").outcome == "not_met"
    assert result(snap(water_safe=True, water_difficult=True), "water").outcome == "not_met"
    assert result(snap(water_safe=None, water_difficult=None), "water").outcome == "unknown"


def test_only_the_criteria_of_the_policy_are_applied():
    p = PolicyParams(version_id=1, year=2015, poverty_line=Decimal("2855"), criteria=("income", "housing"))
    assert [r.criterion for r in rules.evaluate(snap("3000", water_safe=False), p)] == ["income", "housing"]
    assert rules.outcome(rules.evaluate(snap("3000", water_safe=False), p)) == "not_eligible"
