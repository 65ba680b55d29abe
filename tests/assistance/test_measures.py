"""Measures: limits rejected with clear errors, computed values, and plan gaps."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from fupin.assistance.models import MeasureItem, Plan
from fupin.assistance.selectors.plans import plan_gaps
from fupin.assistance.services import measure_create, measure_update, plan_save
from fupin.core.changelog import Context
from fupin.core.errors import ScopeError
from fupin.registry.services import household_year_save, member_add
from tests.conftest import SYSTEM, head_data, make_household, new_id


def item(name):
    return MeasureItem.objects.get(name=name)


def loan(h, **kw):
    data = {
        "item": item("扶贫小额信贷"),
        "amount": Decimal(50000),
        "term_months": 36,
        "annual_rate": Decimal("4.75"),
        "started_on": dt.date(2017, 4, 1),
        "status": "in_progress",
        **kw,
    }
    return measure_create(ctx=SYSTEM, household=h, year=2017, data=data)


@pytest.fixture
def household(regions):
    return make_household("4304050142010001", head=head_data(name="张三", id_number=new_id(dt.date(1970, 5, 1))))


def test_loan_at_the_limits_is_accepted_and_its_subsidy_computed(household):
    m = loan(household)
    assert m.category == "finance"
    assert m.interest_subsidy == Decimal("7125.00")
    assert Plan.objects.filter(household=household, year=2017).exists()


def test_loan_over_50000_is_rejected(household):
    with pytest.raises(ValidationError) as err:
        loan(household, amount=Decimal("50000.01"))
    assert "超过单户上限 50,000 元" in err.value.message_dict["amount"][0]


def test_loan_over_three_years_is_rejected(household):
    with pytest.raises(ValidationError) as err:
        loan(household, term_months=37)
    assert err.value.message_dict["term_months"] == ["贷款期限 37 个月超过上限 36 个月（3 年）"]


def test_borrower_older_than_65_is_rejected(regions):
    h = make_household("4304050142010002", head=head_data(name="老王", id_number=new_id(dt.date(1950, 1, 1))))
    with pytest.raises(ValidationError) as err:
        loan(h)
    assert "67 岁" in err.value.message_dict["beneficiary"][0]
    assert "18–65" in err.value.message_dict["beneficiary"][0]


def test_borrower_under_18_is_rejected(household):
    kid = member_add(
        ctx=SYSTEM,
        household=household,
        data=head_data(
            name="张小",
            relation="03",
            id_number=new_id(dt.date(2001, 6, 1)),
            education="",
            school_status="07",
            labour_skill="4",
        ),
    )
    with pytest.raises(ValidationError) as err:
        loan(household, beneficiary=kid)
    assert "15 岁" in err.value.message_dict["beneficiary"][0]


def test_loan_to_an_unregistered_household_is_rejected(regions):
    h = make_household("4304050142010003", registered=False)
    with pytest.raises(ValidationError) as err:
        loan(h)
    assert "只面向建档立卡贫困户" in err.value.message_dict["household"][0]


def test_category_must_match_the_item(household):
    with pytest.raises(ValidationError) as err:
        measure_create(
            ctx=SYSTEM, household=household, year=2017, data={"item": item("家庭医生签约"), "category": "education"}
        )
    assert "属于“健康”类" in err.value.message_dict["category"][0]


def test_housing_renovation_grades(household):
    with pytest.raises(ValidationError) as err:
        measure_create(
            ctx=SYSTEM,
            household=household,
            year=2017,
            data={"item": item("危房改造"), "grade_before": "B", "amount": Decimal(20000)},
        )
    assert "C 级或 D 级" in err.value.message_dict["grade_before"][0]
    with pytest.raises(ValidationError) as err:
        measure_create(
            ctx=SYSTEM,
            household=household,
            year=2017,
            data={"item": item("危房改造"), "grade_before": "D", "grade_after": "C", "status": "done"},
        )
    assert "A 级或 B 级" in err.value.message_dict["grade_after"][0]
    m = measure_create(
        ctx=SYSTEM,
        household=household,
        year=2017,
        data={
            "item": item("危房改造"),
            "grade_before": "D",
            "grade_after": "A",
            "status": "done",
            "amount": Decimal(35000),
            "ended_on": dt.date(2017, 10, 30),
        },
    )
    assert m.category == "housing"


def test_welfare_post_takes_its_type_from_the_item(household):
    m = measure_create(
        ctx=SYSTEM,
        household=household,
        year=2017,
        data={"item": item("生态护林员"), "months": 12, "monthly_pay": Decimal(800)},
    )
    assert m.post_type == "01"
    with pytest.raises(ValidationError) as err:
        measure_create(ctx=SYSTEM, household=household, year=2017, data={"item": item("保洁员"), "months": 13})
    assert "months" in err.value.message_dict


def test_floor_measure_gets_the_schedule_total(household):
    member_add(
        ctx=SYSTEM, household=household, data=head_data(name="李梅", relation="02", id_number=new_id(female=True))
    )
    m = measure_create(ctx=SYSTEM, household=household, year=2017, data={"item": item("低保")})
    assert m.amount == Decimal("6480.00")  # 270 × 2 persons × 12


def test_beneficiary_must_belong_to_the_household(household, regions):
    other = make_household("4304050142010009")
    with pytest.raises(ValidationError) as err:
        measure_create(
            ctx=SYSTEM,
            household=household,
            year=2017,
            data={"item": item("雨露计划"), "beneficiary": other.members.get()},
        )
    assert "不是户" in err.value.message_dict["beneficiary"][0]


def test_year_out_of_range(household):
    with pytest.raises(ValidationError) as err:
        measure_create(ctx=SYSTEM, household=household, year=2013, data={"item": item("低保")})
    assert "2014" in err.value.message_dict["year"][0]


def test_village_cadre_adds_but_does_not_change(cadre, household):
    m = measure_create(
        ctx=Context(actor=cadre), household=household, year=2017, data={"item": item("家庭医生签约"), "status": "done"}
    )
    assert m.created_by == cadre
    with pytest.raises(ScopeError):
        measure_update(ctx=Context(actor=cadre), measure=m, data={"note": "x"})


def test_other_cadre_cannot_add(other_cadre, household):
    with pytest.raises(ScopeError):
        measure_create(
            ctx=Context(actor=other_cadre), household=household, year=2017, data={"item": item("家庭医生签约")}
        )


def test_update_to_another_item_follows_its_category(reviewer, household):
    m = measure_create(ctx=SYSTEM, household=household, year=2017, data={"item": item("家庭医生签约")})
    m = measure_update(ctx=Context(actor=reviewer), measure=m, data={"item": item("两免一补")})
    assert m.category == "education"


def test_plan_header(household, cadre):
    plan = plan_save(ctx=Context(actor=cadre), household=household, year=2017, data={"goal": "2018 年稳定脱贫"})
    plan = plan_save(ctx=Context(actor=cadre), household=household, year=2017, data={"target_exit_year": 2018})
    assert (plan.goal, plan.target_exit_year) == ("2018 年稳定脱贫", 2018)


# Plan gaps ---------------------------------------------------------------------------


def codes(h, year=2017):
    return [g.code for g in plan_gaps(h, year)]


def test_gaps_for_illness_and_schooling(regions):
    h = make_household("4304050142010011", main_cause="01", other_causes="03")
    assert codes(h) == ["illness", "schooling"]
    measure_create(ctx=SYSTEM, household=h, year=2017, data={"item": item("家庭医生签约")})
    assert codes(h) == ["schooling"]
    measure_create(ctx=SYSTEM, household=h, year=2016, data={"item": item("两免一补")})
    assert codes(h) == ["schooling"]  # a measure of another year does not answer this year


def test_gap_for_a_dangerous_house(regions):
    h = make_household("4304050142010012", main_cause="09")
    household_year_save(ctx=SYSTEM, household=h, year=2017, data={"house_grade": "D", "dangerous_house": True})
    assert codes(h) == ["housing"]
    measure_create(ctx=SYSTEM, household=h, year=2017, data={"item": item("危房改造"), "grade_before": "D"})
    assert codes(h) == []


def test_gap_for_a_compulsory_age_child_out_of_school(regions):
    h = make_household("4304050142010013", main_cause="09")
    member_add(
        ctx=SYSTEM,
        household=h,
        data=head_data(
            name="张娃", relation="03", id_number=new_id(dt.date(2008, 3, 1)), education="02", labour_skill="4"
        ),
    )
    gaps = plan_gaps(h, 2017)
    assert [g.code for g in gaps] == ["dropout"]
    assert "张娃（9 岁）" in gaps[0].message
