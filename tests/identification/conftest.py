"""Extra cast for identification stories: a second person at the village and the township,
because the one who proposes may not decide (maker ≠ checker)."""

from decimal import Decimal

import pytest

from fupin.accounts.choices import RoleCode
from fupin.registry.services import household_year_save
from tests.conftest import DACHANG, DONGYANGDU, SYSTEM, head_data, make_household, make_user


@pytest.fixture
def second_cadre(regions):
    return make_user("cadre2", RoleCode.VILLAGE_CADRE, DACHANG)


@pytest.fixture
def second_reviewer(regions):
    return make_user("reviewer2", RoleCode.TOWNSHIP_REVIEWER, DONGYANGDU)


def poor_household(
    code: str = "4304050142010501", *, registered: bool = False, income: str = "2950", year: int = 2017, **kw
):
    """A household in 大昌村 with 2017 facts: one insured person, `income` yuan per capita, a safe
    house (B) and safe water."""
    kw.setdefault("head", head_data(ins_medical=True, ins_serious_illness=True))
    h = make_household(code, registered=registered, **kw)
    household_year_save(
        ctx=SYSTEM,
        household=h,
        year=year,
        data={
            "wage_income": Decimal(income),
            "house_grade": "B",
            "water_safe": True,
        },
    )
    return h
