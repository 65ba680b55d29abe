"""The leaders' figures (issue 6 §1): exact counts from the raw rows in a handful of
set-based aggregates — one statement that reads the members once (grouped per household)
for both the per-region counts and the persons covered per measure item, two more over
the year's measures (amounts, personal beneficiaries), two over the items of houses and
credit, and three small ones over the organisation — never a loop over households.
Covering indexes on households, members and measures keep SQLite on the indexes alone
(docs/benchmarks.md, "Reports (issue 6)").

Per-region rows (`counts(...).regions`) are what the dashboard rolls up for its
drill-down; `indicators()` sums the same rows, so a card and its chart always agree.
The rules for "counts in year Y" are in `periods.py` and docs/indicators.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.exceptions import EmptyResultSet, FullResultSet
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


def _where(qs) -> tuple[str, list]:
    """The WHERE clause of queryset `qs` as SQL naming its table, and its parameters: the
    raw statement below keeps the conditions of periods.py without restating them."""
    query = qs.query
    try:
        sql, params = query.where.as_sql(query.get_compiler(connection=connection), connection)
    except FullResultSet:
        return "1=1", []
    except EmptyResultSet:
        return "1=0", []
    return sql or "1=1", list(params)


class Counts(NamedTuple):
    """`regions`: per region id, households of each group (GROUPS), those paired at the end
    of the year, active members of each household group (`persons_<group>`), students,
    migrant workers and the holders of each public-welfare post (`post_<code>`).
    `items`: per measure item of the year, households and the persons covered by its
    household-level measures (`measure_items` adds amounts and personal beneficiaries)."""

    regions: list[dict[str, Any]]
    items: list[dict[str, Any]]


def _member_flags() -> dict[str, Q]:
    return {
        "students": ~Q(school_status__in=NOT_IN_SCHOOL),
        "migrant_workers": Q(work_status__in=sorted(MIGRANT_WORK)),
        **{f"post_{code}": Q(welfare_post=code) for code in POST_CODES},
    }


def counts(scope: Scope, year: int) -> Counts:
    """The per-region and per-item counts in one statement that reads the members once:
    the active members grouped per household (their number and flags) are materialised,
    then summed per region over the households that count in the year, and joined to the
    year's (item, household) pairs for the persons covered.

    A household-level measure covers every member of the household active in the year
    (whether or not the household counts in the year), and a member belongs to one
    household, so summing those numbers over the distinct pairs counts distinct persons.
    Beneficiaries of personal measures are added by `personal_covered`."""
    q = connection.ops.quote_name
    hh, mb, ms = (q(m._meta.db_table) for m in (Household, Member, Measure))
    flags = _member_flags()
    # Table names from model metadata, conditions compiled by the ORM, placeholders only:
    # no input reaches the SQL text.
    cols, params = [], []
    for name, cond in flags.items():
        sql, p = _where(Member.objects.filter(cond))
        cols.append(f"SUM(CASE WHEN {sql} THEN 1 ELSE 0 END) AS {name}")
        params += p
    active, p = _where(Member.objects.filter(member_active_q(year)))
    scoped, sp = _in_scope(scope, f"{mb}.household_id")
    params += [*p, *sp]
    per_household = (
        f"SELECT {mb}.household_id AS hid, COUNT(*) AS n, {', '.join(cols)}"  # noqa: S608
        f" FROM {mb} WHERE {active}{scoped} GROUP BY {mb}.household_id"
    )
    groups = {g: _where(Household.objects.filter(c)) for g, c in status_groups(year).items() if g != "registered"}
    paired, pp = (
        Pairing.objects.filter(active_pairing_at(year_end(year))).values("household_id").query.sql_with_params()
    )
    region_cols = ["COUNT(*)"]
    for sql, p in groups.values():
        region_cols.append(f"SUM(CASE WHEN {sql} THEN 1 ELSE 0 END)")
        params += p
    # `IN (subquery)` rather than a correlated EXISTS: PostgreSQL hashes the paired
    # households once instead of probing the pairings per household.
    region_cols.append(f"SUM(CASE WHEN {hh}.id IN ({paired}) THEN 1 ELSE 0 END)")
    params += pp
    region_cols.append("SUM(pm.n)")
    for sql, p in groups.values():
        region_cols.append(f"SUM(CASE WHEN {sql} THEN pm.n ELSE 0 END)")
        params += p
    region_cols += [f"SUM(pm.{name})" for name in flags]
    counted, p = _where(scope.filter(Household.objects.filter(household_in_year_q(year))))
    params += p
    in_scope, p = _in_scope(scope, "household_id")
    params += [year, *p]
    item_cols = ["x.item_id", "COUNT(*)", "SUM(CASE WHEN x.whole > 0 THEN pm.n ELSE 0 END)"]
    item_cols += ["NULL"] * (len(region_cols) + 1 - len(item_cols))
    sql = (
        f"WITH pm AS MATERIALIZED ({per_household})"  # noqa: S608
        f" SELECT 0, {hh}.region_id, {', '.join(region_cols)} FROM {hh} LEFT JOIN pm ON pm.hid = {hh}.id"
        f" WHERE {counted} GROUP BY {hh}.region_id"
        f" UNION ALL SELECT 1, {', '.join(item_cols)}"
        " FROM (SELECT item_id, household_id, COUNT(*) - COUNT(beneficiary_id) AS whole"
        f" FROM {ms} WHERE year = %s{in_scope} GROUP BY item_id, household_id) x"
        " LEFT JOIN pm ON pm.hid = x.household_id GROUP BY x.item_id"
    )
    region_keys = [*GROUPS, "paired", *(f"persons_{g}" for g in GROUPS), *flags]
    regions, items = [], []
    with connection.cursor() as cur:
        cur.execute(sql, params)
        for part, key, *values in cur.fetchall():
            if part == 0:
                regions.append({"region_id": key, **{k: int(v or 0) for k, v in zip(region_keys, values, strict=True)}})
            else:
                items.append({"item_id": key, "households": int(values[0]), "persons": int(values[1] or 0)})
    return Counts(regions, items)


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


def measure_items(scope: Scope, year: int, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per measure item of the year (`items` from `counts`): households, persons covered
    (adding the beneficiaries of personal measures, only where the household has no
    household-level measure of the item, else they are counted already) and amount."""
    q = connection.ops.quote_name
    ms = q(Measure._meta.db_table)
    scoped, params = _in_scope(scope, "household_id")
    # Amounts apart, in whole cents (exact on SQLite too): in the (item, household) pairs
    # they would make every one of the hundreds of thousands of groups carry a wide sum.
    amounts = (
        f"SELECT item_id, SUM(CAST(ROUND(amount * 100) AS BIGINT)) FROM {ms}"  # noqa: S608
        f" WHERE year = %s{scoped} GROUP BY item_id"
    )
    rows = {r["item_id"]: {**r, "amount": _cents(0)} for r in items}
    with connection.cursor() as cur:
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


def compute(scope: Scope, year: int, *, counted: Counts | None = None) -> dict[str, Any]:
    """The indicators of `scope` in `year` (see KEYS); the dashboard passes the counts it
    already holds."""
    with report_session():
        return _compute(scope, year, counted if counted is not None else counts(scope, year))


def _compute(scope: Scope, year: int, counted: Counts) -> dict[str, Any]:
    totals = _sum_rows(
        counted.regions,
        [*GROUPS, "paired", *(f"persons_{g}" for g in GROUPS), "students", "migrant_workers"]
        + [f"post_{c}" for c in POST_CODES],
    )
    hh = totals
    pp = {**totals, **{g: totals[f"persons_{g}"] for g in GROUPS}}
    items = measure_items(scope, year, counted.items)
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
