"""The 兜底 schedule and the microcredit interest subsidy, against hand-worked examples."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from fupin.assistance.policy import floor_schedule, microcredit_interest_subsidy
from fupin.core.errors import ApplicationError
from fupin.registry.services import member_add, member_end
from tests.conftest import SYSTEM, head_data, make_household, new_id


def test_interest_subsidy_full_three_years():
    # 50,000 × 4.75 % × 3 years = 7,125.00
    assert microcredit_interest_subsidy(Decimal(50000), Decimal("4.75"), 36) == Decimal("7125.00")


def test_interest_subsidy_one_year_and_part_year():
    # 30,000 × 4.35 % × 1 = 1,305.00; 20,000 × 4.35 % × 6/12 = 435.00
    assert microcredit_interest_subsidy(Decimal(30000), Decimal("4.35"), 12) == Decimal("1305.00")
    assert microcredit_interest_subsidy(Decimal(20000), Decimal("4.35"), 6) == Decimal("435.00")


def test_interest_subsidy_partial_share_rounds_to_fen():
    # 10,000 × 4.35 % × 7/12 = 253.75; 70 % of it = 177.625 → 177.63
    assert microcredit_interest_subsidy(Decimal(10000), Decimal("4.35"), 7, share=Decimal("0.70")) == Decimal("177.63")


def test_interest_subsidy_rejects_negative_input():
    with pytest.raises(ValueError):
        microcredit_interest_subsidy(Decimal(-1), Decimal("4.35"), 12)


def _three_person_household():
    h = make_household("4304050142010101", attribute="2")
    member_add(ctx=SYSTEM, household=h, data=head_data(name="李梅", relation="02", id_number=new_id(female=True)))
    member_add(ctx=SYSTEM, household=h, data=head_data(name="张小", relation="03"))
    return h


def test_floor_schedule_three_persons_2017(regions):
    h = _three_person_household()
    schedule = floor_schedule(h, 2017)
    # 270 yuan × 3 persons = 810 a month; × 12 = 9,720 a year.
    assert schedule.standard == Decimal("270")
    assert [p.amount for p in schedule.payments] == [Decimal("810.00")] * 12
    assert schedule.total == Decimal("9720.00")


def test_floor_schedule_uses_the_years_standard(regions):
    h = _three_person_household()
    # 2016: 242 × 3 = 726 a month, 8,712 a year.
    assert floor_schedule(h, 2016).total == Decimal("8712.00")


def test_floor_schedule_follows_members_joining_and_leaving(regions):
    with time_machine.travel(dt.date(2017, 1, 2), tick=False):
        h = _three_person_household()
    baby = member_add(
        ctx=SYSTEM,
        household=h,
        data=head_data(
            name="张宝", relation="07", id_number=new_id(dt.date(2017, 3, 15)), education="06", labour_skill="4"
        ),
        reason="06",
        on=dt.date(2017, 3, 15),
    )
    spouse = h.members.get(relation="02")
    member_end(ctx=SYSTEM, member=spouse, reason="01", on=dt.date(2017, 10, 20))
    amounts = [p.amount for p in floor_schedule(h, 2017).payments]
    # Jan–Mar: 3 persons (the baby counts from April); Apr–Oct: 4 (the spouse counts in
    # October, the month she died); Nov–Dec: 3.
    assert amounts == [Decimal(810)] * 3 + [Decimal(1080)] * 7 + [Decimal(810)] * 2
    assert baby.pk


def test_floor_schedule_without_a_standard_says_so(regions):
    h = _three_person_household()
    with pytest.raises(ApplicationError, match="兜底标准"):
        floor_schedule(h, 2015)
