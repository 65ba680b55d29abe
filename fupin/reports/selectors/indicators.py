"""The leaders' figures (issue 6 §1): exact counts from the raw rows in a handful of
set-based aggregates — one GROUP BY over households, one over members, three over the
year's measures (persons covered, amounts, personal beneficiaries), two over the items of
houses and credit, and three small ones over the organisation — never a loop over
households. Covering indexes on households, members and measures keep SQLite on the
indexes alone (docs/benchmarks.md, "Reports (issue 6)").

Per-region rows (`household_counts`, `person_counts`) are what the dashboard rolls up for
its drill-down; `indicators()` sums the same rows, so a card and its chart always agree.
The rules for "counts in year Y" are in `periods.py` and docs/indicators.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.translation import gettext as _

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
    # `IN (subquery)` rather than a correlated EXISTS: PostgreSQL hashes the paired
    # households once instead of probing the pairings per household.
    paired = Pairing.objects.filter(active_pairing_at(year_end(year))).values("household_id")
    annotations: dict[str, Any] = {
        g: (Count("pk", filter=q) if q else Count("pk")) for g, q in status_groups(year).items()
    }
    annotations["paired"] = Count("pk", filter=Q(pk__in=paired))
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


def _in_scope(scope: Scope, column: str) -> tuple[str, list]:
    """SQL restricting `column` (a household id) to the scope's households, and its parameters."""
    if scope.everything:
        return "", []
    ids = scope.region_ids or [0]
    hh = connection.ops.quote_name(Household._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    return f" AND {column} IN (SELECT id FROM {hh} WHERE region_id IN ({marks}))", list(ids)  # noqa: S608


def _cents(value) -> Decimal:
    """Yuan from a sum of cents (summed as whole numbers: exact on SQLite too)."""
    return (Decimal(int(value or 0)) / 100).quantize(CENT)


def measure_items(scope: Scope, year: int) -> list[dict[str, Any]]:
    """Per measure item of the year: households, persons covered and amount.

    The year's measures are first reduced to one row per (item, household) — whether one
    of them is household-level (no beneficiary) —, then joined once to the number of
    active members per household: a household-level measure covers every member of the
    household active in the year, and a member belongs to one household, so summing those
    numbers over the distinct pairs counts distinct persons. Beneficiaries of personal
    measures are added by `personal_covered` (only where the household has no
    household-level measure of the item, else they are counted already)."""
    q = connection.ops.quote_name
    ms, mb = q(Measure._meta.db_table), q(Member._meta.db_table)
    scoped, params = _in_scope(scope, "household_id")
    # Table names from model metadata and placeholders only: no input reaches the SQL text.
    sql = (
        "SELECT x.item_id, COUNT(*), SUM(CASE WHEN x.whole > 0 THEN pm.n ELSE 0 END)"  # noqa: S608
        " FROM (SELECT item_id, household_id, COUNT(*) - COUNT(beneficiary_id) AS whole"
        f" FROM {ms} WHERE year = %s{scoped} GROUP BY item_id, household_id) x"
        f" LEFT JOIN (SELECT m.household_id AS hid, COUNT(*) AS n FROM {mb} m WHERE {member_active_sql('m')}"
        f"{_in_scope(scope, 'm.household_id')[0]} GROUP BY m.household_id) pm ON pm.hid = x.household_id"
        " GROUP BY x.item_id"
    )
    # Amounts apart, in whole cents (exact on SQLite too): in the pairs above they would
    # make every one of the hundreds of thousands of groups carry a wide sum.
    amounts = (
        f"SELECT item_id, SUM(CAST(ROUND(amount * 100) AS BIGINT)) FROM {ms}"  # noqa: S608
        f" WHERE year = %s{scoped} GROUP BY item_id"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [year, *params, *member_active_params(year), *params])
        rows = {
            item_id: {"item_id": item_id, "households": households, "amount": _cents(0), "persons": int(n or 0)}
            for item_id, households, n in cur.fetchall()
        }
        cur.execute(amounts, [year, *params])
        for item_id, cents in cur.fetchall():
            rows[item_id]["amount"] = _cents(cents)
    for item_id, persons in personal_covered(scope, year).items():
        if item_id in rows:
            rows[item_id]["persons"] += persons
    return list(rows.values())


def personal_covered(scope: Scope, year: int) -> dict[int, int]:
    """Distinct active beneficiaries of personal measures per item, leaving out households
    with a household-level measure of the same item (their members are counted there)."""
    q = connection.ops.quote_name
    ms, mb = q(Measure._meta.db_table), q(Member._meta.db_table)
    scoped, params = _in_scope(scope, "ms.household_id")
    sql = (
        f"SELECT ms.item_id, COUNT(DISTINCT ms.beneficiary_id) FROM {ms} ms"  # noqa: S608
        f" JOIN {mb} b ON b.id = ms.beneficiary_id"
        f" WHERE ms.year = %s AND ms.beneficiary_id IS NOT NULL{scoped} AND {member_active_sql('b')}"
        f" AND NOT EXISTS (SELECT 1 FROM {ms} m2 WHERE m2.year = ms.year AND m2.item_id = ms.item_id"
        " AND m2.household_id = ms.household_id AND m2.beneficiary_id IS NULL) GROUP BY ms.item_id"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [year, *params, *member_active_params(year)])
        return dict(cur.fetchall())


def measure_facts(scope: Scope, year: int, catalogue: dict[int, MeasureItem]) -> dict[str, Any]:
    """Houses renovated (a 危房改造 measure done in the year: completed on a date of the
    year, or of the year's plan when no completion date was recorded) and microcredit.
    The items are picked from the catalogue first, so both read only their items' rows."""
    housing = [pk for pk, i in catalogue.items() if i.kind == MeasureKind.HOUSING]
    credit_items = [pk for pk, i in catalogue.items() if i.kind == MeasureKind.MICROCREDIT]
    measures = scope.filter(Measure.objects.all(), "household__region_id")
    renovated = (
        measures.filter(item_id__in=housing, status=MeasureStatus.DONE)
        .filter(Q(ended_on__gte=year_start(year), ended_on__lte=year_end(year)) | Q(ended_on__isnull=True, year=year))
        .aggregate(n=Count("household_id", distinct=True))["n"]
    )
    credit = measures.filter(year=year, item_id__in=credit_items).aggregate(
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
        return _("{name}（{category}）").format(name=item.name, category=item.get_category_display())
    return item.name


# PostgreSQL's planner cannot tell that a grouped subquery has one row per household: it
# overestimates the joins a hundredfold and then spends more time compiling them with JIT
# than running them (measured on 1,000,000 persons: measures by item 1.1 s → 1.0 s without
# JIT; a larger work_mem made the plan slower). The reports turn JIT off for their
# transaction only.
REPORT_SETTINGS = {"jit": "off"}


@contextmanager
def report_session() -> Iterator[None]:
    """A transaction in which the aggregates run without JIT (PostgreSQL). The settings
    last until the transaction ends: the reports' own, or the caller's when one is open
    (no savepoint: they are harmless for the rest of it)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cur:
            # set_config(…, true) is SET LOCAL, all in one statement.
            calls = ", ".join("set_config(%s, %s, true)" for _ in REPORT_SETTINGS)
            cur.execute(f"SELECT {calls}", [v for kv in REPORT_SETTINGS.items() for v in kv])
        yield


def compute(
    scope: Scope, year: int, *, hh_rows: list[dict[str, Any]] | None = None, pp_rows: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The indicators of `scope` in `year` (see KEYS); the dashboard passes the per-region
    rows it already holds."""
    with report_session():
        return _compute(scope, year, hh_rows=hh_rows, pp_rows=pp_rows)


def _compute(
    scope: Scope, year: int, *, hh_rows: list[dict[str, Any]] | None, pp_rows: list[dict[str, Any]] | None
) -> dict[str, Any]:
    hh = _sum_rows(hh_rows if hh_rows is not None else household_counts(scope, year), [*GROUPS, "paired"])
    pp = _sum_rows(
        pp_rows if pp_rows is not None else person_counts(scope, year),
        [*GROUPS, "students", "migrant_workers", *(f"post_{c}" for c in POST_CODES)],
    )
    items = measure_items(scope, year)
    everything = {i.pk: i for i in MeasureItem.objects.all()}  # the catalogue: a few dozen rows
    catalogue = {r["item_id"]: everything[r["item_id"]] for r in items}
    names: dict[str, int] = defaultdict(int)
    for i in catalogue.values():
        names[i.name] += 1
    doctor = next((i for i in everything.values() if (i.category, i.name) == FAMILY_DOCTOR), None)
    result: dict[str, Any] = {g: {"households": hh[g], "persons": pp[g]} for g in GROUPS}
    result.update(
        students=pp["students"],
        migrant_workers=pp["migrant_workers"],
        public_welfare_posts={c: pp[f"post_{c}"] for c in POST_CODES if pp[f"post_{c}"]},
        family_doctor_contracts=next((r["persons"] for r in items if doctor and r["item_id"] == doctor.pk), 0),
        **measure_facts(scope, year, everything),
        measures={
            item_key(catalogue[r["item_id"]], names): {
                "households": r["households"],
                "persons": r["persons"],
                "amount": r["amount"],
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
