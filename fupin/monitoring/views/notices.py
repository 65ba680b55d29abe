"""Printable village notices (公示). A notice is posted on the village board: it carries the
head of household's name, the village (and group), the household size and what is proposed,
and nothing else — no ID number, phone, bank account or health detail, whoever prints it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q

from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.registry.choices import Relation
from fupin.registry.models import Household, Member


def notice_context(
    *,
    title: str,
    households: list[Household],
    starts: dt.date | None,
    ends: dt.date | None,
    category: str,
    region: Region,
) -> dict[str, Any]:
    ids = [h.pk for h in households]
    heads = dict(
        Member.objects.filter(household_id__in=ids, relation=Relation.HEAD, ended_on__isnull=True).values_list(
            "household_id", "name"
        )
    )
    sizes = dict(
        Household.objects.filter(pk__in=ids)
        .annotate(n=Count("members", filter=Q(members__ended_on__isnull=True)))
        .values_list("pk", "n")
    )
    village = region.get_parent() if region.level == RegionLevel.GROUP else region
    rows = [
        {"name": heads.get(h.pk, ""), "place": h.region.name, "size": sizes.get(h.pk, 0), "category": category}
        for h in households
    ]
    return {"title": title, "rows": rows, "starts": starts, "ends": ends, "village": village, "place": region.full_name}
