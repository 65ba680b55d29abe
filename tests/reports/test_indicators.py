"""Every indicator of the hand-built district (tests/reports/conftest.py) against values
counted by hand, with the edge cases named in the issue."""

from decimal import Decimal

import pytest

from fupin.core.errors import ScopeError
from fupin.reports.selectors.indicators import KEYS, indicators
from tests.conftest import DACHANG, DONGYANGDU, JIEFANG, region

pytestmark = pytest.mark.django_db

EXPECTED_2017 = {
    # H1, H2, H3, H4, H7 (H5 identified 2018, H6 not registered, H8 closed 2016)
    "registered": {"households": 5, "persons": 10},
    "exited": {"households": 2, "persons": 5},  # H1 (2017) and H2 (2015); H7 exits in 2018
    "exited_this_year": {"households": 1, "persons": 3},  # H1
    "stably_exited": {"households": 1, "persons": 2},  # H2: head and the member who died mid-2017
    "not_exited": {"households": 1, "persons": 3},  # H4
    "returned": {"households": 1, "persons": 1},  # H3
    "floor_protection": {"households": 2, "persons": 3},  # H2 (低保) and H3 (特困)
    "students": 2,  # H1's pupil, H4's 中职 student
    "migrant_workers": 1,  # H4's head (省外); the spouse's 其他 is not a work place; H5/H6 do not count
    "public_welfare_posts": {"04": 1},  # H3's head, 保洁员
    "family_doctor_contracts": 4,  # H1's 3 members (household measure) + H4's head (personal); H2's is 2016
    "housing_renovated": 1,  # H3 done in 2017; H1's is in progress, H4's was done in 2016
    "microcredit": {"households": 1, "amount": Decimal("50000.00")},  # H4; H1's loan is of 2016
    "measures": {
        "家庭医生签约": {"households": 2, "persons": 4, "amount": Decimal("0.00")},
        "危房改造": {"households": 2, "persons": 4, "amount": Decimal("35000.00")},
        "低保": {"households": 1, "persons": 2, "amount": Decimal("6480.00")},
        "扶贫小额信贷": {"households": 1, "persons": 3, "amount": Decimal("50000.00")},
    },
    "cadres": 3,  # C1, C2, C3; C4 left in 2016
    "work_teams": 1,  # 大昌村; 解放村's left in 2016, 光辉村's came in 2018
    "linked_units": 2,  # 市扶贫办 (team, C1) and 教育局 (C3); 水利局's team and cadre are gone
    "pairing_coverage": {"households": 5, "paired": 2, "share": 0.4},  # H1, H3 paired at the end of 2017
}


def test_every_indicator_of_the_hand_built_district(district):
    result = indicators(year=2017)
    assert list(result) == list(KEYS)
    assert result == EXPECTED_2017


def test_a_year_later_the_exits_and_members_move(district):
    result = indicators(year=2018)
    # H5 now registered; H2's member who died in 2017 no longer counts, its 2018 newborn does.
    assert result["registered"] == {"households": 6, "persons": 11}
    assert result["exited"] == {"households": 3, "persons": 6}  # H1, H2, H7
    assert result["exited_this_year"] == {"households": 1, "persons": 1}  # H7
    assert result["stably_exited"] == {"households": 2, "persons": 5}  # H1 (3) and H2 (head + newborn)
    assert result["microcredit"] == {"households": 0, "amount": Decimal("0.00")}
    assert result["measures"] == {}
    assert result["pairing_coverage"] == {"households": 6, "paired": 3, "share": 0.5}  # H4 paired in 2018


def test_a_region_narrows_every_figure(district):
    village = indicators(year=2017, region=region(DACHANG))  # H1, H2 (in a group of 大昌村), H7
    assert village["registered"] == {"households": 3, "persons": 6}
    assert village["family_doctor_contracts"] == 3
    assert village["cadres"] == 1  # C1 serves there; C3 serves the township but pairs in 光辉村
    assert village["work_teams"] == 1
    township = indicators(year=2017, region=region(DONGYANGDU))
    assert township["registered"] == {"households": 4, "persons": 7}
    assert township["cadres"] == 2
    jiefang = indicators(year=2017, region=region(JIEFANG))
    assert jiefang["registered"] == {"households": 1, "persons": 3}
    assert jiefang["cadres"] == 1 and jiefang["work_teams"] == 0 and jiefang["linked_units"] == 0


def test_a_user_sees_only_their_scope(district, cadre, other_cadre, leader, analyst):
    assert indicators(year=2017, user=cadre)["registered"] == {"households": 3, "persons": 6}
    assert indicators(year=2017, user=other_cadre)["registered"] == {"households": 1, "persons": 3}
    assert indicators(year=2017, user=leader) == EXPECTED_2017
    assert indicators(year=2017, user=analyst) == EXPECTED_2017
    with pytest.raises(ScopeError):
        indicators(year=2017, user=cadre, region=region(JIEFANG))


def test_the_figures_take_a_handful_of_queries(district, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        indicators(year=2017)
