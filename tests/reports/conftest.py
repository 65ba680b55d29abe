"""Reports fixtures: a small district built by hand through the services, whose every
indicator of 2017 is counted by hand in test_indicators.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache

from fupin.assistance.models import MeasureItem
from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource
from fupin.registry.services import household_close, member_add, member_end
from tests.conftest import DACHANG, DACHANG_G1, DONGYANGDU, GUANGHUI, JIEFANG, SYSTEM, head_data, make_household, new_id
from tests.conftest import region as region_of

D = dt.date


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Aggregates are cached per data version; SQLite reuses ids after a test's rollback, so
    # two tests could otherwise see the same version with different data.
    cache.clear()
    yield
    cache.clear()


def item(name: str) -> MeasureItem:
    return MeasureItem.objects.get(name=name)


def person(name: str, born: D, **kw: Any) -> dict[str, Any]:
    data = {
        "name": name,
        "id_number": new_id(born, female=kw.pop("female", False)),
        "health": "01",
        "labour_skill": "1",
        "education": "03",
    }
    data.update(kw)
    return data


def add(h, data: dict[str, Any], *, relation: str, reason: str = "00", on: D = D(2014, 5, 1)):
    return member_add(ctx=SYSTEM, household=h, data={**data, "relation": relation}, reason=reason, on=on)


@dataclass
class District:
    h: dict[str, Any] = field(default_factory=dict)
    m: dict[str, Any] = field(default_factory=dict)
    cadres: dict[str, Any] = field(default_factory=dict)


def build_district() -> District:
    """Households of 2017 (Y):

    H1 大昌村   exited in 2017 (exited this year); head, spouse, a primary pupil → 3 persons
    H2 大昌村一组 低保, exited 2015 (stably); head, a member who died 30 June 2017 (counts in
               2017), one who left in 2016 (does not), a newborn of 2018 (does not) → 2 persons
    H3 光辉村   特困, exited 2015 and returned 2017; head holding a 保洁员 post → 1 person
    H4 解放村   not exited; head working 省外 (migrant), spouse in 其他 work (not migrant),
               a 中职 student → 3 persons
    H5 解放村   identified in 2018: not yet registered in 2017
    H6 大昌村   never registered (一般农户)
    H7 大昌村   exited in 2018: registered in 2017, but not exited then; head only → 1 person
    H8 大昌村   closed in 2016: gone by 2017
    """
    d = District()
    reg = {"registered": True, "attribute": "1", "main_cause": "01", "identified_year": 2014, "status": "not_exited"}
    d.h["H1"] = make_household(
        "4304050142010001", DACHANG, head=head_data(name="赵一"), **{**reg, "status": "exited", "exit_year": 2017}
    )
    d.m["H1_spouse"] = add(d.h["H1"], person("钱一", D(1972, 3, 1), female=True), relation="02")
    d.m["H1_pupil"] = add(
        d.h["H1"], person("赵小一", D(2008, 2, 1), education="", school_status="03", labour_skill="4"), relation="03"
    )

    d.h["H2"] = make_household(
        "4304050142010002",
        DACHANG_G1,
        head=head_data(name="孙二"),
        **{**reg, "attribute": "2", "status": "exited", "exit_year": 2015},
    )
    d.m["H2_died"] = add(d.h["H2"], person("孙老二", D(1940, 1, 1), labour_skill="4"), relation="11")
    member_end(ctx=SYSTEM, member=d.m["H2_died"], reason="01", on=D(2017, 6, 30))
    d.m["H2_left"] = add(d.h["H2"], person("孙二妹", D(1990, 1, 1), female=True), relation="04")
    member_end(ctx=SYSTEM, member=d.m["H2_left"], reason="02", on=D(2016, 5, 1))
    d.m["H2_newborn"] = add(
        d.h["H2"],
        person("孙小二", D(2018, 2, 1), education="06", labour_skill="4"),
        relation="07",
        reason="06",
        on=D(2018, 3, 1),
    )

    d.h["H3"] = make_household(
        "4304050142020003",
        GUANGHUI,
        head=head_data(name="李三", welfare_post="04"),
        **{**reg, "attribute": "3", "status": "returned", "exit_year": 2015, "return_year": 2017},
    )

    d.h["H4"] = make_household(
        "4304052012010004",
        JIEFANG,
        head=head_data(name="周四", work_status="04", work_months=10),
        **{**reg, "identified_year": 2016},
    )
    d.m["H4_spouse"] = add(
        d.h["H4"], person("吴四", D(1978, 1, 1), female=True, work_status="05", work_months=6), relation="02"
    )
    d.m["H4_student"] = add(
        d.h["H4"], person("周小四", D(2001, 1, 1), education="", school_status="10", labour_skill="4"), relation="03"
    )

    d.h["H5"] = make_household(
        "4304052012010005",
        JIEFANG,
        head=head_data(name="郑五", work_status="04", work_months=8),
        **{**reg, "identified_year": 2018},
    )
    d.h["H6"] = make_household(
        "4304050142010006", DACHANG, registered=False, head=head_data(name="王六", work_status="03", work_months=12)
    )
    d.h["H7"] = make_household(
        "4304050142010007", DACHANG, head=head_data(name="冯七"), **{**reg, "status": "exited", "exit_year": 2018}
    )
    d.h["H8"] = make_household("4304050142010008", DACHANG, head=head_data(name="陈八"), **reg)
    household_close(
        ctx=Context(actor=None, source=ChangeSource.COMMAND, reason="整户迁出，村委会决定"),
        household=d.h["H8"],
        reason="moved_out",
        on=D(2016, 8, 1),
    )
    for key in d.h:
        d.h[key].refresh_from_db()
    return d


def build_assistance(d: District) -> None:
    """Measures, organisation and pairings of the hand-built district (see test_indicators)."""
    from fupin.assistance.models import LinkedUnit
    from fupin.assistance.services import cadre_create, measure_create, pairing_assign, pairing_end, work_team_create
    from fupin.assistance.services.organisation import cadre_end

    def measure(key: str, year: int, name: str, **data: Any):
        return measure_create(ctx=SYSTEM, household=d.h[key], year=year, data={"item": item(name), **data})

    measure("H1", 2017, "家庭医生签约")
    measure("H2", 2016, "家庭医生签约")  # another year
    measure("H4", 2017, "家庭医生签约", beneficiary=d.h["H4"].members.get(relation="01"))
    measure("H2", 2017, "低保", amount=Decimal("6480"))
    measure(
        "H3",
        2017,
        "危房改造",
        amount=Decimal("20000"),
        status="done",
        grade_before="C",
        grade_after="A",
        started_on=D(2017, 3, 1),
        ended_on=D(2017, 10, 1),
    )
    measure("H1", 2017, "危房改造", amount=Decimal("15000"), status="in_progress", grade_before="D")
    measure(
        "H4",
        2016,
        "危房改造",
        amount=Decimal("18000"),
        status="done",
        grade_before="C",
        grade_after="B",
        ended_on=D(2016, 11, 1),
    )
    measure(
        "H4",
        2017,
        "扶贫小额信贷",
        amount=Decimal("50000"),
        term_months=36,
        annual_rate=Decimal("4.75"),
        started_on=D(2017, 4, 1),
    )
    measure(
        "H1",
        2016,
        "扶贫小额信贷",
        amount=Decimal("30000"),
        term_months=24,
        annual_rate=Decimal("4.35"),
        started_on=D(2016, 4, 1),
    )

    u1 = LinkedUnit.objects.create(name="衡阳市扶贫办", affiliation="city")
    u2 = LinkedUnit.objects.create(name="珠晖区水利局", affiliation="county")
    u3 = LinkedUnit.objects.create(name="珠晖区教育局", affiliation="county")
    t1 = work_team_create(
        ctx=SYSTEM, region=region_of(DACHANG), data={"name": "大昌村工作队", "unit": u1, "started_on": D(2016, 3, 1)}
    )
    work_team_create(
        ctx=SYSTEM,
        region=region_of(JIEFANG),
        data={"name": "解放村工作队", "unit": u2, "started_on": D(2015, 3, 1), "ended_on": D(2016, 12, 31)},
    )
    work_team_create(
        ctx=SYSTEM, region=region_of(GUANGHUI), data={"name": "光辉村工作队", "unit": u1, "started_on": D(2018, 3, 1)}
    )
    c = d.cadres
    c["C1"] = cadre_create(
        ctx=SYSTEM, region=region_of(DACHANG), data={"name": "干部一", "phone": "13800000001", "unit": u1, "team": t1}
    )
    c["C2"] = cadre_create(
        ctx=SYSTEM,
        region=region_of(JIEFANG),
        data={"name": "干部二", "phone": "13800000002", "employer": "珠晖区农业局"},
    )
    c["C3"] = cadre_create(
        ctx=SYSTEM, region=region_of(DONGYANGDU), data={"name": "干部三", "phone": "13800000003", "unit": u3}
    )
    c["C4"] = cadre_create(
        ctx=SYSTEM, region=region_of(DACHANG), data={"name": "干部四", "phone": "13800000004", "unit": u2}
    )
    cadre_end(ctx=SYSTEM, cadre=c["C4"], on=D(2016, 6, 30), reason="调离")
    pairing_assign(ctx=SYSTEM, household=d.h["H1"], cadre=c["C1"], started_on=D(2017, 1, 1))
    p = pairing_assign(ctx=SYSTEM, household=d.h["H2"], cadre=c["C1"], started_on=D(2016, 5, 1))
    pairing_end(ctx=SYSTEM, pairing=p, ended_on=D(2017, 6, 30), reason="调整")
    pairing_assign(ctx=SYSTEM, household=d.h["H3"], cadre=c["C3"], started_on=D(2017, 2, 1))
    pairing_assign(ctx=SYSTEM, household=d.h["H4"], cadre=c["C2"], started_on=D(2018, 1, 10))


@pytest.fixture
def district(regions) -> District:
    d = build_district()
    build_assistance(d)
    return d


@pytest.fixture
def world(regions, coordinator, reviewer, cadre, other_cadre, analyst, leader):
    """The matrix world, with a district audit run (so that the audit pages have a run)."""
    from fupin.reports.services.audit import audit_run
    from tests.conftest import DISTRICT
    from tests.matrix import World

    w = World(dachang=make_household("4304050142010099"), jiefang=make_household("4304052012010099", JIEFANG))
    w.extra["run"] = audit_run(ctx=SYSTEM, region=region_of(DISTRICT), year=2017)
    return w
