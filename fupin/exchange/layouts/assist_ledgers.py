"""Layouts 4 and 5 (结对帮扶, 帮扶措施) loaded set-based.

A sheet's references are resolved with one query each (chunked by key) for the whole sheet:
households by 户编号, measure items by (category, folded name), projects by name,
beneficiaries by (household, ID number, active), cadres by (name, phone), and the existing
measures and pairings of the households named. An unchanged row then costs a comparison of
plain values and nothing more.

Measures: the new ones are validated one by one with the service's own helpers
(`measure_may_add`, `measure_prepare`, i.e. `measure_problems` and `full_clean`), scope checked once per
region, and inserted with `bulk_create`; their missing plan headers likewise; the changed
ones are validated the same way and written with `bulk_update`. The change log goes through
the import's `ChangeLog` (the services' snapshots, so each row reads as the service's own).

Pairings: a row that finds its pairing as the file says is unchanged without a query; a row
that assigns or ends one still goes through `pairing_assign` / `pairing_end` (see
`load_pairings` for why).

Every refused row is reported with the message, field and column the row-by-row loader gave.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.assistance.models import Cadre, Measure, MeasureItem, Pairing, Plan, Project
from fupin.assistance.services import measure_create, measure_update, pairing_assign, pairing_end
from fupin.assistance.services.common import check_scope
from fupin.assistance.services.measures import MEASURE_FIELDS, measure_may_add, measure_prepare
from fupin.core.changelog import snapshot
from fupin.core.choices import ChangeAction
from fupin.core.errors import ApplicationError
from fupin.exchange import codes
from fupin.exchange.changes import ChangeLog
from fupin.exchange.context import ImportContext
from fupin.exchange.layouts.assist_common import Rows, household_of, missing_household, report_refusal
from fupin.regions.models import Region
from fupin.registry.models import Household, Member
from fupin.utils.text import fold

CHUNK = 2000  # keys per IN list (under SQLite's 32,766 parameters with room to spare)
BATCH = 1000  # rows per bulk INSERT / UPDATE statement


def _chunks(keys: Iterable[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    items = list(keys)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _households(codes_: Iterable[str]) -> dict[str, tuple[int, int]]:
    """户编号 → (household id, region id), one query per chunk of codes."""
    found: dict[str, tuple[int, int]] = {}
    for part in _chunks(set(codes_)):
        for code, pk, region_id in Household.objects.filter(code__in=part).values_list("code", "id", "region_id"):
            found[code] = (pk, region_id)
    return found


def _objects(model: Any, ids: Iterable[int], *related: str) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for part in _chunks(set(ids)):
        qs = model.objects.select_related(*related) if related else model.objects.all()
        out.update(qs.in_bulk(part))
    return out


class _Scope:
    """check_scope once per (permission, region): every row of a region shares the answer."""

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        self.seen: dict[tuple[str, int], ApplicationError | None] = {}

    def __call__(self, perm: str, region: Region) -> None:
        key = (perm, region.pk)
        if key not in self.seen:
            try:
                check_scope(self.ctx.change, perm, region)
                self.seen[key] = None
            except ApplicationError as exc:
                self.seen[key] = exc
        refused = self.seen[key]
        if refused is not None:
            raise refused


class _Refusals:
    """Refused rows, reported in row order once the sheet is through (as the row loop did)."""

    def __init__(self, rows: Rows, ctx: ImportContext) -> None:
        self.rows, self.ctx = rows, ctx
        self.items: list[tuple[int, dict[str, Any], Exception]] = []

    def add(self, record: dict[str, Any], exc: Exception) -> None:
        self.items.append((record["_row"], record, exc))

    def report(self) -> int:
        for _row, record, exc in sorted(self.items, key=lambda t: t[0]):
            report_refusal(self.rows, self.ctx, record, exc)
        return len(self.items)


def _start(rows: Rows, ctx: ImportContext) -> tuple[dict[str, int], _Refusals, list[dict[str, Any]], int]:
    """What a loader starts from: zero counts, no refusals yet, the rows without a bad cell
    and how many had one (already reported by the reader)."""
    bad_rows = ctx.issues.bad_rows.get(rows.sheet, set())
    records = [r for r in rows.frame.iter_rows(named=True) if r["_row"] not in bad_rows]
    return {"created": 0, "updated": 0, "unchanged": 0}, _Refusals(rows, ctx), records, rows.frame.height - len(records)


def _savepoint(refusals: _Refusals, record: dict[str, Any], call: Callable[[], str]) -> str | None:
    """One row through the services in its own savepoint; a refusal is recorded, not raised."""
    try:
        with transaction.atomic():
            return call()
    except (ValidationError, ApplicationError) as exc:
        refusals.add(record, exc)
        return None


# -- 帮扶措施 ----------------------------------------------------------------------------------


def _amount(cents: int | None) -> Decimal | None:
    return None if cents is None else (Decimal(cents) / 100).quantize(Decimal("0.01"))


def _cents(value: Decimal | None) -> int | None:
    return None if value is None else int((value * 100).to_integral_value())


def _item_error(r: dict[str, Any]) -> ValidationError:
    return ValidationError(
        {
            "item": _("措施项目“{item}”不在“{category}”类的措施目录中").format(
                item=r["item"], category=codes.labels("measure_category").get(r["category"], "")
            )
        }
    )


def _project_error(r: dict[str, Any]) -> ValidationError:
    return ValidationError({"project": _("项目“{name}”不存在").format(name=r["project"])})


def _beneficiary_error(code: str) -> ValidationError:
    return ValidationError({"beneficiary": _("受益人不是户 {code} 的在册成员").format(code=code)})


def _measure_data(r: dict[str, Any], item: Any, project: Any, beneficiary: Any) -> dict[str, Any]:
    return {
        "item": item,
        "project": project,
        "beneficiary": beneficiary,
        "amount": _amount(r["amount"]),
        "started_on": r["started_on"],
        "ended_on": r["ended_on"],
        "status": r["status"] or "done",
        "note": r["note"] or "",
        "category": r["category"],
    }


def _measure_row(r: dict[str, Any], ctx: ImportContext) -> str:
    """One row through the services, every lookup its own query: for a row whose measure an
    earlier row of the same sheet created or changed (the bulk lookups predate the sheet)."""
    h = household_of(r["code"], ctx)
    item = MeasureItem.objects.filter(category=r["category"], name=fold(r["item"])).first()
    if item is None:
        raise _item_error(r)
    project = Project.objects.filter(name=r["project"]).first() if r["project"] else None
    if r["project"] and project is None:
        raise _project_error(r)
    if h is None:
        return "created"
    beneficiary = None
    if r["beneficiary"]:
        beneficiary = Member.objects.filter(household=h, id_number=r["beneficiary"], ended_on__isnull=True).first()
        if beneficiary is None:
            raise _beneficiary_error(h.code)
    data = _measure_data(r, item, project, beneficiary)
    existing = Measure.objects.filter(
        household=h, year=r["year"], item=item, beneficiary=beneficiary, started_on=r["started_on"]
    ).first()
    if existing is None:
        measure_create(ctx=ctx.change, household=h, year=r["year"], data=data)
        return "created"
    if not any(getattr(existing, k) != v for k, v in data.items()):
        return "unchanged"
    measure_update(ctx=ctx.change, measure=existing, data=data)
    return "updated"


# What decides whether a stored measure equals a row, beside its key (household, year, item,
# beneficiary, started_on): the other values the row sets.
_COMPARED = ("project_id", "amount", "ended_on", "status", "note", "category")


def _existing_measures(household_ids: Iterable[int]) -> dict[tuple, tuple]:
    """(household, year, item, beneficiary, started_on) → (id, *_COMPARED) of the measure the
    row-by-row lookup's `.first()` found: the lowest id (the model orders by household, year,
    category, id, and an item has one category)."""
    found: dict[tuple, tuple] = {}
    fields = ("household_id", "year", "item_id", "beneficiary_id", "started_on", "id", *_COMPARED)
    for part in _chunks(set(household_ids)):
        for row in Measure.objects.filter(household_id__in=part).order_by("id").values_list(*fields):
            if row[:5] not in found:
                found[row[:5]] = (row[5], row[6], _cents(row[7]), *row[8:])
    return found


def _beneficiaries(pairs: set[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """(household id, ID number) → the active member's id."""
    found: dict[tuple[int, str], int] = {}
    households = {h for h, _n in pairs}
    for part in _chunks(households):
        qs = Member.objects.filter(household_id__in=part, ended_on__isnull=True).exclude(id_number="")
        for hid, number, pk in qs.order_by("household_id", "relation", "birth_date", "id").values_list(
            "household_id", "id_number", "id"
        ):
            if (hid, number) in pairs:
                found.setdefault((hid, number), pk)
    return found


def load_measures(rows: Rows, ctx: ImportContext, log: ChangeLog, *, write: bool) -> dict[str, Any]:
    """Set-based (see the module's docstring). Like the row loader it writes in a dry run too:
    the import's transaction is rolled back then, and every rule has been checked."""
    counts, refusals, records, rejected = _start(rows, ctx)

    households = _households(r["code"] for r in records)
    items = {(i.category, i.name): i for i in MeasureItem.objects.all()}
    names = {r["project"] for r in records if r["project"]}
    projects = {p.name: p for part in _chunks(names) for p in Project.objects.filter(name__in=part)}
    wanted = {
        (households[r["code"]][0], r["beneficiary"]) for r in records if r["beneficiary"] and r["code"] in households
    }
    members = _beneficiaries(wanted)
    existing = _existing_measures(pk for pk, _region in households.values())

    seen: set[tuple] = set()
    later: list[dict[str, Any]] = []  # rows naming a measure an earlier row of the sheet names
    new: list[tuple[dict[str, Any], int, dict[str, Any]]] = []  # record, household id, data
    changed: list[tuple[dict[str, Any], int, dict[str, Any]]] = []  # record, measure id, data
    for r in records:
        found = households.get(r["code"])
        if found is None and r["code"] not in ctx.pending_codes:
            refusals.add(r, missing_household(r["code"], ctx))
            continue
        item = items.get((r["category"], fold(r["item"])))
        if item is None:
            refusals.add(r, _item_error(r))
            continue
        project = projects.get(r["project"]) if r["project"] else None
        if r["project"] and project is None:
            refusals.add(r, _project_error(r))
            continue
        if found is None:  # created by the roster of this file, which a dry run did not write
            counts["created"] += 1
            continue
        hid = found[0]
        beneficiary = None
        if r["beneficiary"]:
            beneficiary = members.get((hid, r["beneficiary"]))
            if beneficiary is None:
                refusals.add(r, _beneficiary_error(r["code"]))
                continue
        key = (hid, r["year"], item.pk, beneficiary, r["started_on"])
        if key in seen:
            later.append(r)
            continue
        seen.add(key)
        data = _measure_data(r, item, project, beneficiary)  # the beneficiary by id until written
        stored = existing.get(key)
        if stored is None:
            new.append((r, hid, data))
            continue
        # The row loader's `_changed`: the key's fields are equal by construction.
        if stored[1:] == (project.pk if project else None, r["amount"], *(data[k] for k in _COMPARED[2:])):
            counts["unchanged"] += 1
            continue
        changed.append((r, stored[0], data))

    scope = _Scope(ctx)
    counts["created"] += _create_measures(new, ctx, log, scope, refusals)
    counts["updated"] += _update_measures(changed, ctx, log, scope, refusals)
    for r in later:
        outcome = _savepoint(refusals, r, lambda r=r: _measure_row(r, ctx))  # type: ignore[misc]
        if outcome is not None:
            counts[outcome] += 1
    rejected += refusals.report()
    return {"counts": {"measures": counts}, "rejected": rejected}


def _with_objects(data: dict[str, Any], members: dict[int, Member]) -> dict[str, Any]:
    """The row's values as the services take them: the beneficiary as a member, not an id."""
    return {**data, "beneficiary": members[data["beneficiary"]] if data["beneficiary"] else None}


def _create_measures(
    new: list[tuple[dict[str, Any], int, dict[str, Any]]],
    ctx: ImportContext,
    log: ChangeLog,
    scope: _Scope,
    refusals: _Refusals,
) -> int:
    """Validate each new measure as `measure_create` does, then insert them and the plan
    headers they lack in bulk, logged as the service logs them."""
    if not new:
        return 0
    households = _objects(Household, (hid for _r, hid, _d in new), "region")
    members = _objects(Member, (d["beneficiary"] for _r, _h, d in new if d["beneficiary"]))
    actor = ctx.change.actor if ctx.change.actor is not None and ctx.change.actor.pk else None
    ready: list[Measure] = []
    for r, hid, data in new:
        h = households[hid]
        try:
            # measure_create's checks, in its order.
            scope("assistance.add_measure", h.region)
            measure_may_add(h, r["year"])
            m = Measure(household=h, year=r["year"], created_by=actor)
            measure_prepare(m, h, _with_objects(data, members), check_constraints=False)
        except (ValidationError, ApplicationError) as exc:
            refusals.add(r, exc)
            continue
        ready.append(m)
    Measure.objects.bulk_create(ready, batch_size=BATCH)
    log.add(
        Measure,
        action=ChangeAction.CREATE,
        object_id=pl.Series([m.pk for m in ready], dtype=pl.Int64),
        repr_=pl.Series([str(m)[:200] for m in ready], dtype=pl.String),
        related_model=Household,
        related_id=pl.Series([m.household_id for m in ready], dtype=pl.Int64),
        before=pl.Series([None] * len(ready), dtype=pl.String),
        # The service's own snapshot: money and rates as it writes them, ID numbers masked.
        after=pl.Series([json.dumps(snapshot(m), ensure_ascii=False) for m in ready], dtype=pl.String),
    )
    _create_plans({(m.household_id, m.year) for m in ready}, households, log)
    return len(ready)


def _create_plans(pairs: set[tuple[int, int]], households: dict[int, Household], log: ChangeLog) -> None:
    """The plan header of each (household, year) that has a new measure and no plan yet."""
    have: set[tuple[int, int]] = set()
    for part in _chunks({h for h, _y in pairs}):
        have.update(Plan.objects.filter(household_id__in=part).values_list("household_id", "year"))
    plans = [Plan(household_id=h, year=y) for h, y in sorted(pairs - have)]
    if not plans:
        return
    Plan.objects.bulk_create(plans, batch_size=BATCH)
    frame = pl.DataFrame(
        {
            "id": [p.pk for p in plans],
            "household_id": [p.household_id for p in plans],
            "year": [p.year for p in plans],
            "goal": [p.goal for p in plans],
            "target_exit_year": pl.Series([p.target_exit_year for p in plans], dtype=pl.Int64),
            "note": [p.note for p in plans],
        }
    )
    log.add_created(
        Plan,
        frame,
        repr_=pl.Series([f"{households[p.household_id].code} {p.year}" for p in plans], dtype=pl.String),
        related_model=Household,
        related_id=frame["household_id"],
        money=set(),
    )


def _update_measures(
    changed: list[tuple[dict[str, Any], int, dict[str, Any]]],
    ctx: ImportContext,
    log: ChangeLog,
    scope: _Scope,
    refusals: _Refusals,
) -> int:
    """Validate each changed measure as `measure_update` does, write them with one bulk
    update and log the fields that changed."""
    if not changed:
        return 0
    measures = _objects(Measure, (pk for _r, pk, _d in changed), "household__region", "item")
    members = _objects(Member, (d["beneficiary"] for _r, _p, d in changed if d["beneficiary"]))
    now = timezone.now()
    ready: list[Measure] = []
    diffs: list[tuple[int, str, int, dict, dict]] = []
    for r, pk, data in changed:
        m = measures[pk]
        h = m.household
        try:
            scope("assistance.change_measure", h.region)
            before = snapshot(m)
            measure_prepare(m, h, _with_objects(data, members), check_constraints=False)
        except (ValidationError, ApplicationError) as exc:
            refusals.add(r, exc)
            continue
        m.updated = now
        ready.append(m)
        after = snapshot(m)
        keys = [k for k in after if after[k] != before.get(k)]
        if keys:  # log_update writes nothing when no field changed
            diffs.append((m.pk, str(m)[:200], h.pk, {k: before.get(k) for k in keys}, {k: after[k] for k in keys}))
    fields = [*MEASURE_FIELDS, "category", "interest_subsidy", "updated"]
    Measure.objects.bulk_update(ready, fields, batch_size=BATCH)
    log.add_diffs(Measure, diffs, action=ChangeAction.UPDATE, related_model=Household)
    return len(ready)


# -- 结对帮扶 ----------------------------------------------------------------------------------


def _cadre_error(r: dict[str, Any], ctx: ImportContext) -> ValidationError:
    refused = ctx.refused.get(("cadre", r["cadre_name"], r["cadre_phone"]))
    message = (
        _("帮扶责任人 {name}（电话 {phone}）在工作表“{sheet}”第 {row} 行有错误，未导入")
        if refused
        else _("帮扶责任人 {name}（{phone}）不存在（请先导入帮扶干部）")
    )
    sheet, row = refused or ("", 0)
    return ValidationError(
        {"cadre_name": message.format(name=r["cadre_name"], phone=r["cadre_phone"], sheet=sheet, row=row)}
    )


def _pairing_row(r: dict[str, Any], household: Household, cadre: Cadre, ctx: ImportContext) -> str:
    """One row through the pairing services (they read the household and cadre afresh)."""
    existing = Pairing.objects.filter(household=household, cadre=cadre, started_on=r["started_on"]).first()
    reason = _("导入结对帮扶台账")
    if existing is None:
        pairing = pairing_assign(
            ctx=ctx.change, household=household, cadre=cadre, started_on=r["started_on"], reason=reason
        )
        if r["ended_on"]:
            pairing_end(ctx=ctx.change, pairing=pairing, ended_on=r["ended_on"], reason=reason)
        return "created"
    if r["ended_on"] and existing.ended_on is None:
        pairing_end(ctx=ctx.change, pairing=existing, ended_on=r["ended_on"], reason=reason)
        return "updated"
    return "unchanged"


def _cadres(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """(name, phone) → cadre id, the first by the model's order (name, phone) then id."""
    found: dict[tuple[str, str], int] = {}
    for part in _chunks({n for n, _p in pairs}):
        for name, phone, pk in (
            Cadre.objects.filter(name__in=part).order_by("name", "phone", "id").values_list("name", "phone", "id")
        ):
            if (name, phone) in pairs:
                found.setdefault((name, phone), pk)
    return found


def _existing_pairings(household_ids: Iterable[int]) -> dict[tuple, tuple]:
    """(household, cadre, started_on) → (id, ended_on) of the pairing `.first()` found: the
    model orders a household's pairings by -started_on, -id, so the highest id of a key."""
    found: dict[tuple, tuple] = {}
    for part in _chunks(set(household_ids)):
        qs = Pairing.objects.filter(household_id__in=part).order_by("-id")
        for hid, cid, started, pk, ended in qs.values_list("household_id", "cadre_id", "started_on", "id", "ended_on"):
            found.setdefault((hid, cid, started), (pk, ended))
    return found


def load_pairings(rows: Rows, ctx: ImportContext, log: ChangeLog, *, write: bool) -> dict[str, Any]:
    """References and existing pairings are resolved for the whole sheet; a row whose pairing
    is stored as the file has it is unchanged without a query.

    A row that assigns or ends a pairing still calls `pairing_assign` / `pairing_end`, one
    row at a time in (户编号, 开始日期) order: their rules read the state the previous rows
    left — the household's active pairing that a new one ends (and must not start before),
    the cadre's number of active pairings against the year's maximum — so one row's outcome
    depends on the rows before it. Once a household has been written, its later rows are
    looked up afresh as well (the sheet-wide lookups predate that write)."""
    rows.frame = rows.frame.sort(["code", "started_on"], nulls_last=False)
    counts, refusals, records, rejected = _start(rows, ctx)

    households = _households(r["code"] for r in records)
    cadres = _cadres({(r["cadre_name"], r["cadre_phone"]) for r in records})
    existing = _existing_pairings(pk for pk, _region in households.values())
    touched: set[int] = set()
    for r in records:
        found = households.get(r["code"])
        if found is None and r["code"] not in ctx.pending_codes:
            refusals.add(r, missing_household(r["code"], ctx))
            continue
        cadre_id = cadres.get((r["cadre_name"], r["cadre_phone"]))
        if cadre_id is None:
            refusals.add(r, _cadre_error(r, ctx))
            continue
        if found is None:  # created by the roster of this file, which a dry run did not write
            counts["created"] += 1
            continue
        hid = found[0]
        if hid not in touched:
            stored = existing.get((hid, cadre_id, r["started_on"]))
            if stored is not None and not (r["ended_on"] and stored[1] is None):
                counts["unchanged"] += 1
                continue
        touched.add(hid)
        h, cadre = Household(pk=hid, code=r["code"]), Cadre(pk=cadre_id)
        outcome = _savepoint(refusals, r, lambda r=r, h=h, c=cadre: _pairing_row(r, h, c, ctx))  # type: ignore[misc]
        if outcome is not None:
            counts[outcome] += 1
    rejected += refusals.report()
    return {"counts": {"pairings": counts}, "rejected": rejected}
