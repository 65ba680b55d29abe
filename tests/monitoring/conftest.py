"""Monitoring fixtures: households with yearly facts, lists written to disk, and helpers that
walk an alert through its procedure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from fupin.assistance.models import MeasureItem
from fupin.assistance.services import measure_create
from fupin.registry.services import household_year_save
from tests.conftest import DACHANG, SYSTEM, head_data, make_household, new_id, region

SAFE = {"house_grade": "A", "water_safe": True}
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    """A moment in the deployment's time zone (dates in the app are Asia/Shanghai dates)."""
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The public form's rate limit counts in the cache: every story starts with none.
    from django.core.cache import cache

    cache.clear()


def facts(
    household, year: int, *, wage: int | str = 0, transfer: int | str = 0, cost: int | str = 0, oop=None, **conditions
):
    """Yearly facts of `household` (its per-capita income is computed from the members)."""
    data = {
        "wage_income": Decimal(str(wage)),
        "transfer_income": Decimal(str(transfer)),
        "production_cost": Decimal(str(cost)),
        **conditions,
    }
    if oop is not None:
        data["compliant_out_of_pocket"] = Decimal(str(oop))
    return household_year_save(ctx=SYSTEM, household=household, year=year, data=data)


def exited_household(code: str, region_code: str = DACHANG, *, exit_year: int = 2016, head: dict | None = None, **kw):
    return make_household(code, region_code, status="exited", exit_year=exit_year, head=head, **kw)


def ordinary_household(code: str, region_code: str = DACHANG, *, head: dict | None = None, **kw):
    return make_household(code, region_code, registered=False, head=head, **kw)


def member(household, *, born=dt.date(1980, 1, 1), **kw):
    from fupin.registry.services import member_add

    data = {
        "name": kw.pop("name", "成员"),
        "id_number": new_id(born),
        "relation": kw.pop("relation", "03"),
        "education": "03",
        "health": "01",
        "labour_skill": "1",
        **kw,
    }
    return member_add(ctx=SYSTEM, household=household, data=data, reason="07")


def add_measure(household, category: str, name: str, *, year: int = 2021, status: str = "in_progress"):
    item = MeasureItem.objects.get(category=category, name=name)
    return measure_create(ctx=SYSTEM, household=household, year=year, data={"item": item, "status": status})


def write_csv(
    path: Path, header: list[str], rows: list[list[object]], *, encoding: str = "utf-8", title: str | None = None
) -> Path:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if title:
        writer.writerow([title])
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def no_labour_head(**kw) -> dict:
    return head_data(labour_skill="4", **kw)


VILLAGE_STEPS = ("verification", "consent", "comparison", "appraisal")


def walk_to_decision(
    alert,
    *,
    village_user,
    township_user,
    county_user,
    traveller,
    object_type="unstable",
    risks=None,
    start: dt.date | None = None,
):
    """Drive an alert through the whole §4 procedure: village steps on day 1, a 5-day notice
    from day 1, township review on day 6, county decision on day 7."""
    from fupin.core.changelog import Context
    from fupin.monitoring.services.procedure import alert_step

    start = start or timezone.localtime(alert.created).date()
    for step in VILLAGE_STEPS:
        extra = {"votes_for": 15, "votes_against": 1} if step == "appraisal" else {}
        alert = alert_step(ctx=Context(actor=village_user), alert=alert, step=step, decision="pass", on=start, **extra)
    alert = alert_step(
        ctx=Context(actor=village_user),
        alert=alert,
        step="notice",
        decision="pass",
        on=start,
        notice_starts=start,
        notice_ends=start + dt.timedelta(days=4),
    )
    traveller.move_to(dt.datetime.combine(start + dt.timedelta(days=5), dt.time(9), SHANGHAI))
    alert = alert_step(ctx=Context(actor=township_user), alert=alert, step="township", decision="pass")
    traveller.move_to(dt.datetime.combine(start + dt.timedelta(days=6), dt.time(9), SHANGHAI))
    return alert_step(
        ctx=Context(actor=county_user),
        alert=alert,
        step="county",
        decision="pass",
        object_type=object_type,
        risks=risks if risks is not None else [{"kind": "01"}],
    )


@pytest.fixture
def decided(cadre, reviewer, coordinator):
    """decided(household, description, traveller=…, **walk): the cadre reports a risk and the
    alert is walked through to the county decision."""
    from fupin.core.changelog import Context
    from fupin.monitoring.services.alerts import alert_report

    def decide(household, description: str, *, traveller, **kw):
        alert = alert_report(ctx=Context(actor=cadre), household=household, source="cadre", description=description)
        return walk_to_decision(
            alert, village_user=cadre, township_user=reviewer, county_user=coordinator, traveller=traveller, **kw
        )

    return decide


@pytest.fixture
def june_2021(regions):
    with time_machine.travel(at(2021, 6, 1), tick=False) as t:
        yield t


POLICY_FIELDS = (
    "medical_oop_amount",
    "medical_oop_share",
    "income_drop_share",
    "notice_min_days",
    "elimination_min_months",
    "exit_notice_days",
    "village_exit_incidence",
)


def policy_limit(user, code: str, days: int, *, year_from: int = 2021, note: str = "时限试点"):
    """A new monitoring policy version for region `code` with another procedure limit, the
    other values copied from the seeded national one."""
    from fupin.core.changelog import Context
    from fupin.monitoring.models import MonitoringPolicy
    from fupin.monitoring.services.policy import monitoring_policy_create

    old = MonitoringPolicy.objects.current().filter(region__isnull=True).first() or MonitoringPolicy.objects.first()
    data = {f: getattr(old, f) for f in POLICY_FIELDS}
    return monitoring_policy_create(
        ctx=Context(actor=user),
        region=region(code),
        data={**data, "year_from": year_from, "procedure_days": days, "note": note},
    )
