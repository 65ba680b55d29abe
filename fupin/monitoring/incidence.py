"""Poverty incidence (贫困发生率) per village and district, for village and district exit.

incidence = registered persons not yet exited ÷ the village's rural registered population
(Region.rural_population). A village may exit when its incidence is below the policy's
threshold (2% in central provinces). The count is one grouped query over members whatever
the number of villages: households sit in a village or one of its groups, so the village is
the prefix of the household's region path at the village's depth.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from fupin.accounts.scoping import regions_for_user
from fupin.monitoring.policy import monitoring_policies_for_regions
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.registry.choices import PovertyStatus
from fupin.registry.models import Household, Member

POOR = (PovertyStatus.NOT_EXITED, PovertyStatus.PRE_EXIT, PovertyStatus.RETURNED)
PERM = "monitoring.view_incidence"


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


@dataclass
class VillageRow:
    village: Region
    township: str
    population: int | None
    poor_persons: int
    poor_households: int
    threshold: Decimal | None

    @property
    def incidence(self) -> Decimal | None:
        if not self.population:
            return None
        return Decimal(self.poor_persons) / Decimal(self.population)

    @property
    def incidence_pct(self) -> str:
        return percent(self.incidence)

    @property
    def threshold_pct(self) -> str:
        return percent(self.threshold)

    @property
    def meets(self) -> bool:
        """Strictly below the threshold, with a known population."""
        return self.incidence is not None and self.threshold is not None and self.incidence < self.threshold

    @property
    def allowed(self) -> int | None:
        """The most poor persons the village may still have and meet the threshold."""
        if not self.population or self.threshold is None:
            return None
        return max(0, math.ceil(self.population * self.threshold) - 1)

    @property
    def excess(self) -> int:
        """How many poor persons must still exit before the village meets the threshold."""
        if self.allowed is None:
            return 0
        return max(0, self.poor_persons - self.allowed)


@dataclass
class IncidenceTable:
    rows: list[VillageRow] = field(default_factory=list)

    @property
    def population(self) -> int:
        return sum(r.population or 0 for r in self.rows)

    @property
    def poor_persons(self) -> int:
        return sum(r.poor_persons for r in self.rows)

    @property
    def poor_in_counted(self) -> int:
        return sum(r.poor_persons for r in self.rows if r.population)

    @property
    def missing_population(self) -> list[VillageRow]:
        return [r for r in self.rows if not r.population]

    @property
    def incidence(self) -> Decimal | None:
        """District incidence over the villages whose population is known."""
        if not self.population:
            return None
        return Decimal(self.poor_in_counted) / Decimal(self.population)

    @property
    def incidence_pct(self) -> str:
        return percent(self.incidence)

    @property
    def threshold_pct(self) -> str:
        return percent(self.threshold)

    @property
    def threshold(self) -> Decimal | None:
        values = {r.threshold for r in self.rows if r.threshold is not None}
        return min(values) if values else None

    @property
    def meets(self) -> bool:
        return (
            self.incidence is not None
            and self.threshold is not None
            and not self.missing_population
            and self.incidence < self.threshold
        )

    @property
    def villages_meeting(self) -> int:
        return sum(1 for r in self.rows if r.meets)


def villages_for(user: Any, region: Region | None = None) -> QuerySet[Region]:
    qs = regions_for_user(user, PERM).filter(level=RegionLevel.VILLAGE)
    if region is not None:
        qs = qs.filter(path__startswith=region.path)
    return qs.order_by("path")


def poor_counts(villages: list[Region]) -> dict[str, tuple[int, int]]:
    """village path → (poor persons, poor households), one grouped query per village depth."""
    out: dict[str, tuple[int, int]] = {}
    for depth in {v.depth for v in villages}:
        width = depth * Region.steplen
        prefixes = {v.path for v in villages if v.depth == depth}
        base = Member.objects.filter(
            ended_on__isnull=True,
            household__registered=True,
            household__status__in=POOR,
            household__closed_on__isnull=True,
        ).annotate(vpath=Substr("household__region__path", 1, width))
        persons = dict(base.values("vpath").annotate(n=Count("id")).order_by().values_list("vpath", "n"))
        homes = dict(
            Household.objects.filter(registered=True, status__in=POOR, closed_on__isnull=True)
            .annotate(vpath=Substr("region__path", 1, width))
            .values("vpath")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("vpath", "n")
        )
        for p in prefixes:
            out[p] = (persons.get(p, 0), homes.get(p, 0))
    return out


def incidence_table(*, user: Any, region: Region | None = None, year: int | None = None) -> IncidenceTable:
    year = year or timezone.localdate().year
    villages = list(villages_for(user, region))
    if not villages:
        return IncidenceTable()
    counts = poor_counts(villages)
    policies = monitoring_policies_for_regions(regions=villages, year=year)
    townships = dict(
        Region.objects.filter(path__in={v.path[: (v.depth - 1) * Region.steplen] for v in villages}).values_list(
            "path", "name"
        )
    )
    rows = []
    for v in villages:
        persons, homes = counts.get(v.path, (0, 0))
        p = policies.get(v.pk)
        rows.append(
            VillageRow(
                village=v,
                township=townships.get(v.path[: (v.depth - 1) * Region.steplen], ""),
                population=v.rural_population,
                poor_persons=persons,
                poor_households=homes,
                threshold=p.village_exit_incidence if p is not None else None,
            )
        )
    return IncidenceTable(rows=rows)


def village_row(*, user: Any, village: Region, year: int | None = None) -> VillageRow | None:
    table = incidence_table(user=user, region=village, year=year)
    return next((r for r in table.rows if r.village.pk == village.pk), None)


def poor_households(*, village: Region) -> QuerySet[Household]:
    """The registered households of `village` that have not exited (what holds it back)."""
    return (
        Household.objects.filter(
            region__path__startswith=village.path, registered=True, status__in=POOR, closed_on__isnull=True
        )
        .annotate(size=Count("members", filter=Q(members__ended_on__isnull=True)))
        .select_related("region")
        .order_by("code")
    )
