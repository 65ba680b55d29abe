"""Which monitoring thresholds and lines apply to a region in a year.

Thresholds come from `MonitoringPolicy` (this app); the poverty line and the monitoring line
from identification's `PolicyVersion`, so that each value has exactly one home. Bulk paths
resolve per distinct region once (`*_for_regions`), never per household.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from fupin.core.errors import ApplicationError
from fupin.identification.models import PolicyVersion
from fupin.identification.selectors import policies_for_regions, policy_for
from fupin.monitoring.models import MonitoringPolicy
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region


def _prefixes(path: str) -> list[str]:
    return [path[:i] for i in range(Region.steplen, len(path) + 1, Region.steplen)]


def _choose(candidates: list[MonitoringPolicy], codes: list[str], year: int) -> MonitoringPolicy | None:
    rank = {code: i for i, code in enumerate(codes)}
    usable = [p for p in candidates if p.year_from <= year and (p.region_id is None or p.region_id in rank)]
    if not usable:
        return None
    national = len(codes) + 1
    # Most specific region, then the latest year_from, then the latest row.
    return min(
        usable, key=lambda p: (rank.get(p.region_id, national) if p.region_id else national, -p.year_from, -p.pk)
    )


def _codes(region: Region, by_path: dict[str, str]) -> list[str]:
    return [by_path[p] for p in reversed(_prefixes(region.path)) if p in by_path]


def _missing(year: int, region: Region) -> ApplicationError:
    message = _("{year} 年没有适用于{region}（{code}）的监测参数，请区扶贫办在“监测参数”中新增版本")
    return ApplicationError(message.format(year=year, region=region.name, code=region.code))


def monitoring_policy_for(*, region: Region, year: int) -> MonitoringPolicy:
    """The thresholds that apply to `region` in `year`; ApplicationError when none does."""
    chosen = monitoring_policies_for_regions(regions=[region], year=year, strict=True)[region.pk]
    assert chosen is not None  # strict raised otherwise
    return chosen


def monitoring_policies_for_regions(
    *, regions: Iterable[Region], year: int, strict: bool = False
) -> dict[int, MonitoringPolicy | None]:
    regions = list(regions)
    candidates = list(MonitoringPolicy.objects.current())
    prefixes = {p for r in regions for p in _prefixes(r.path)}
    by_path = dict(Region.objects.filter(path__in=prefixes).values_list("path", "code"))
    chosen = {r.pk: _choose(candidates, _codes(r, by_path), year) for r in regions}
    if strict:
        for r in regions:
            if chosen[r.pk] is None:
                raise _missing(year, r)
    return chosen


def procedure_days_within(*, roots: Iterable[Region], year: int) -> list[int]:
    """The distinct procedure limits (days) in force in `year` over the villages under `roots`.

    Resolved at the roots and at every region below them with a version of its own (the
    anchors): a village follows its nearest anchor, so an anchor's limit counts only when some
    village has it as its nearest one (a province whose every village lies in a district with
    its own version does not add the national limit). One query per anchor, whatever the
    number of villages."""
    roots = list(roots)
    if not roots:
        return []
    codes = {c for c in MonitoringPolicy.objects.current().values_list("region_id", flat=True) if c}
    within = Q(pk__in=[])
    for r in roots:
        within |= Q(path__startswith=r.path)
    inner = list(Region.objects.filter(within, code__in=codes)) if codes else []
    anchors = list({r.pk: r for r in [*roots, *inner]}.values())
    chosen = monitoring_policies_for_regions(regions=anchors, year=year)
    found: set[int] = set()
    for a in anchors:
        policy = chosen[a.pk]
        if policy is None or policy.procedure_days in found:
            continue
        villages = Region.objects.filter(path__startswith=a.path, level__gte=RegionLevel.VILLAGE)
        for b in anchors:
            if b.path != a.path and b.path.startswith(a.path):
                villages = villages.exclude(path__startswith=b.path)
        if villages.exists():
            found.add(policy.procedure_days)
    if not found:  # a tree without villages yet: the anchors' own limits
        found = {p.procedure_days for p in chosen.values() if p is not None}
    return sorted(found)


def procedure_days_of(*, region: Region, year: int) -> list[int]:
    """The procedure limit that applies to `region` in `year`, as a list like the one above
    (empty when no version applies)."""
    chosen = monitoring_policies_for_regions(regions=[region], year=year)[region.pk]
    return [chosen.procedure_days] if chosen is not None else []


@dataclass(frozen=True)
class Lines:
    """The lines of one year for one region, with the version that set them."""

    policy: PolicyVersion
    poverty_line: Decimal | None
    monitoring_line: Decimal | None


def lines_for(*, region: Region, year: int) -> Lines:
    """Lines for `region` in `year`; raises ApplicationError when no version applies."""
    p = policy_for(region=region, year=year)
    return Lines(policy=p, poverty_line=p.poverty_line, monitoring_line=p.monitoring_line)


def monitoring_lines_for_regions(*, regions: Iterable[Region], year: int) -> dict[int, Decimal | None]:
    """region pk → the year's monitoring line (None where no version sets one)."""
    found = policies_for_regions(regions=regions, year=year)
    return {pk: (v.monitoring_line if v is not None else None) for pk, v in found.items()}
