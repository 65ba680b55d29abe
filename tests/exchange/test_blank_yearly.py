"""A roster whose yearly cells are blank for a household says nothing about its year
(docs/decisions/0009): re-importing an older roster, or a department's roster without incomes,
leaves the yearly facts the registry holds. A household with any yearly cell filled states its
year, and its blank amounts are zeros as before."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fupin.core.models import ObjectChange
from fupin.registry.models import HouseholdYear
from tests.exchange.helpers import household, pid, run, write_csv

pytestmark = pytest.mark.django_db

BLANK, PARTLY, UNTOUCHED = "430405014201000901", "430405014201000902", "430405014201000903"
INCOME = ("工资性收入", "生产经营性收入", "财产性收入", "转移性收入", "生产经营性支出", "人均纯收入")
YEARLY = (*INCOME, "耕地面积(亩)", "是否危房户")  # every yearly column the files below carry


def year_of(code: str) -> HouseholdYear:
    return HouseholdYear.objects.get(household__code=code, year=2019)


def incomes(code: str) -> tuple:
    y = year_of(code)
    return (
        y.wage_income,
        y.business_income,
        y.property_income,
        y.transfer_income,
        y.production_cost,
        y.net_income,
        y.per_capita_net_income,
        y.arable_land,
        y.dangerous_house,
    )


@pytest.fixture
def loaded(regions, tmp_path):
    """Three households with their 2019 incomes (3000 + 1000 + 0 + 500 − 500), land and house."""
    rows = [
        *household(BLANK, 3, **{"耕地面积(亩)": "2.5", "是否危房户": "否"}),
        *household(PARTLY, 2, **{"耕地面积(亩)": "1.5", "是否危房户": "否"}),
        *household(UNTOUCHED, 1, **{"耕地面积(亩)": "3", "是否危房户": "是"}),
    ]
    assert run(write_csv(tmp_path / "first.csv", rows)).status == "loaded"
    return rows


def blanked(rows: list[dict], code: str, keep: dict[str, str] | None = None) -> None:
    """Empty every yearly cell of household `code`, except those given in `keep`."""
    for r in rows:
        if r["户编号"] == code:
            r.update(dict.fromkeys(YEARLY, ""), **(keep or {}))


def test_a_household_whose_yearly_cells_are_all_blank_keeps_its_year(loaded, tmp_path):
    before = incomes(BLANK)
    assert before[0] == Decimal("3000") and before[5] == Decimal("4000")
    rows = [dict(r) for r in loaded]
    blanked(rows, BLANK)
    result = run(write_csv(tmp_path / "older.csv", rows))
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    assert result.totals()["years"] == {"created": 0, "updated": 0, "unchanged": 3, "ended": 0}
    assert incomes(BLANK) == before
    assert not ObjectChange.objects.filter(batch_id=result.batch_id).exists()


def test_blank_years_are_left_while_the_other_households_are_updated(loaded, tmp_path):
    """One file: a blank household, one whose wage alone is given and one with a new wage."""
    untouched_land = year_of(UNTOUCHED).arable_land
    blank_before = incomes(BLANK)
    rows = [dict(r) for r in loaded]
    blanked(rows, BLANK)
    blanked(rows, PARTLY, keep={"工资性收入": "3000"})  # the same wage; the rest left empty
    for r in rows:
        if r["户编号"] == UNTOUCHED:
            r["工资性收入"] = "4000"
    result = run(write_csv(tmp_path / "mixed.csv", rows))
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    assert result.totals()["years"] == {"created": 0, "updated": 2, "unchanged": 1, "ended": 0}
    assert incomes(BLANK) == blank_before
    partly = year_of(PARTLY)
    # Blank amounts are zeros once the household states its year; blank land and house are unknown.
    assert (partly.wage_income, partly.business_income, partly.transfer_income) == (Decimal("3000"), 0, 0)
    assert (partly.production_cost, partly.net_income, partly.per_capita_net_income) == (0, 3000, 1500)
    assert partly.arable_land is None and partly.dangerous_house is None
    untouched = year_of(UNTOUCHED)
    assert untouched.wage_income == Decimal("4000") and untouched.arable_land == untouched_land
    logged = ObjectChange.objects.filter(batch_id=result.batch_id, content_type__model="householdyear")
    assert sorted(c.object_repr for c in logged) == [f"{PARTLY} 2019", f"{UNTOUCHED} 2019"]
    change = logged.get(related_id=partly.household_id)
    assert change.action == "update"
    assert change.before["business_income"] == "1000.00" and change.after["business_income"] == "0.00"
    assert change.before["production_cost"] == "500.00" and change.after["production_cost"] == "0.00"
    assert change.before["arable_land"] == "1.50" and change.after["arable_land"] is None
    assert "wage_income" not in change.after


def test_one_filled_yes_no_cell_states_the_year(loaded, tmp_path):
    """Any yearly cell counts, not only the amounts: a household that says only 是否危房户
    has stated its year, so its blank incomes are zeros."""
    rows = [dict(r) for r in loaded]
    blanked(rows, BLANK, keep={"是否危房户": "否"})
    result = run(write_csv(tmp_path / "house.csv", rows))
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    assert result.totals()["years"]["updated"] == 1
    year = year_of(BLANK)
    assert (year.wage_income, year.net_income, year.dangerous_house) == (0, 0, False)


def test_a_new_household_with_blank_yearly_cells_gets_a_year_of_zeros(loaded, tmp_path):
    """As before this decision: a household new to the registry gets its yearly fact."""
    new = "430405014201000904"
    rows = [dict(r) for r in loaded] + household(new, 2)
    blanked(rows, new)
    blanked(rows, BLANK)
    result = run(write_csv(tmp_path / "new.csv", rows))
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    assert result.totals()["years"] == {"created": 1, "updated": 0, "unchanged": 3, "ended": 0}
    year = year_of(new)
    assert (year.wage_income, year.production_cost, year.net_income, year.persons) == (0, 0, 0, 2)
    assert year.arable_land is None and year.stated_per_capita is None


def test_a_roster_without_yearly_columns_leaves_every_year_alone(loaded, tmp_path):
    """Absent columns are not blank cells: no yearly fact is compared, changed or created."""
    new = "430405014201000905"
    before = {code: incomes(code) for code in (BLANK, PARTLY, UNTOUCHED)}
    rows = [{k: v for k, v in r.items() if k not in YEARLY} for r in [*loaded, *household(new, 1)]]
    result = run(write_csv(tmp_path / "no_income.csv", rows))
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    assert result.totals()["households"]["created"] == 1
    assert result.totals()["years"] == {"created": 0, "updated": 0, "unchanged": 0, "ended": 0}
    assert {code: incomes(code) for code in before} == before
    assert not HouseholdYear.objects.filter(household__code=new).exists()
    assert not ObjectChange.objects.filter(batch_id=result.batch_id, content_type__model="householdyear").exists()


def test_a_blank_household_that_grows_keeps_its_incomes_and_divides_them_anew(loaded, tmp_path):
    """家庭人口数 is not a yearly cell: a blank household whose size changes keeps the year's
    amounts, takes the new size, and its per-capita income follows (logged as an update)."""
    before = incomes(BLANK)
    rows = [dict(r) for r in loaded]
    born = dict(next(r for r in rows if r["户编号"] == BLANK and r["与户主关系"] == "之子"))
    born.update({"姓名": "王小新", "证件号码": pid(dt.date(2019, 1, 1))})
    rows.append(born)
    for r in rows:
        if r["户编号"] == BLANK:
            r["家庭人口数"] = "4"
    blanked(rows, BLANK)
    result = run(write_csv(tmp_path / "grown.csv", rows))
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    assert result.totals()["years"] == {"created": 0, "updated": 1, "unchanged": 2, "ended": 0}
    year = year_of(BLANK)
    assert incomes(BLANK)[:6] == before[:6] and year.persons == 4
    assert year.per_capita_net_income == Decimal("1000")  # 4,000 ÷ 4
    change = ObjectChange.objects.get(batch_id=result.batch_id, content_type__model="householdyear")
    assert set(change.after) == {"persons", "per_capita_net_income"}
