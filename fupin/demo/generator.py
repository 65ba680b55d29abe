"""The demo district: a realistic, deterministic rural population for 珠晖区.

`generate_district(households=2000, seed=2017, year=2017)` loads about 2,000 households
and 7,000 persons into the registry, spread over the villages of the bundled region tree
(and the groups of 大昌村), more of them in 东阳渡街道. The same seed on an empty registry
gives the same households, people and ID numbers; test fixtures call it with small
`households=` values and the benchmarks with large ones.

It is set-based: rows are built in Python lists and written in chunks (households with
`bulk_create`, then members, yearly facts, status events and one change-log row per
household with `executemany` through `fupin.demo.bulk.insert_rows`), never through the
per-row services. It still keeps every registry invariant
(one active head per household, unique active ID numbers, education xor school status,
work months iff work status, exit year when exited), which the database constraints
would otherwise reject. The whole load is one transaction: it lands complete or not at all.

Later issues extend the demo through phases. After the registry load, each module named
in `DEMO_PHASES` that exists is imported and its

    populate(*, rng: random.Random, year: int, ctx: DemoContext) -> dict[str, int] | None

is called in order, inside the same transaction. `rng` is seeded from the run's seed and
the module's name (a phase's data does not shift when another phase changes); `ctx`
carries the change-log `Context`, the ids of the households just created, the demo users
(empty in tests that bring their own cast) and the regions by code. The counts a phase
returns are added to the summary that `fupin demo` prints. A phase module that does not
exist is skipped; an import error inside an existing one is a bug and is raised.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import importlib.util
import random
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.changelog import Context, change_row, snapshot
from fupin.core.choices import ChangeAction, ChangeSource
from fupin.core.models import ObjectChange
from fupin.demo import economy, names, people
from fupin.demo.bulk import insert_rows
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.regions.services import RegionRow, regions_import
from fupin.registry.choices import Attribute, PovertyStatus, Relation, Standard, StatusEventKind
from fupin.registry.models import Household, HouseholdStatusEvent, HouseholdYear, Member

DEMO_PHASES = ["fupin.assistance.demo", "fupin.identification.demo", "fupin.monitoring.demo"]
REGION_FILE = Path(__file__).resolve().parent.parent / "regions" / "data" / "zhuhui.csv"
DISTRICT = "430405"
BUSY_TOWNSHIP = "430405014"  # 东阳渡街道: the article's villages, twice as many households each
CHUNK = 2000
FIRST_YEAR = 2014  # 建档立卡 began in 2014
NOTE = "演示数据"


class ProgressLike(Protocol):
    def start(self, total: int, message: str = "") -> None: ...
    def advance(self, n: int = 1) -> None: ...
    def step(self, message: str) -> None: ...


@dataclass
class DemoContext:
    """What a demo phase gets besides its random generator and the year."""

    change: Context
    seed: int
    year: int
    household_ids: list[int] = field(default_factory=list)
    users: dict[str, Any] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)


@dataclass
class _Place:
    region: Region
    village_code: str
    weight: float


def regions_ensure(ctx: Context) -> None:
    """Load the bundled region tree of 珠晖区 when the district is not there yet."""
    if Region.objects.filter(code=DISTRICT).exists():
        return
    with REGION_FILE.open(encoding="utf-8") as fh:
        rows = [
            RegionRow(line=i, code=r["代码"], name=r["名称"], parent_code=r["上级代码"], verified=r["已核实"] == "1")
            for i, r in enumerate(csv.DictReader(fh), start=2)
        ]
    result = regions_import(rows=rows, ctx=ctx)
    if result.errors:
        raise RuntimeError("; ".join(result.errors))


def _places() -> list[_Place]:
    """Where households live: each village of the district, or its groups where it has them."""
    district = Region.objects.get(code=DISTRICT)
    below = list(
        Region.objects.filter(
            path__startswith=district.path, level__in=(RegionLevel.VILLAGE, RegionLevel.GROUP)
        ).order_by("code")
    )
    villages = [r for r in below if r.level == RegionLevel.VILLAGE]
    groups: dict[str, list[Region]] = {}
    for r in below:
        if r.level == RegionLevel.GROUP:
            groups.setdefault(r.code[:12], []).append(r)
    places: list[_Place] = []
    for v in villages:
        weight = 2.0 if v.code.startswith(BUSY_TOWNSHIP) else 1.0
        homes = groups.get(v.code, [v])
        places.extend(_Place(region=g, village_code=v.code, weight=weight / len(homes)) for g in homes)
    if not places:
        raise RuntimeError(f"区划 {DISTRICT} 下没有行政村，无法生成演示农户")
    return places


def _next_numbers(places: list[_Place]) -> dict[str, int]:
    """Per village, the next free 5-digit sequence of its 户编号 (village code + 5 digits)."""
    nxt = {p.village_code: 1 for p in places}
    for code in Household.objects.filter(code__regex=r"^\d{17}$").values_list("code", flat=True):
        if code[:12] in nxt:
            nxt[code[:12]] = max(nxt[code[:12]], int(code[12:]) + 1)
    return nxt


def _status(rng: random.Random, year: int) -> dict[str, Any]:
    """Registration, identification year and exit/return status of a registered household."""
    years = list(range(FIRST_YEAR, year + 1))
    ident = rng.choices(years, weights=[{2014: 62, 2015: 18, 2016: 14, 2017: 6}.get(y, 3) for y in years])[0]
    facts: dict[str, Any] = {
        "identified_year": ident,
        "exit_year": None,
        "return_year": None,
        "status": PovertyStatus.NOT_EXITED,
    }
    if rng.random() < (0.76 if ident < year else 0.15):
        exits = list(range(ident, year + 1))
        exit_weights = [{2014: 10, 2015: 25, 2016: 35, 2017: 30, 2018: 30, 2019: 30, 2020: 20}.get(y, 5) for y in exits]
        facts["exit_year"] = rng.choices(exits, weights=exit_weights)[0]
        facts["status"] = PovertyStatus.EXITED
        if facts["exit_year"] < year and rng.random() < 0.045:
            facts["status"] = PovertyStatus.RETURNED
            facts["return_year"] = rng.randint(facts["exit_year"] + 1, year)
    return facts


def _day(rng: random.Random, year: int, months: tuple[int, int]) -> dt.date:
    on = dt.date(year, rng.randint(*months), rng.randint(1, 28))
    return min(on, timezone.localdate())


@dataclass
class _Built:
    household: Household
    members: list[people.Person]
    year_facts: dict[str, Any]
    events: list[dict[str, Any]]


def _build(rng: random.Random, place: _Place, code: str, *, year: int, ref: dt.date, used_ids: set[str]) -> _Built:
    registered = rng.random() < 0.85
    attribute = ""
    if registered:
        attribute = rng.choices((Attribute.GENERAL, Attribute.DIBAO, Attribute.TEKUN), weights=(87, 10, 3))[0]
    tekun = attribute == Attribute.TEKUN
    size = rng.choices((1, 2), weights=(70, 30))[0] if tekun else people.household_size(rng)
    members = people.compose(rng, size, tekun=tekun)
    cause = people.main_cause(rng, members, tekun=tekun) if registered else ""
    people.assign_health(rng, members, cause)

    status: dict[str, Any] = {"identified_year": None, "exit_year": None, "return_year": None, "status": ""}
    registered_on = dt.date(year, 3, 1)
    if registered:
        status = _status(rng, year)
        registered_on = _day(rng, status["identified_year"], (4, 10))
    people.finish(
        rng,
        members,
        ref=ref,
        registered=registered,
        attribute=attribute,
        registered_on=registered_on,
        used_ids=used_ids,
    )
    for i, p in enumerate(members, start=1):
        p.facts["person_code"] = f"{code}{i:02d}"

    children = [p for p in members if p.relation in (Relation.SON, Relation.DAUGHTER)]
    head = members[0]
    h = Household(
        code=code,
        region=place.region,
        hamlet="" if place.region.level == RegionLevel.GROUP else rng.choice(names.HAMLETS),
        registered=registered,
        attribute=attribute,
        main_cause=cause,
        other_causes=people.other_causes(rng, cause) if registered else "",
        standard=(Standard.NATIONAL if rng.random() < 0.92 else Standard.PROVINCIAL) if registered else "",
        military_family=rng.random() < 0.01,
        only_child=len(children) == 1 and rng.random() < 0.6,
        two_daughters=len(children) == 2 and all(c.relation == Relation.DAUGHTER for c in children),
        phone=head.facts["phone"],
        bank_name=names.BANK_NAME if registered else "",
        bank_account=names.bank_account(rng) if registered else "",
        **status,
    )
    cond = economy.conditions(rng, registered=registered, status=h.status)
    year_facts = {
        **cond,
        **economy.income(
            rng,
            members,
            registered=registered,
            status=h.status,
            forest=cond["forest_land"],
            cooperative=bool(cond["cooperative"]),
        ),
    }

    events: list[dict[str, Any]] = []
    if registered:
        events.append(
            {
                "kind": StatusEventKind.REGISTERED,
                "year": h.identified_year,
                "on": registered_on,
                "status_before": "",
                "status_after": PovertyStatus.NOT_EXITED,
            }
        )
    if h.exit_year:
        exited_on = max(_day(rng, h.exit_year, (11, 12)), registered_on)
        events.append(
            {
                "kind": StatusEventKind.EXITED,
                "year": h.exit_year,
                "on": exited_on,
                "status_before": PovertyStatus.NOT_EXITED,
                "status_after": PovertyStatus.EXITED,
            }
        )
    if h.return_year:
        events.append(
            {
                "kind": StatusEventKind.RETURNED,
                "year": h.return_year,
                "on": _day(rng, h.return_year, (3, 10)),
                "status_before": PovertyStatus.EXITED,
                "status_after": PovertyStatus.RETURNED,
            }
        )
    return _Built(h, members, year_facts, events)


def _write(chunk: list[_Built], *, year: int, ctx: Context) -> dict[str, int]:
    # Households through bulk_create for their new primary keys; the rest through executemany.
    Household.objects.bulk_create([b.household for b in chunk], batch_size=500)
    members = insert_rows(Member, ({**p.facts, "household_id": b.household.pk} for b in chunk for p in b.members))
    insert_rows(HouseholdYear, ({**b.year_facts, "household_id": b.household.pk, "year": year} for b in chunk))
    events = insert_rows(
        HouseholdStatusEvent, ({**e, "household_id": b.household.pk, "note": NOTE} for b in chunk for e in b.events)
    )
    insert_rows(
        ObjectChange,
        (
            change_row(ctx, obj=b.household, action=ChangeAction.CREATE, before=None, after=snapshot(b.household))
            for b in chunk
        ),
    )
    return {"members": members, "events": events}


def _run_phases(seed: int, year: int, ctx: DemoContext, progress: ProgressLike | None) -> dict[str, Any]:
    counts: dict[str, Any] = {}
    for path in DEMO_PHASES:
        try:
            spec = importlib.util.find_spec(path)
        except ModuleNotFoundError:
            spec = None
        if spec is None:
            continue
        if progress is not None:
            progress.step(f"{NOTE}: {path}")
        module = importlib.import_module(path)
        result = module.populate(rng=random.Random(f"{seed}:{path}"), year=year, ctx=ctx) or {}
        counts[path] = result
    return counts


def generate_district(
    *,
    households: int = 2000,
    seed: int = 2017,
    year: int = 2017,
    progress: ProgressLike | None = None,
    users: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Load the demo population; returns counts, the change-log batch id and the time taken."""
    if households < 0:
        raise ValueError("households must be >= 0")
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise ValueError(f"year must be between {FIRST_YEAR} and this year")
    started = time.perf_counter()
    rng = random.Random(seed)
    # A fresh batch id for every load, even with the same seed: it names this load in the change log.
    ctx = Context(actor=None, source=ChangeSource.COMMAND, batch_id=uuid.uuid4(), reason=NOTE)
    ref = min(dt.date(year, 9, 1), timezone.localdate())
    totals = {"households": 0, "members": 0, "years": 0, "events": 0}
    demo_ctx = DemoContext(change=ctx, seed=seed, year=year, users=users or {})
    with transaction.atomic():
        regions_ensure(ctx)
        places = _places()
        weights = [p.weight for p in places]
        numbers = _next_numbers(places)
        used_ids = set(Member.objects.active().values_list("id_number", flat=True))
        if progress is not None:
            progress.start(households, _("生成演示农户"))
        for start in range(0, households, CHUNK):
            chunk = []
            for place in rng.choices(places, weights=weights, k=min(CHUNK, households - start)):
                code = f"{place.village_code}{numbers[place.village_code]:05d}"
                numbers[place.village_code] += 1
                chunk.append(_build(rng, place, code, year=year, ref=ref, used_ids=used_ids))
            written = _write(chunk, year=year, ctx=ctx)
            demo_ctx.household_ids.extend(b.household.pk for b in chunk)
            totals["households"] += len(chunk)
            totals["years"] += len(chunk)
            totals["members"] += written["members"]
            totals["events"] += written["events"]
            if progress is not None:
                progress.advance(len(chunk))
        demo_ctx.regions = {r.code: r for r in Region.objects.all()}
        phases = _run_phases(seed, year, demo_ctx, progress)
    return {
        **totals,
        "phases": phases,
        "batch_id": str(ctx.batch_id),
        "seconds": round(time.perf_counter() - started, 2),
    }
