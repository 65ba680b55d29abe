"""What the dashboard shows for one region (or the user's whole scope) and year.

Everything is grouped in SQL by the households' region and rolled up in Python over the
few hundred regions of the scope to the focus region's children (district → townships →
villages), so the cards, the drill-down table and the charts come from the same rows.
The payload is cached per scope, focus, year and data version (`fupin.reports.cache`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Count, Q, Sum
from django.urls import reverse

from fupin.assistance.choices import MeasureCategory
from fupin.assistance.models import Measure
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.registry.choices import Cause, PovertyStatus
from fupin.registry.models import Household
from fupin.reports.cache import cached
from fupin.reports.scope import Scope, resolve_scope, user_scope
from fupin.reports.selectors.indicators import compute, household_counts, person_counts, report_session, yuan
from fupin.reports.selectors.periods import household_in_year_q
from fupin.reports.selectors.visits import as_of_for, overdue_or_none

CHILD_FIELDS = ("registered", "exited", "not_exited", "returned", "floor_protection", "paired", "overdue")


def _child_of(children: list[Region], focus: Region | None):
    """A function region → the child (of the focus, or root of the scope) containing it."""
    if focus is not None:
        by_path = {c.path: c for c in children}
        cut = len(focus.path) + Region.steplen
        return lambda r: by_path.get(r.path[:cut]) if r.path != focus.path else None
    return lambda r: next((c for c in children if r.path.startswith(c.path)), None)


def _children(scope: Scope) -> tuple[Region | None, list[Region]]:
    roots = scope.roots()
    if len(roots) == 1:
        focus = roots[0]
        children = Region.objects.filter(path__startswith=focus.path, depth=focus.depth + 1).order_by("code")
        return focus, list(children)
    return None, roots


def _region_json(r: Region) -> dict[str, Any]:
    return {"id": r.pk, "code": r.code, "name": r.name, "level": r.level}


def build(scope: Scope, year: int) -> dict[str, Any]:
    focus, children = _children(scope)
    regions = Region.objects.in_bulk(scope.region_ids) if not scope.everything else Region.objects.in_bulk()
    child_of = _child_of(children, focus)
    with report_session():
        hh_rows = household_counts(scope, year)
        pp_rows = person_counts(scope, year)
    as_of = as_of_for(year)
    late = overdue_or_none(scope.filter(Household.objects.filter(household_in_year_q(year))), as_of)
    overdue_rows = list(late.values("region_id").annotate(n=Count("pk")).order_by()) if late is not None else []

    per_child: dict[int, dict[str, int]] = {c.pk: dict.fromkeys([*CHILD_FIELDS, "persons"], 0) for c in children}

    def roll(rows: Sequence[Mapping[str, Any]], fields: dict[str, str]) -> None:
        for row in rows:
            child = child_of(regions[row["region_id"]])
            if child is not None:
                for source, target in fields.items():
                    per_child[child.pk][target] += row[source]

    roll(hh_rows, {f: f for f in CHILD_FIELDS if f != "overdue"})
    roll(pp_rows, {"registered": "persons"})
    roll(overdue_rows, {"n": "overdue"})

    in_year = scope.filter(Household.objects.filter(household_in_year_q(year)))
    causes = dict(Cause.choices)
    cause_rows = in_year.exclude(main_cause="").values("main_cause").annotate(n=Count("pk")).order_by("main_cause")
    exits = (
        scope.filter(Household.objects.filter(registered=True, exit_year__isnull=False, exit_year__lte=year))
        .values("exit_year")
        .annotate(n=Count("pk"), returned=Count("pk", filter=Q(status=PovertyStatus.RETURNED)))
        .order_by("exit_year")
    )
    categories = dict(MeasureCategory.choices)
    measure_rows = (
        scope.filter(Measure.objects.filter(year=year), "household__region_id")
        .values("category")
        .annotate(households=Count("household_id", distinct=True), amount=Sum("amount"))
        .order_by("category")
    )
    return {
        "year": year,
        "as_of": as_of.isoformat(),
        "focus": _region_json(focus) if focus else None,
        "indicators": compute(scope, year, hh_rows=hh_rows, pp_rows=pp_rows),
        "overdue": sum(r["n"] for r in overdue_rows),
        "overdue_known": late is not None,
        "children": [
            {
                **_region_json(c),
                **per_child[c.pk],
                "coverage": round(100.0 * per_child[c.pk]["paired"] / per_child[c.pk]["registered"], 1)
                if per_child[c.pk]["registered"]
                else None,
            }
            for c in children
        ],
        "causes": [
            {"code": r["main_cause"], "name": str(causes.get(r["main_cause"], r["main_cause"])), "value": r["n"]}
            for r in cause_rows
        ],
        "exits_by_year": [{"year": r["exit_year"], "households": r["n"], "returned": r["returned"]} for r in exits],
        "measures_by_category": [
            {
                "code": r["category"],
                "name": str(categories.get(r["category"], r["category"])),
                "households": r["households"],
                "amount": yuan(r["amount"]),
            }
            for r in measure_rows
        ],
    }


def dashboard(*, user: Any, year: int, region: Region | None = None) -> dict[str, Any]:
    """The dashboard of `region` (default: the user's scope) in `year`, with links for the
    drill-down; ScopeError when the region is outside the user's dashboard scope."""
    scope = resolve_scope(user=user, region=region)
    focus_id = scope.region.pk if scope.region else "-"
    data = cached(f"dashboard:{scope.key}:{focus_id}:{year}:{as_of_for(year)}", lambda: build(scope, year))
    return {**data, "links": _links(user, data, year)}


def _links(user: Any, data: dict[str, Any], year: int) -> dict[str, Any]:
    """Drill-down and household-list links (per user: the breadcrumb stops at their scope)."""
    households = reverse("registry:household_list")
    links: dict[str, Any] = {"children": {}, "breadcrumbs": []}
    for c in data["children"]:
        # Groups (村民小组) are not drilled into: the village's household list covers them.
        if c["level"] <= RegionLevel.VILLAGE:
            links["children"][c["id"]] = f"{reverse('reports:dashboard')}?region={c['id']}&year={year}"
    focus = data["focus"]
    if focus is not None:
        scope = user_scope(user, "reports.view_dashboard")
        region = Region.objects.get(pk=focus["id"])
        above = [region.path[:i] for i in range(Region.steplen, len(region.path), Region.steplen)]
        for a in Region.objects.filter(path__in=above).order_by("depth"):
            if scope.contains(a):
                url = f"{reverse('reports:dashboard')}?region={a.pk}&year={year}"
                links["breadcrumbs"].append({"name": a.name, "url": url})
        if focus["level"] >= RegionLevel.VILLAGE:
            village = (
                region
                if focus["level"] == RegionLevel.VILLAGE
                else Region.objects.get(path=region.path[: -Region.steplen])
            )
            links["households"] = f"{households}?region={village.pk}&registered=1"
    return links
