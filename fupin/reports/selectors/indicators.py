"""The leaders' figures (issue 6 §1): exact counts from the raw rows in a handful of
set-based aggregates — one GROUP BY over households, one over members, two over measures
and three small ones over the organisation — never a loop over households.

Per-region rows (`household_counts`, `person_counts`) are what the dashboard rolls up for
its drill-down; `indicators()` sums the same rows, so a card and its chart always agree.
The rules for "counts in year Y" are in `periods.py` and docs/indicators.md.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Sum

from fupin.assistance.choices import MeasureCategory, MeasureKind, MeasureStatus
from fupin.assistance.models import Cadre, LinkedUnit, Measure, MeasureItem, Pairing, WorkTeam
from fupin.regions.models import Region
from fupin.registry.choices import MIGRANT_WORK, SchoolStatus, WelfarePost
from fupin.registry.models import Household, Member
from fupin.reports.scope import Scope, resolve_scope
from fupin.reports.selectors.periods import (
    GROUPS,
    household_in_year_q,
    member_active_params,
    member_active_q,
    member_active_sql,
    status_groups,
    year_end,
    year_start,
)

# The seeded 家庭医生签约 item (assistance migration 0002); items are keyed by (category, name).
FAMILY_DOCTOR = (MeasureCategory.HEALTH, "家庭医生签约")
NOT_IN_SCHOOL = ("", SchoolStatus.NOT_STUDENT)
POST_CODES = tuple(WelfarePost.values)

KEYS = (
    "registered",
    "exited",
    "exited_this_year",
    "stably_exited",
    "not_exited",
    "returned",
    "floor_protection",
    "students",
    "migrant_workers",
    "public_welfare_posts",
    "family_doctor_contracts",
    "housing_renovated",
    "microcredit",
    "measures",
    "cadres",
    "work_teams",
    "linked_units",
    "pairing_coverage",
)


def active_pairing_at(on) -> Q:
    """Pairings active on day `on` (started by then, not ended by then)."""
    return (Q(started_on__isnull=True) | Q(started_on__lte=on)) & (Q(ended_on__isnull=True) | Q(ended_on__gt=on))


def household_counts(scope: Scope, year: int) -> list[dict[str, Any]]:
    """Per region id: households of each group, and those paired at the end of the year."""
    paired = Pairing.objects.filter(active_pairing_at(year_end(year)), household=OuterRef("pk"))
    annotations: dict[str, Any] = {
        g: (Count("pk", filter=q) if q else Count("pk")) for g, q in status_groups(year).items()
    }
    annotations["paired"] = Count("pk", filter=Q(Exists(paired)))
    qs = scope.filter(Household.objects.filter(household_in_year_q(year)))
    return list(qs.values("region_id").annotate(**annotations).order_by())


def person_counts(scope: Scope, year: int) -> list[dict[str, Any]]:
    """Per region id: active members of each household group, students, migrant workers
    and the holders of each public-welfare post."""
    annotations: dict[str, Any] = {
        g: (Count("pk", filter=q) if q else Count("pk")) for g, q in status_groups(year, "household__").items()
    }
    annotations["students"] = Count("pk", filter=~Q(school_status__in=NOT_IN_SCHOOL))
    annotations["migrant_workers"] = Count("pk", filter=Q(work_status__in=sorted(MIGRANT_WORK)))
    for code in POST_CODES:
        annotations[f"post_{code}"] = Count("pk", filter=Q(welfare_post=code))
    members = scope.filter(
        Member.objects.filter(member_active_q(year), household_in_year_q(year, "household__")), "household__region_id"
    )
    rows: list[dict[str, Any]] = list(members.values("household__region_id").annotate(**annotations).order_by())
    return [{"region_id": r["household__region_id"], **r} for r in rows]


def measure_items(scope: Scope, year: int) -> list[dict[str, Any]]:
    """Per measure item of the year: households, persons covered and amount.

    A measure with a beneficiary covers that member; one without covers every member of
    the household active in the year. Persons are distinct members per item."""
    measures = scope.filter(Measure.objects.filter(year=year), "household__region_id")
    rows = {
        r["item_id"]: {**r, "persons": 0}
        for r in measures.values("item_id")
        .annotate(households=Count("household_id", distinct=True), amount=Sum("amount"), count=Count("pk"))
        .order_by()
    }
    for item_id, persons in covered_persons(scope, year).items():
        if item_id in rows:
            rows[item_id]["persons"] = persons
    return list(rows.values())


def covered_persons(scope: Scope, year: int) -> dict[int, int]:
    """Distinct persons covered per item: for household-level measures, the active members of
    each distinct (item, household) pair — a member belongs to one household, so a plain
    COUNT is already distinct —, plus the beneficiaries of personal measures whose household
    has no household-level measure of the same item (they are counted there already)."""
    q = connection.ops.quote_name
    ms, mb, hh = (q(m._meta.db_table) for m in (Measure, Member, Household))
    join, where, params = "", "", []
    if not scope.everything:
        ids = scope.region_ids or [0]
        join = f" JOIN {hh} h ON h.id = ms.household_id"
        where = f" AND h.region_id IN ({', '.join(['%s'] * len(ids))})"
        params = list(ids)
    active_m, active_b = member_active_sql("m"), member_active_sql("b")
    # Table names from model metadata and placeholders only: no input reaches the SQL text.
    household_level = (
        f"WITH hm AS (SELECT DISTINCT ms.item_id, ms.household_id FROM {ms} ms{join}"  # noqa: S608
        f" WHERE ms.year = %s AND ms.beneficiary_id IS NULL{where})"
        f" SELECT hm.item_id, COUNT(*) FROM hm JOIN {mb} m ON m.household_id = hm.household_id"
        f" WHERE {active_m} GROUP BY hm.item_id"
    )
    personal = (
        f"SELECT ms.item_id, COUNT(DISTINCT ms.beneficiary_id) FROM {ms} ms"  # noqa: S608
        f" JOIN {mb} b ON b.id = ms.beneficiary_id{join}"
        f" WHERE ms.year = %s AND {active_b}{where} AND NOT EXISTS (SELECT 1 FROM {ms} m2"
        f" WHERE m2.household_id = ms.household_id AND m2.item_id = ms.item_id AND m2.year = ms.year"
        f" AND m2.beneficiary_id IS NULL) GROUP BY ms.item_id"
    )
    counts: dict[int, int] = defaultdict(int)
    with connection.cursor() as cur:
        cur.execute(household_level, [year, *params, *member_active_params(year)])
        for item_id, n in cur.fetchall():
            counts[item_id] += n
        cur.execute(personal, [year, *member_active_params(year), *params])
        for item_id, n in cur.fetchall():
            counts[item_id] += n
    return dict(counts)


def measure_facts(scope: Scope, year: int) -> dict[str, Any]:
    """Houses renovated (a 危房改造 measure done in the year: completed on a date of the
    year, or of the year's plan when no completion date was recorded) and microcredit."""
    measures = scope.filter(Measure.objects.all(), "household__region_id")
    renovated = (
        measures.filter(item__kind=MeasureKind.HOUSING, status=MeasureStatus.DONE)
        .filter(Q(ended_on__gte=year_start(year), ended_on__lte=year_end(year)) | Q(ended_on__isnull=True, year=year))
        .aggregate(n=Count("household_id", distinct=True))["n"]
    )
    credit = measures.filter(year=year, item__kind=MeasureKind.MICROCREDIT).aggregate(
        households=Count("household_id", distinct=True), amount=Sum("amount")
    )
    return {
        "housing_renovated": renovated,
        "microcredit": {"households": credit["households"], "amount": yuan(credit["amount"])},
    }


def organisation(scope: Scope, year: int) -> dict[str, int]:
    """Cadres serving in the year (placed in the scope, or paired with one of its
    households during the year), work teams stationed in the scope during the year, and the
    distinct linked units dispatching one of those teams or employing one of those cadres."""
    start, end = year_start(year), year_end(year)
    overlaps = (Q(started_on__isnull=True) | Q(started_on__lte=end)) & (
        Q(ended_on__isnull=True) | Q(ended_on__gte=start)
    )
    pairings = scope.filter(Pairing.objects.filter(overlaps), "household__region_id")
    cadres = Cadre.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start)).filter(
        Q(pk__in=scope.filter(Cadre.objects.all()).values("pk")) | Q(Exists(pairings.filter(cadre=OuterRef("pk"))))
    )
    teams = scope.filter(WorkTeam.objects.filter(overlaps))
    units = LinkedUnit.objects.filter(
        Q(Exists(teams.filter(unit=OuterRef("pk")))) | Q(Exists(cadres.filter(unit=OuterRef("pk"))))
    )
    return {"cadres": cadres.count(), "work_teams": teams.count(), "linked_units": units.count()}


CENT = Decimal("0.01")


def yuan(value: Decimal | None) -> Decimal:
    """A summed amount with two decimals (SQLite sums lose the scale)."""
    return (value or Decimal(0)).quantize(CENT)


def _sum_rows(rows: list[dict[str, Any]], keys: tuple[str, ...] | list[str]) -> dict[str, int]:
    total: dict[str, int] = defaultdict(int)
    for r in rows:
        for k in keys:
            total[k] += r[k]
    return total


def item_key(item: MeasureItem, names: dict[str, int]) -> str:
    """措施项目 by name; a name used in two categories gets its category appended."""
    if names.get(item.name, 0) > 1:
        return f"{item.name}（{item.get_category_display()}）"
    return item.name


def compute(
    scope: Scope, year: int, *, hh_rows: list[dict[str, Any]] | None = None, pp_rows: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The indicators of `scope` in `year` (see KEYS); the dashboard passes the per-region
    rows it already holds."""
    hh = _sum_rows(hh_rows if hh_rows is not None else household_counts(scope, year), [*GROUPS, "paired"])
    pp = _sum_rows(
        pp_rows if pp_rows is not None else person_counts(scope, year),
        [*GROUPS, "students", "migrant_workers", *(f"post_{c}" for c in POST_CODES)],
    )
    items = measure_items(scope, year)
    catalogue = {i.pk: i for i in MeasureItem.objects.filter(pk__in=[r["item_id"] for r in items])}
    names: dict[str, int] = defaultdict(int)
    for i in catalogue.values():
        names[i.name] += 1
    doctor = MeasureItem.objects.filter(category=FAMILY_DOCTOR[0], name=FAMILY_DOCTOR[1]).first()
    result: dict[str, Any] = {g: {"households": hh[g], "persons": pp[g]} for g in GROUPS}
    result.update(
        students=pp["students"],
        migrant_workers=pp["migrant_workers"],
        public_welfare_posts={c: pp[f"post_{c}"] for c in POST_CODES if pp[f"post_{c}"]},
        family_doctor_contracts=next((r["persons"] for r in items if doctor and r["item_id"] == doctor.pk), 0),
        **measure_facts(scope, year),
        measures={
            item_key(catalogue[r["item_id"]], names): {
                "households": r["households"],
                "persons": r["persons"],
                "amount": yuan(r["amount"]),
            }
            for r in sorted(items, key=lambda r: (catalogue[r["item_id"]].category, catalogue[r["item_id"]].sort))
        },
        **organisation(scope, year),
        pairing_coverage={
            "households": hh["registered"],
            "paired": hh["paired"],
            "share": round(hh["paired"] / hh["registered"], 4) if hh["registered"] else 0.0,
        },
    )
    return {k: result[k] for k in KEYS}


def indicators(*, year: int, user: Any = None, region: Region | None = None) -> dict[str, Any]:
    """The indicators of year `year` for what `user` may see (narrowed to `region`), or for
    `region` alone when no user is given (system commands), or for everything."""
    return compute(resolve_scope(user=user, region=region), year)
