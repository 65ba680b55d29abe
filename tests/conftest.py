"""The fixed cast of every story (STYLE.md) and the demo region tree.

- `coordinator`: the district office (区扶贫办) on 珠晖区
- `reviewer`: a township reviewer on 东阳渡街道
- `cadre`: a village cadre on 大昌村 (东阳渡街道)
- `other_cadre`: a village cadre of another township, on 解放村 (酃湖乡)
- `analyst`: a read-only sector department analyst on 珠晖区
- `leader`: a leader on 珠晖区 (read-only, dashboards)
- `anonymous`: nobody logged in
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from fupin.accounts.choices import RoleCode
from fupin.accounts.services.users import role_assign, user_create
from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource
from fupin.regions.models import Region
from fupin.regions.services import RegionRow, regions_import
from fupin.registry.services import household_create
from fupin.utils import idno

# Two shared cores under load: no per-example deadlines (they measure the machine, not the code).
settings.register_profile("fupin", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("fupin")

REGION_FILE = Path(__file__).resolve().parent.parent / "fupin" / "regions" / "data" / "zhuhui.csv"
SYSTEM = Context(actor=None, source=ChangeSource.COMMAND)

DISTRICT, DONGYANGDU, DACHANG, DACHANG_G1, GUANGHUI = "430405", "430405014", "430405014201", "430405014201001", "430405014202"
LINGHU, JIEFANG = "430405201", "430405201201"


def load_regions() -> None:
    import csv

    with REGION_FILE.open(encoding="utf-8") as fh:
        rows = [
            RegionRow(line=i, code=r["代码"], name=r["名称"], parent_code=r["上级代码"], verified=r["已核实"] == "1")
            for i, r in enumerate(csv.DictReader(fh), start=2)
        ]
    result = regions_import(rows=rows, ctx=SYSTEM)
    assert not result.errors, result.errors


@pytest.fixture
def regions(db):
    load_regions()
    return {r.code: r for r in Region.objects.all()}


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def make_user(username: str, role: str, region_code: str, **kw):
    user = user_create(ctx=SYSTEM, username=username, password="test-pass-123", full_name=username)
    role_assign(ctx=SYSTEM, user=user, role_code=role, region=region(region_code), **kw)
    return user


@pytest.fixture
def coordinator(regions):
    return make_user("coordinator", RoleCode.DISTRICT_OFFICE, DISTRICT)


@pytest.fixture
def reviewer(regions):
    return make_user("reviewer", RoleCode.TOWNSHIP_REVIEWER, DONGYANGDU)


@pytest.fixture
def cadre(regions):
    return make_user("cadre", RoleCode.VILLAGE_CADRE, DACHANG)


@pytest.fixture
def other_cadre(regions):
    return make_user("other_cadre", RoleCode.VILLAGE_CADRE, JIEFANG)


@pytest.fixture
def analyst(regions):
    return make_user("analyst", RoleCode.SECTOR, DISTRICT)


@pytest.fixture
def leader(regions):
    return make_user("leader", RoleCode.LEADER, DISTRICT)


@pytest.fixture
def anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


_seq = iter(range(1, 10**6))


def new_id(born: dt.date = dt.date(1970, 1, 1), *, female: bool = False) -> str:
    """A fresh valid ID number (Zhuhui area code) for each call."""
    n = next(_seq)
    seq = (n * 2) % 1000 if female else (n * 2 + 1) % 1000
    born = born + dt.timedelta(days=n // 500)
    return idno.make("430405", born, seq)


def head_data(**kw) -> dict:
    data = {
        "name": "张三",
        "id_number": new_id(),
        "education": "03",
        "health": "01",
        "labour_skill": "1",
    }
    data.update(kw)
    return data


def make_household(code: str, region_code: str = DACHANG, *, registered: bool = True, head: dict | None = None, **data):
    defaults = {"registered": True, "attribute": "1", "main_cause": "01", "identified_year": 2014,
                "status": "not_exited"} if registered else {}
    defaults.update(data)
    return household_create(ctx=SYSTEM, code=code, region=region(region_code), data=defaults,
                            head=head or head_data())


@pytest.fixture
def dachang_household(regions):
    return make_household("4304050142010001")


@pytest.fixture
def jiefang_household(regions):
    return make_household("4304052012010001", JIEFANG, head=head_data(name="李四"))


@pytest.fixture
def world(regions, coordinator, reviewer, cadre, other_cadre, analyst, leader):
    from tests.matrix import World

    return World(dachang=make_household("4304050142010099"), jiefang=make_household("4304052012010099", JIEFANG))
