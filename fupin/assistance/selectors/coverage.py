"""Pairing coverage (结对帮扶全覆盖) and cadre workload, aggregated in SQL.

Counts are grouped by the households' region in one query; the few hundred regions are then
rolled up to village and township in Python, whatever the number of households.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from fupin.assistance.models import Cadre, Pairing
from fupin.assistance.policy import workload_policy
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.registry.models import Household

SCOPE = "assistance.view_pairing"


def active_on_q(on: dt.date, prefix: str = "") -> Q:
    """A pairing active on `on`: started by then (or undated) and not ended by then."""
    return (Q(**{f"{prefix}started_on__isnull": True}) | Q(**{f"{prefix}started_on__lte": on})) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": on})
    )


def covered_households(*, user: Any) -> QuerySet[Household]:
    """The households coverage is about: registered (建档立卡, exited ones included — 脱贫不脱帮扶)
    and not closed, within the user's scope."""
    return Household.objects.for_user(user, SCOPE).registered().open()


def with_active_cadre(qs: QuerySet[Household], on: dt.date) -> QuerySet[Household]:
    return qs.annotate(has_cadre=Exists(Pairing.objects.filter(active_on_q(on), household=OuterRef("pk"))))


@dataclass
class CoverageRow:
    region: Region
    total: int = 0
    paired: int = 0
    children: list[CoverageRow] = field(default_factory=list)

    @property
    def unpaired(self) -> int:
        return self.total - self.paired

    @property
    def percent(self) -> float:
        return round(100.0 * self.paired / self.total, 1) if self.total else 100.0


@dataclass
class Coverage:
    on: dt.date
    total: int
    paired: int
    townships: list[CoverageRow]

    @property
    def unpaired(self) -> int:
        return self.total - self.paired

    @property
    def percent(self) -> float:
        return round(100.0 * self.paired / self.total, 1) if self.total else 100.0


def _ancestor_at(region: Region, level: int, by_path: dict[str, Region]) -> Region | None:
    depth = level - region.level
    if depth > 0:
        return None
    return by_path.get(region.path[: len(region.path) + depth * Region.steplen])


def pairing_coverage(*, user: Any, on: dt.date | None = None, within: Region | None = None) -> Coverage:
    """Registered households with and without an active responsible cadre on `on`, by
    township and village (two queries, whatever the number of households)."""
    on = on or timezone.localdate()
    qs = covered_households(user=user)
    if within is not None:
        qs = qs.filter(region__path__startswith=within.path)
    rows = list(
        with_active_cadre(qs, on)
        .order_by()
        .values("region_id")
        .annotate(total=Count("pk"), paired=Count("pk", filter=Q(has_cadre=True)))
    )
    regions = {r.pk: r for r in Region.objects.filter(pk__in=[row["region_id"] for row in rows])}
    prefixes = {r.path[:i] for r in regions.values() for i in range(Region.steplen, len(r.path) + 1, Region.steplen)}
    by_path = {r.path: r for r in Region.objects.filter(path__in=prefixes)}
    villages: dict[int, CoverageRow] = {}
    townships: dict[int, CoverageRow] = {}
    for row in rows:
        region = regions[row["region_id"]]
        village = _ancestor_at(region, RegionLevel.VILLAGE, by_path) or region
        township = _ancestor_at(region, RegionLevel.TOWNSHIP, by_path) or village
        t = townships.setdefault(township.pk, CoverageRow(region=township))
        v = villages.get(village.pk)
        if v is None:
            v = villages[village.pk] = CoverageRow(region=village)
            t.children.append(v)
        for target in (v, t):
            target.total += row["total"]
            target.paired += row["paired"]
    ordered = sorted(townships.values(), key=lambda r: r.region.code)
    for t in ordered:
        t.children.sort(key=lambda r: r.region.code)
    return Coverage(
        on=on, total=sum(t.total for t in ordered), paired=sum(t.paired for t in ordered), townships=ordered
    )


def unpaired_households(*, user: Any, on: dt.date | None = None, within: Region | None = None) -> QuerySet[Household]:
    on = on or timezone.localdate()
    qs = covered_households(user=user)
    if within is not None:
        qs = qs.filter(region__path__startswith=within.path)
    unpaired = with_active_cadre(qs, on).filter(has_cadre=False)  # type: ignore[misc]  # annotation
    return unpaired.select_related("region").order_by("code")


def cadre_workload(*, user: Any, year: int | None = None) -> tuple[QuerySet[Cadre], int]:
    """Serving cadres in scope with the number of households each holds, busiest first, and
    the year's maximum."""
    year = year or timezone.localdate().year
    limit = workload_policy(year).max_households
    qs = (
        Cadre.objects.for_user(user, "view")
        .serving()
        .select_related("unit", "team", "region")
        .annotate(held=Count("pairings", filter=Q(pairings__ended_on__isnull=True)))
        .order_by("-held", "name", "pk")
    )
    return qs, limit


# How near a cadre is to a household, the groups of the pairing form's cadre list.
NEAR_VILLAGE, NEAR_TOWNSHIP, NEAR_OTHER = 0, 1, 2


def _ancestor_path(region: Region, level: int) -> str | None:
    """The path of `region`'s ancestor at `level` (its own when at that level), None above it."""
    up = region.level - level
    if up < 0:
        return None
    return region.path[: len(region.path) - up * Region.steplen]


def pairing_candidates(*, user: Any, household: Household) -> QuerySet[Cadre]:
    """Serving cadres in scope who may take `household`, nearest and least busy first, in one
    query: `nearness` is NEAR_VILLAGE for the work team stationed in the household's village
    (and cadres serving that village), NEAR_TOWNSHIP for the rest of its township, else
    NEAR_OTHER; `held` is the number of households each holds now."""
    region = household.region
    village = _ancestor_path(region, RegionLevel.VILLAGE)
    township = _ancestor_path(region, RegionLevel.TOWNSHIP)
    whens = []
    for path, near in ((village, NEAR_VILLAGE), (township, NEAR_TOWNSHIP)):
        if path is not None:
            here = Q(region__path__startswith=path) | Q(
                team__ended_on__isnull=True, team__region__path__startswith=path
            )
            whens.append(When(here, then=Value(near)))
    return (
        Cadre.objects.for_user(user, "view")
        .serving()
        .select_related("unit", "team", "region")
        .annotate(
            held=Count("pairings", filter=Q(pairings__ended_on__isnull=True)),
            nearness=Case(*whens, default=Value(NEAR_OTHER), output_field=IntegerField()),
        )
        .order_by("nearness", "held", "name", "pk")
    )
