"""Demo phase of the monitoring area (called by fupin.demo.generator after the registry load).

Gives every village a rural registered population (so that the incidence page has figures:
some villages below 2%, some above), turns a few exited and ordinary households into
monitoring objects with one to three risks (some already eliminated, never the ones without
labour), and leaves open alerts from every channel at different ages, some past the policy's
procedure limit. Written with bulk_create; each record gets its change-log row. Household ids
are read `chunk` at a time (never all in one query), and the data does not depend on the chunk
size.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from fupin.core.changelog import change_row
from fupin.core.choices import ChangeAction
from fupin.core.models import ObjectChange
from fupin.monitoring.choices import (
    AlertSource,
    DisasterKind,
    EliminationMethod,
    ObjectEventKind,
    ObjectStatus,
    ObjectType,
    ProcedureStep,
    RiskKind,
)
from fupin.monitoring.models import Alert, MonitoringObject, ObjectEvent, Risk
from fupin.monitoring.policy import monitoring_policies_for_regions
from fupin.monitoring.rules import LABOUR_CODES, add_months
from fupin.monitoring.services.common import snap
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.registry.choices import PovertyStatus
from fupin.registry.models import Household, Member

OBJECT_SHARE = 0.04  # of exited and ordinary households
ALERT_SHARE = 0.015
RISKS = [
    RiskKind.ILLNESS,
    RiskKind.ILLNESS,
    RiskKind.DISABILITY,
    RiskKind.SCHOOLING,
    RiskKind.DISASTER,
    RiskKind.ACCIDENT,
    RiskKind.EMPLOYMENT,
    RiskKind.INDUSTRY,
    RiskKind.HOUSING,
    RiskKind.LABOUR,
]
# Household ids per query: well below SQLite's limit on the variables of one statement.
CHUNK = 2000
# The procedure limit for a region no policy version covers (domain.md §4: ≤ 15 days).
DEFAULT_DAYS = 15
DESCRIPTIONS = [
    "户主突发疾病住院，自付费用较高",
    "暴雨致房屋受损",
    "家中主要劳动力务工受伤",
    "养殖的生猪因病死亡，亏损较大",
    "子女上大学，开支增加",
    "务工企业停产，收入减少",
]


def _log(ctx: Any, objs: list[Any], related: dict[int, Household] | None = None) -> None:
    rows = [
        change_row(
            ctx.change,
            obj=o,
            action=ChangeAction.CREATE,
            before=None,
            after=snap(o),
            related=(related or {}).get(getattr(o, "household_id", None) or 0),
        )
        for o in objs
    ]
    ObjectChange.objects.bulk_create(rows, batch_size=1000)


def _populations(rng: random.Random) -> int:
    """Each village's rural population: its registry persons times a plausible factor."""
    villages = list(Region.objects.filter(level=RegionLevel.VILLAGE))
    persons = dict(
        Member.objects.filter(ended_on__isnull=True)
        .values("household__region__path")
        .annotate(n=Count("id"))
        .values_list("household__region__path", "n")
    )
    changed = []
    for v in villages:
        total = sum(n for path, n in persons.items() if path.startswith(v.path))
        if not total:
            continue
        # The registry holds the poor and some ordinary households; the village has more.
        v.rural_population = max(total, round(total * rng.uniform(2.5, 9.0)))
        changed.append(v)
    Region.objects.bulk_update(changed, ["rural_population"])
    return len(changed)


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _candidates(ids: list[int], chunk: int) -> list[tuple[int, bool, bool]]:
    """(pk, registered, has labour) of the open exited and ordinary households among `ids`,
    in id order; only these small tuples are held for the whole district."""
    labour = Exists(
        Member.objects.filter(household=OuterRef("pk"), ended_on__isnull=True, labour_skill__in=LABOUR_CODES)
    )
    rows: list[tuple[int, bool, bool]] = []
    for part in _chunks(ids, chunk):
        rows.extend(
            Household.objects.filter(pk__in=part, closed_on__isnull=True)
            .filter(Q(registered=False) | Q(status=PovertyStatus.EXITED))
            .annotate(labour=labour)
            .order_by("pk")
            .values_list("pk", "registered", "labour")
        )
    return rows


def _households(pks: list[int], chunk: int) -> dict[int, Household]:
    found: dict[int, Household] = {}
    for part in _chunks(sorted(pks), chunk):
        found.update(Household.objects.select_related("region").in_bulk(part))
    return found


def populate(*, rng: random.Random, year: int, ctx: Any, chunk: int | None = None) -> dict[str, int]:
    """Households are read `chunk` ids at a time (CHUNK by default): a district of 300,000
    households never puts more than that many ids into one query."""
    chunk = chunk or CHUNK
    villages = _populations(rng)
    pool = _candidates(sorted(set(ctx.household_ids)), chunk)
    if not pool:
        return {"villages": villages}
    rng.shuffle(pool)
    without_labour = {pk for pk, _registered, labour in pool if not labour}
    n_objects = max(1, round(len(pool) * OBJECT_SHARE))
    n_alerts = max(1, round(len(pool) * ALERT_SHARE))
    by_pk = _households([pk for pk, _r, _l in pool[: n_objects + n_alerts]], chunk)
    chosen = [by_pk[pk] for pk, _r, _l in pool[:n_objects]]
    alerted = [by_pk[pk] for pk, _r, _l in pool[n_objects : n_objects + n_alerts]]
    today = timezone.localdate()
    start = min(dt.date(year, 3, 1), today)
    objects, risks, events = [], [], []
    for h in chosen:
        on = start + dt.timedelta(days=rng.randint(0, 150))
        kind = (
            (ObjectType.UNSTABLE if h.registered else ObjectType.MARGINAL) if rng.random() < 0.85 else ObjectType.SUDDEN
        )
        o = MonitoringObject(household=h, object_type=kind, year=on.year, identified_on=on)
        six_months = add_months(on, 6)
        if h.pk not in without_labour and rng.random() < 0.3 and six_months <= today:
            o.status, o.eliminated_on = ObjectStatus.ELIMINATED, min(six_months + dt.timedelta(days=20), today)
            o.elimination_method = EliminationMethod.ASSISTED if rng.random() < 0.7 else EliminationMethod.NATURAL
        objects.append(o)
    MonitoringObject.objects.bulk_create(objects, batch_size=500)
    for o in objects:
        kinds = list(dict.fromkeys(rng.sample(RISKS, rng.randint(1, 3))))
        if o.household_id in without_labour and RiskKind.LABOUR not in kinds:
            kinds.append(RiskKind.LABOUR)
        for k in kinds[:5]:
            risks.append(
                Risk(
                    monitoring_object=o,
                    kind=k,
                    added_on=o.identified_on,
                    disaster_kind=rng.choice(list(DisasterKind)) if k == RiskKind.DISASTER else "",
                )
            )
        events.append(
            ObjectEvent(monitoring_object=o, kind=ObjectEventKind.IDENTIFIED, on=o.identified_on, actor_name="演示数据")
        )
        if o.status == ObjectStatus.ELIMINATED and o.eliminated_on is not None:
            events.append(
                ObjectEvent(
                    monitoring_object=o,
                    kind=ObjectEventKind.ELIMINATION_APPROVED,
                    on=o.eliminated_on,
                    actor_name="演示数据",
                    data={"method": o.elimination_method},
                )
            )
    Risk.objects.bulk_create(risks, batch_size=1000)
    ObjectEvent.objects.bulk_create(events, batch_size=1000)
    _log(ctx, objects, by_pk)
    alerts = []
    sources = [AlertSource.CADRE, AlertSource.SELF_REPORT, AlertSource.DEPARTMENT, AlertSource.INCOME_DROP]
    order = [s.value for s in ProcedureStep]
    regions = {h.region for h in alerted}
    # Ages reach back 24 days, so a clue may fall in last year's policy.
    limits = {y: _procedure_days(regions, y) for y in {today.year, (today - dt.timedelta(days=24)).year}}
    created_on: list[dt.date] = []
    for h in alerted:
        age = rng.randint(0, 24)
        created = today - dt.timedelta(days=age)
        step = order[min(len(order) - 1, rng.randint(0, min(6, age // 2)))]
        alerts.append(
            Alert(
                region_id=h.region_id,
                household=h,
                source=rng.choice(sources),
                description=rng.choice(DESCRIPTIONS),
                deadline=created + dt.timedelta(days=limits[created.year][h.region_id]),
                next_step=step,
                risk_hint=rng.choice(RISKS),
            )
        )
        created_on.append(created)
    Alert.objects.bulk_create(alerts, batch_size=500)
    # Ages vary: `created` is set after the insert (auto_now_add stamps them all now), one
    # update per distinct day and chunk of ids.
    by_day: dict[dt.date, list[int]] = {}
    for a, day in zip(alerts, created_on, strict=True):
        by_day.setdefault(day, []).append(a.pk)
    for day, pks in by_day.items():
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
        for part in _chunks(pks, chunk):
            Alert.objects.filter(pk__in=part).update(created=moment)
    _log(ctx, alerts, by_pk)
    return {
        "villages": villages,
        "objects": len(objects),
        "risks": len(risks),
        "alerts": len(alerts),
        "eliminated": sum(1 for o in objects if o.status == ObjectStatus.ELIMINATED),
    }


def _procedure_days(regions: set[Region], year: int) -> dict[int, int]:
    """region pk → the procedure limit of its monitoring policy in `year`, resolved once per region."""
    chosen = monitoring_policies_for_regions(regions=regions, year=year)
    return {pk: (p.procedure_days if p is not None else DEFAULT_DAYS) for pk, p in chosen.items()}
