"""Which policy version applies to a region in a year.

Policy rows are few (a handful per year), so the lookups read them whole and choose in
Python; `policies_for_regions` serves bulk paths (a re-check over a district) with two queries
whatever the number of households.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.errors import ApplicationError
from fupin.identification.models import PolicyVersion
from fupin.regions.models import Region
from fupin.registry.models import Household, HouseholdYear


def _path_codes(region: Region, by_path: dict[str, str]) -> list[str]:
    """Codes of `region` and its ancestors, most specific first."""
    step = Region.steplen
    prefixes = [region.path[:i] for i in range(len(region.path), 0, -step)]
    return [by_path[p] for p in prefixes if p in by_path]


def _choose(candidates: list[PolicyVersion], codes: list[str]) -> PolicyVersion | None:
    rank = {code: i for i, code in enumerate(codes)}
    fallback = len(codes)
    usable = [v for v in candidates if v.region_id is None or v.region_id in rank]
    if not usable:
        return None
    # Most specific region first (national last), then the latest effective date, then the
    # latest inserted row (a correction with the same date wins over what it corrects).
    return min(
        usable,
        key=lambda v: (
            rank.get(v.region_id, fallback) if v.region_id else fallback + 1,
            -v.effective_from.toordinal(),
            -v.pk,
        ),
    )


def _candidates(year: int, on: dt.date) -> list[PolicyVersion]:
    return list(PolicyVersion.objects.current().filter(year=year, effective_from__lte=on))


def _missing(year: int, region: Region) -> ApplicationError:
    return ApplicationError(
        _("{year} 年没有适用于{region}（{code}）的政策参数，请区扶贫办在“政策参数”中新增该年度版本").format(
            year=year, region=region.name, code=region.code
        )
    )


def policy_for(*, region: Region, year: int, on: dt.date | None = None) -> PolicyVersion:
    """The version that applies to `region` (any level; usually a household's village) in
    `year`: the most specific region on its path wins, national default last. Raises
    ApplicationError naming the year and region when none applies."""
    on = on or timezone.localdate()
    ancestors = list(
        Region.objects.filter(
            path__in=[region.path[:i] for i in range(Region.steplen, len(region.path) + 1, Region.steplen)]
        )
    )
    codes = _path_codes(region, {r.path: r.code for r in ancestors})
    chosen = _choose(_candidates(year, on), codes)
    if chosen is None:
        raise _missing(year, region)
    return chosen


def policies_for_regions(
    *, regions: Iterable[Region], year: int, on: dt.date | None = None
) -> dict[int, PolicyVersion | None]:
    """region pk → applicable version (None when none applies) for many regions at once."""
    on = on or timezone.localdate()
    regions = list(regions)
    candidates = _candidates(year, on)
    prefixes = {r.path[:i] for r in regions for i in range(Region.steplen, len(r.path) + 1, Region.steplen)}
    by_path = dict(Region.objects.filter(path__in=prefixes).values_list("path", "code"))
    return {r.pk: _choose(candidates, _path_codes(r, by_path)) for r in regions}


def latest_policy_year(*, on: dt.date | None = None) -> int:
    """The latest year, not after this one, that has a poverty line: the default year of a
    re-check and of candidate applications. Raises ApplicationError when there is none."""
    on = on or timezone.localdate()
    year = (
        PolicyVersion.objects.filter(poverty_line__isnull=False, year__lte=on.year)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    if year is None:
        raise ApplicationError(_("没有任何年度的扶贫标准，请先在“政策参数”中新增"))
    return year


def assessed_years(*, region: Region, on: dt.date | None = None) -> list[int]:
    """The years, oldest first and none after `on`'s, whose applicable version for `region` has a
    poverty line: the years in which a household there can be assessed (identification or exit)."""
    on = on or timezone.localdate()
    by_year: dict[int, list[PolicyVersion]] = {}
    for v in PolicyVersion.objects.current().filter(year__lte=on.year, effective_from__lte=on):
        by_year.setdefault(v.year, []).append(v)
    if not by_year:
        return []
    ancestors = list(
        Region.objects.filter(
            path__in=[region.path[:i] for i in range(Region.steplen, len(region.path) + 1, Region.steplen)]
        )
    )
    codes = _path_codes(region, {r.path: r.code for r in ancestors})
    chosen = {year: _choose(versions, codes) for year, versions in by_year.items()}
    return sorted(year for year, v in chosen.items() if v is not None and v.poverty_line is not None)


def assessment_default_year(*, household: Household, on: dt.date | None = None) -> int | None:
    """The year an assessment form proposes for `household`: its latest year of facts when the
    policy covers that year, else the latest year the policy covers for its region (a form that
    proposed this calendar year would fail whenever the policy stops earlier, as it does after
    2020). None when no year is covered; a year typed by hand still gets the service's error."""
    years = assessed_years(region=household.region, on=on)
    if not years:
        return None
    facts = HouseholdYear.objects.filter(household=household).order_by("-year").values_list("year", flat=True).first()
    return facts if facts in years else years[-1]


def policy_history(*, year: int | None = None) -> Any:
    """Every version, newest first, for the history page (superseded ones included)."""
    qs = PolicyVersion.objects.select_related("created_by", "supersedes")
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "region_id", "-created", "-id")
