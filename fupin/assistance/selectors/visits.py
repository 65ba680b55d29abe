"""Overdue visits (per the visit-frequency policy) and the cadre's own households.

A household is due for a visit `days` after its last visit, or after its current pairing
began when it has never been visited; with neither date it is overdue at once. The interval
is the policy's for exited or not-exited households of the year of `on`. Everything is one
annotated query; pages count and group it in SQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from fupin.assistance.models import Cadre, Pairing, Visit, VisitPolicy
from fupin.assistance.policy import visit_policy
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.registry.choices import PovertyStatus
from fupin.registry.models import Household

SCOPE = "assistance.view_visit"


def with_visit_dates(qs: QuerySet[Household]) -> QuerySet[Household]:
    last = Visit.objects.filter(household=OuterRef("pk")).order_by("-visited_on").values("visited_on")[:1]
    pairing = Pairing.objects.filter(household=OuterRef("pk"), ended_on__isnull=True)
    return qs.annotate(
        last_visit=Subquery(last),
        paired_since=Subquery(pairing.values("started_on")[:1]),
        current_cadre_id=Subquery(pairing.values("cadre_id")[:1]),
    ).annotate(visit_since=Coalesce(F("last_visit"), F("paired_since")))


def overdue_q(on: dt.date) -> Q:
    policy = visit_policy(on.year)
    exited = Q(status=PovertyStatus.EXITED)
    return (
        Q(visit_since__isnull=True)
        | (exited & Q(visit_since__lt=on - dt.timedelta(days=policy.days_exited)))
        | (~exited & Q(visit_since__lt=on - dt.timedelta(days=policy.days_not_exited)))
    )


def interval_for(household: Household, on: dt.date, policy: VisitPolicy | None = None) -> int:
    policy = policy or visit_policy(on.year)
    return policy.days_exited if household.status == PovertyStatus.EXITED else policy.days_not_exited


def overdue_households(*, user: Any, on: dt.date | None = None, base: QuerySet[Household] | None = None):
    """Registered, open households in scope whose visit is overdue on `on`, longest first."""
    on = on or timezone.localdate()
    qs = base if base is not None else Household.objects.for_user(user, SCOPE)
    return (
        with_visit_dates(qs.filter(registered=True, closed_on__isnull=True))
        .filter(overdue_q(on))
        .select_related("region")
        .order_by(F("visit_since").asc(nulls_first=True), "code")
    )


def overdue_days(household: Any, on: dt.date, policy: VisitPolicy | None = None) -> int | None:
    """Days past the due date (None: never visited and never paired). Pass the year's
    `policy` when computing it for a page of households (one query, not one per row)."""
    since = getattr(household, "visit_since", None)
    if since is None:
        return None
    return (on - since).days - interval_for(household, on, policy)


def overdue_by_cadre(*, user: Any, on: dt.date | None = None) -> list[dict[str, Any]]:
    on = on or timezone.localdate()
    rows = list(overdue_households(user=user, on=on).order_by().values("current_cadre_id").annotate(n=Count("pk")))
    cadres = Cadre.objects.in_bulk([r["current_cadre_id"] for r in rows if r["current_cadre_id"]])
    out = [{"cadre": cadres.get(r["current_cadre_id"]), "count": r["n"]} for r in rows]
    return sorted(out, key=lambda r: (-r["count"], r["cadre"].name if r["cadre"] else ""))


def overdue_by_village(*, user: Any, on: dt.date | None = None) -> list[dict[str, Any]]:
    on = on or timezone.localdate()
    rows = list(overdue_households(user=user, on=on).order_by().values("region_id").annotate(n=Count("pk")))
    regions = Region.objects.in_bulk([r["region_id"] for r in rows])
    parents = {r.path[: len(r.path) - Region.steplen] for r in regions.values() if r.level == RegionLevel.GROUP}
    by_path = {r.path: r for r in Region.objects.filter(path__in=parents)}
    counts: dict[int, dict[str, Any]] = {}
    for r in rows:
        region = regions[r["region_id"]]
        village = (
            by_path.get(region.path[: len(region.path) - Region.steplen], region)
            if region.level == RegionLevel.GROUP
            else region
        )
        entry = counts.setdefault(village.pk, {"village": village, "count": 0})
        entry["count"] += r["n"]
    return sorted(counts.values(), key=lambda e: (-e["count"], e["village"].code))


def cadre_of(user: Any) -> Cadre | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Cadre.objects.filter(user=user, ended_on__isnull=True).select_related("team", "unit").first()


def my_households(*, user: Any, cadre: Cadre | None = None) -> QuerySet[Household]:
    """The households the user's cadre record is currently paired with (and in scope)."""
    cadre = cadre if cadre is not None else cadre_of(user)
    if cadre is None:
        return Household.objects.none()
    return (
        Household.objects.for_user(user, SCOPE)
        .open()
        .filter(pairings__cadre=cadre, pairings__ended_on__isnull=True)
        .select_related("region")
        .order_by("code")
    )


def visit_list(*, user: Any) -> QuerySet[Visit]:
    return (
        Visit.objects.for_user(user, "view")
        .select_related("household__region", "cadre")
        .annotate(photo_count=Count("photos"))
        .order_by("-visited_on", "-id")
    )
