"""Demo phase of identification (called by fupin.demo.generator after the registry load).

Records 不愁吃/不愁穿 checks for most registered households, opens a few admission and
removal cases at different steps of 两公示一公告 (one in its notice with an open objection,
one waiting for the district), loads three department lists (vehicles, 低保, deaths) with a
few planted matches, and runs one re-check so that the queues, the township results and
every household's explained assessment have something to show. Everything goes through the
same services as the pages (with the demo accounts as actors when they exist), so the demo
exercises the real paths.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone

from fupin.core.changelog import Context
from fupin.core.jobs import Progress
from fupin.core.models import Job
from fupin.identification.models import Finding, NeedsCheck
from fupin.identification.services import applications as svc
from fupin.identification.services.comparison import comparison_run_file
from fupin.identification.services.recheck import recheck_create, recheck_run
from fupin.regions.models import Region
from fupin.registry.models import Household, Member
from fupin.registry.services import household_year_save, member_add, member_update
from fupin.utils import idno

DACHANG = "430405014201"
# Households per query: well below SQLite's limit on the variables of one statement (999 in
# older builds), so that a district of 300,000 households never puts every id into one query.
CHUNK = 2000
HOMOPHONE_SURNAMES = {"张": "章", "王": "汪", "李": "黎", "刘": "柳", "陈": "程", "罗": "骆", "周": "邹", "曾": "增"}


def _ctx(base: Context, user: Any) -> Context:
    return Context(actor=user, source=base.source, batch_id=base.batch_id, reason=base.reason)


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _registered(household_ids: list[int], chunk: int) -> Iterator[list[int]]:
    """The registered households among `household_ids`, in id order, `chunk` ids per query."""
    for part in _chunks(sorted(set(household_ids)), chunk):
        yield list(Household.objects.filter(pk__in=part, registered=True).order_by("pk").values_list("pk", flat=True))


def _needs(rng: random.Random, year: int, household_ids: list[int], chunk: int) -> int:
    """Checks for about three households in four. The generator is drawn in household order,
    so the checks do not depend on the chunk size."""
    today = timezone.localdate()
    checked_on = min(dt.date(year, 10, 15), today)
    made = 0
    for ids in _registered(household_ids, chunk):
        rows = [
            NeedsCheck(
                household_id=pk,
                year=year,
                food_secure=rng.random() > 0.04,
                clothing_secure=rng.random() > 0.03,
                checked_on=checked_on,
                note="入户核实（演示数据）",
            )
            for pk in ids
            if rng.random() < 0.75
        ]
        NeedsCheck.objects.bulk_create(rows, batch_size=chunk)
        made += len(rows)
    return made


def _cases(rng: random.Random, year: int, ctx: Context, users: dict[str, Any]) -> int:
    """Admission and removal cases in 大昌村 at several steps, walked with the demo accounts."""
    cadre, township, district = users.get("cadre"), users.get("township"), users.get("district")
    village = Region.objects.filter(code=DACHANG).first()
    if village is None:
        return 0
    # In the demo cadre's village, so that the cadre's queue shows them.
    base = Household.objects.filter(region__path__startswith=village.path, closed_on__isnull=True)
    outsiders = list(base.filter(registered=False).order_by("pk")[:6])
    registered = list(base.filter(registered=True, status="not_exited").order_by("pk")[:1])
    today = timezone.localdate()
    long_ago = today - dt.timedelta(days=30)
    by = {"cadre": _ctx(ctx, cadre), "township": _ctx(ctx, township), "district": _ctx(ctx, district)}
    admission = {"attribute": "1", "main_cause": "01", "reason": "家庭成员患大病，收入低于标准（演示）"}
    made = 0
    for i, h in enumerate(outsiders):
        app = svc.application_propose(
            ctx=by["cadre"],
            household=h,
            kind="admission",
            year=year,
            data={**admission, "main_cause": rng.choice(["01", "02", "07", "08"])},
        )
        made += 1
        if i < 2:
            continue  # waiting for the democratic appraisal
        recent = i == 2
        app = svc.appraisal_record(
            ctx=by["township"],
            application=app,
            meeting_date=today if recent else long_ago,
            representatives=31,
            present=27,
            votes_for=24,
            votes_against=2,
            notice_from=today if recent else long_ago,
        )
        if recent:
            svc.objection_record(
                ctx=by["township"],
                application=app,
                raised_by_name="村民（匿名）",
                content="反映该户在城区有门面出租（演示）",
            )
            continue  # in its first notice, with an objection to answer
        app = svc.notice_close(ctx=by["township"], application=app, passed=True, comment="公示期满无异议")
        if i == 3:
            continue  # waiting for the township review
        app = svc.township_review(
            ctx=by["township"], application=app, passed=True, notice_from=long_ago + dt.timedelta(days=8)
        )
        app = svc.notice_close(ctx=by["township"], application=app, passed=True, comment="第二次公示无异议")
        if i == 4:
            continue  # waiting for the district's approval
        svc.district_approve(ctx=by["district"], application=app, passed=True, comment="经比对无异常")
    for h in registered:
        svc.application_propose(
            ctx=by["cadre"], household=h, kind="removal", year=year, data={"reason": "家庭成员为财政供养人员（演示）"}
        )
        made += 1
    return made


def _write_list(rows: list[tuple[str, str, str]], header: str) -> Path:
    fd, name = tempfile.mkstemp(suffix=".csv")
    with open(fd, "w", encoding="utf-8-sig") as fh:
        fh.write(header + "\n")
        fh.writelines(",".join(r) + "\n" for r in rows)
    return Path(name)


def _lists(rng: random.Random, year: int, ctx: Context) -> int:
    district = Region.objects.filter(code="430405").first()
    if district is None:
        return 0
    registered = list(
        Member.objects.filter(ended_on__isnull=True, household__registered=True)
        .order_by("pk")
        .values_list("name", "id_number")[:4000]
    )
    outsiders = list(
        Member.objects.filter(ended_on__isnull=True, household__registered=False)
        .order_by("pk")
        .values_list("name", "id_number")[:4000]
    )
    if not registered:
        return 0

    def strangers(n: int) -> list[tuple[str, str]]:
        return [
            (
                "某某",
                idno.make(
                    "430405", dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(15000)), rng.randrange(0, 999)
                ),
            )
            for _ in range(n)
        ]

    specs = [
        (
            "vehicle",
            "姓名,证件号码,车牌号,车辆类型",
            [
                (n, i, f"湘D{rng.randrange(10000, 99999)},小型轿车")
                for n, i in rng.sample(registered, min(4, len(registered)))
            ]
            + [(n, i, f"湘D{rng.randrange(10000, 99999)},小型轿车") for n, i in strangers(40)],
        ),
        (
            "dibao",
            "姓名,证件号码,低保证号",
            [(n, i, f"DB{rng.randrange(100000, 999999)}") for n, i in rng.sample(outsiders, min(3, len(outsiders)))]
            + [(n, i, f"DB{rng.randrange(100000, 999999)}") for n, i in strangers(20)],
        ),
        (
            "death",
            "姓名,证件号码,死亡日期",
            [(n, i, f"{year}-0{rng.randrange(1, 9)}-1{rng.randrange(0, 9)}") for n, i in rng.sample(registered, 2)],
        ),
    ]
    loaded = 0
    for kind, header, rows in specs:
        path = _write_list([(n, i, e) for n, i, e in rows], header)
        try:
            comparison_run_file(ctx=ctx, path=path, file_name=f"{kind}-{year}.csv", region=district, kind=kind)
            loaded += 1
        finally:
            path.unlink(missing_ok=True)
    return loaded


def _plant(year: int, ctx: Context) -> None:
    """Two leads the re-check should find: a 未脱贫 household whose income rose above the line,
    and a person recorded again in another village under a homophone name (张伟 / 章威)."""
    poor = (
        Household.objects.filter(
            registered=True, status="not_exited", closed_on__isnull=True, region__code__startswith=DACHANG[:9]
        )
        .exclude(identification_applications__step__in=["applied", "candidate"])
        .order_by("-pk")
        .first()
    )
    if poor is not None:
        for m in Member.objects.filter(household=poor, ended_on__isnull=True):
            member_update(ctx=ctx, member=m, data={"ins_medical": True, "ins_serious_illness": True})
        household_year_save(
            ctx=ctx,
            household=poor,
            year=year,
            data={"wage_income": Decimal("30000"), "house_grade": "B", "dangerous_house": False, "water_safe": True},
        )
    heads = list(
        Member.objects.filter(ended_on__isnull=True, relation="01", household__registered=True)
        .select_related("household")
        .order_by("pk")[:200]
    )
    original = next((h for h in heads if h.name[:1] in HOMOPHONE_SURNAMES), None)
    other = next((h for h in heads if original and h.household.region_id != original.household.region_id), None)
    if original is None or other is None:
        return
    # A fresh number with the same birth date and sex (odd sequence for men, even for women).
    numbers = (
        idno.make("430405", original.birth_date, seq) for seq in range(501 if original.sex == "1" else 500, 999, 2)
    )
    number = next((n for n in numbers if not Member.objects.filter(id_number=n).exists()), None)
    if number is None:
        return
    alike = HOMOPHONE_SURNAMES[original.name[0]]
    # Joined within the demo's year, like the rest of its data: the year's household size
    # counts the person, so a roster exported for the year re-imports unchanged.
    member_add(
        ctx=ctx,
        household=other.household,
        reason="07",
        on=dt.date(year, 12, 1),
        data={
            "name": alike + original.name[1:],
            "id_number": number,
            "relation": "99",
            "education": "03",
            "health": "01",
            "labour_skill": "1",
        },
    )


def populate(*, rng: random.Random, year: int, ctx: Any, chunk: int | None = None) -> dict[str, int]:
    """Households are read and written `chunk` at a time (CHUNK by default); the data is the
    same whatever the chunk size."""
    counts = {"needs_checks": _needs(rng, year, ctx.household_ids, chunk or CHUNK)}
    counts["applications"] = _cases(rng, year, ctx.change, ctx.users)
    counts["comparison_lists"] = _lists(rng, year, ctx.change)
    _plant(year, ctx.change)
    recheck = recheck_create(ctx=ctx.change, year=year)
    totals = recheck_run(recheck=recheck, progress=Progress(Job(kind="recheck")))
    counts["assessments"] = totals["assessed"]
    counts["findings"] = Finding.objects.count()
    return counts
