"""Exporting layouts: exactly the households the caller selected (already scoped), in the
layout's columns, as xlsx or CSV, personal fields masked outside the reader's sensitive
scope."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.db.models import Max, QuerySet
from django.utils import timezone

from fupin.accounts.scoping import region_q, scope_paths
from fupin.exchange.regionindex import RegionIndex
from fupin.exchange.spec import LAYOUTS, layouts
from fupin.exchange.writing import write_csv, write_xlsx
from fupin.regions.models import Region
from fupin.registry.models import Household, HouseholdYear

SENSITIVE = "registry.view_sensitive_household"
EXPORT = "registry.export_household"


def sensitive_for(user: Any) -> Callable[[str], bool]:
    """Whether the reader sees full personal data for a household at a region path."""
    if user is None or getattr(user, "is_superuser", False):
        return lambda _path: True
    paths = scope_paths(user, SENSITIVE)
    return lambda path: any(path.startswith(p) for p in paths)


def export_scope(user: Any, households: QuerySet[Household]) -> QuerySet[Household]:
    """Narrow an already view-scoped selection to where the user may also export."""
    if getattr(user, "is_superuser", False):
        return households
    return households.filter(region_q(scope_paths(user, EXPORT), "region"))


def default_year(household_ids: Sequence[int]) -> int:
    """The latest year with facts among the households (the current year when none)."""
    latest = None
    for start in range(0, len(household_ids), 5000):
        found = HouseholdYear.objects.filter(household_id__in=household_ids[start : start + 5000]).aggregate(
            y=Max("year")
        )["y"]
        latest = max(filter(None, (latest, found)), default=None)
    return latest or timezone.localdate().year


def title_region(household_ids: Sequence[int], regions: RegionIndex, region: Region | None = None) -> str:
    if region is not None:
        return region.name
    sample = list(Household.objects.filter(pk__in=household_ids[:1]).values_list("region_id", flat=True))
    if not sample:
        return ""
    node = regions.by_id.get(sample[0])
    while node is not None and node.level > 3:
        node = regions.by_code.get(node.parent_code)
    return node.name if node else ""


def export_households(
    target: Path | io.BytesIO,
    *,
    household_ids: Sequence[int],
    fmt: str,
    user: Any = None,
    year: int | None = None,
    region: Region | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write layout 1 (人员明细) for the given households; returns the number of rows.
    `progress` is told of each household written (a job's progress bar)."""
    layouts()
    layout = LAYOUTS["roster"]
    assert layout.rows is not None and layout.export_title is not None
    regions = RegionIndex()
    year = year or default_year(household_ids)
    rows = layout.rows(household_ids, year=year, sensitive=sensitive_for(user), regions=regions, progress=progress)
    header = [c.name for c in layout.export_columns]
    if fmt == "csv":
        return write_csv(target, header=header, rows=rows)
    title = layout.export_title(title_region(household_ids, regions, region))
    return write_xlsx(target, sheet=layout.title, title=title, header=header, rows=rows)


def export_layout(
    path: Path, *, layout_key: str, region: Region | None = None, year: int | None = None, user: Any = None
) -> int:
    """The CLI export: every open, registered household of `region` (or the whole registry)
    for the roster, or the layout's own records for layouts 2–5."""
    layouts()
    layout = LAYOUTS.get(layout_key)
    if layout is None or layout.rows is None or layout.export_title is None:
        raise ValueError(layout_key)
    fmt = "csv" if path.suffix.lower() == ".csv" else "xlsx"
    if layout_key == "roster":
        qs = Household.objects.open().registered()
        if region is not None:
            qs = qs.filter(region__path__startswith=region.path)
        ids = list(qs.order_by("code").values_list("id", flat=True))
        return export_households(path, household_ids=ids, fmt=fmt, user=user, year=year, region=region)
    rows = layout.rows(region=region, year=year)
    header = [c.name for c in layout.export_columns]
    if fmt == "csv":
        return write_csv(path, header=header, rows=rows)
    return write_xlsx(
        path, sheet=layout.title, title=layout.export_title(region.name if region else ""), header=header, rows=rows
    )
