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


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Chinese: a request answered in English leaves its language active on
    the test's thread (the middleware activates per request, as Django's does), which would leak
    English into the next test's service messages on the same worker."""
    from django.utils import translation

    translation.activate("zh-hans")
    yield
    translation.deactivate()


REGION_FILE = Path(__file__).resolve().parent.parent / "fupin" / "regions" / "data" / "zhuhui.csv"
SYSTEM = Context(actor=None, source=ChangeSource.COMMAND)

DISTRICT, DONGYANGDU, DACHANG, DACHANG_G1, GUANGHUI = (
    "430405",
    "430405014",
    "430405014201",
    "430405014201001",
    "430405014202",
)
LINGHU, JIEFANG = "430405201", "430405201201"


def load_regions() -> None:
    """Load the bundled tree unless it is there already (it is preloaded once per session)."""
    import csv

    if Region.objects.filter(code=DISTRICT).exists():
        return

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


CAST_SINCE = dt.date(2014, 1, 1)


def make_user(username: str, role: str, region_code: str, **kw):
    """The cast member `username`; created on first use (normally once, at session set-up)."""
    from fupin.accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is not None and not kw:
        return user
    user = user or user_create(ctx=SYSTEM, username=username, password="test-pass-123", full_name=username)
    # Valid since 2014 (the first registration year) so that stories may travel back in time.
    role_assign(ctx=SYSTEM, user=user, role_code=role, region=region(region_code), **{"valid_from": CAST_SINCE, **kw})
    return user


CAST_ROLES = {
    "coordinator": (RoleCode.DISTRICT_OFFICE, DISTRICT),
    "reviewer": (RoleCode.TOWNSHIP_REVIEWER, DONGYANGDU),
    "cadre": (RoleCode.VILLAGE_CADRE, DACHANG),
    "other_cadre": (RoleCode.VILLAGE_CADRE, JIEFANG),
    "analyst": (RoleCode.SECTOR, DISTRICT),
    "leader": (RoleCode.LEADER, DISTRICT),
}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the region tree and the cast once per session: every test rolls back to this state,
    so the fixtures below are look-ups. (A transactional test flushes the tables; the fixtures
    then create what they need again.)"""
    with django_db_blocker.unblock():
        load_regions()
        for username, (role, code) in CAST_ROLES.items():
            make_user(username, role, code)


@pytest.fixture
def coordinator(regions):
    return make_user("coordinator", *CAST_ROLES["coordinator"])


@pytest.fixture
def reviewer(regions):
    return make_user("reviewer", *CAST_ROLES["reviewer"])


@pytest.fixture
def cadre(regions):
    return make_user("cadre", *CAST_ROLES["cadre"])


@pytest.fixture
def other_cadre(regions):
    return make_user("other_cadre", *CAST_ROLES["other_cadre"])


@pytest.fixture
def analyst(regions):
    return make_user("analyst", *CAST_ROLES["analyst"])


@pytest.fixture
def leader(regions):
    return make_user("leader", *CAST_ROLES["leader"])


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
    defaults = (
        {"registered": True, "attribute": "1", "main_cause": "01", "identified_year": 2014, "status": "not_exited"}
        if registered
        else {}
    )
    defaults.update(data)
    return household_create(ctx=SYSTEM, code=code, region=region(region_code), data=defaults, head=head or head_data())


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
