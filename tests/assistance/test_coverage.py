"""Coverage (结对帮扶全覆盖) and workload numbers against a hand-built village."""

import datetime as dt

from fupin.assistance.selectors.coverage import cadre_workload, pairing_coverage, unpaired_households
from fupin.assistance.services import pairing_assign, pairing_end
from fupin.core.changelog import Context
from fupin.registry.services import household_close
from tests.assistance.conftest import make_cadre
from tests.conftest import DACHANG_G1, GUANGHUI, JIEFANG, SYSTEM, make_household


def _district():
    """大昌村: 4 registered households (one in group 1) and one that is not registered and one
    closed; 2 paired, 1 whose pairing ended, 1 never paired. 光辉村: 1 registered, paired.
    解放村: 1 registered, not paired."""
    a, b = make_cadre("甲"), make_cadre("乙", GUANGHUI)
    d1, d2, d3 = (make_household(f"430405014201{n:04d}") for n in (1, 2, 3))
    d4 = make_household("4304050142010004", DACHANG_G1)
    make_household("4304050142010005", registered=False)
    closed = make_household("4304050142010006")
    household_close(ctx=Context(actor=None, reason="整户死亡"), household=closed, reason="deceased")
    g1 = make_household("4304050142020001", GUANGHUI)
    j1 = make_household("4304052012010001", JIEFANG)
    pairing_assign(ctx=SYSTEM, household=d1, cadre=a, started_on=dt.date(2017, 1, 1))
    pairing_assign(ctx=SYSTEM, household=d4, cadre=a, started_on=dt.date(2017, 1, 1))
    p = pairing_assign(ctx=SYSTEM, household=d3, cadre=b, started_on=dt.date(2016, 1, 1))
    pairing_end(ctx=SYSTEM, pairing=p, ended_on=dt.date(2017, 6, 30), reason="调离")
    pairing_assign(ctx=SYSTEM, household=g1, cadre=b, started_on=dt.date(2017, 1, 1))
    return {"d1": d1, "d2": d2, "d3": d3, "d4": d4, "g1": g1, "j1": j1, "a": a, "b": b}


def test_coverage_by_township_and_village(coordinator):
    _district()
    cov = pairing_coverage(user=coordinator, on=dt.date(2017, 12, 31))
    assert (cov.total, cov.paired, cov.unpaired) == (6, 3, 3)
    assert cov.percent == 50.0
    by_name = {t.region.name: t for t in cov.townships}
    dyd = by_name["东阳渡街道"]
    assert (dyd.total, dyd.paired) == (5, 3)
    villages = {v.region.name: (v.total, v.paired) for v in dyd.children}
    # The group-1 household counts in 大昌村.
    assert villages == {"大昌村": (4, 2), "光辉村": (1, 1)}
    assert (by_name["酃湖乡"].total, by_name["酃湖乡"].paired) == (1, 0)


def test_coverage_at_an_earlier_date_counts_the_ended_pairing(coordinator):
    _district()
    cov = pairing_coverage(user=coordinator, on=dt.date(2017, 3, 1))
    assert (cov.total, cov.paired) == (6, 4)


def test_coverage_is_scoped(reviewer, cadre):
    _district()
    assert (pairing_coverage(user=reviewer, on=dt.date(2017, 12, 31)).total) == 5
    mine = pairing_coverage(user=cadre, on=dt.date(2017, 12, 31))
    assert (mine.total, mine.paired) == (4, 2)


def test_unpaired_list(coordinator):
    w = _district()
    codes = set(unpaired_households(user=coordinator, on=dt.date(2017, 12, 31)).values_list("code", flat=True))
    assert codes == {w["d2"].code, w["d3"].code, w["j1"].code}


def test_workload(coordinator):
    _district()
    cadres, limit = cadre_workload(user=coordinator, year=2017)
    assert limit == 5
    assert [(c.name, c.held) for c in cadres] == [("甲", 2), ("乙", 1)]
