"""Demo phase of the assistance area (called by fupin.demo.generator after the registry load).

Creates linked units, one resident work team per village with registered households, cadres
(the demo village-cadre accounts become cadre records of their villages), pairings for all
but a few registered households (some with an earlier, ended pairing), a plan per household
and measures that answer its causes (health for 因病, education for students, housing for
C/D houses, 兜底 for 低保/特困, microcredit for some 缺资金, jobs and posts for members
who hold them, a PV station and an e-commerce point), visits in the demo year plus recent
ones for most households, and some small wishes in every state. Everything is built in
lists and written with bulk_create, a chunk of households at a time (ids are never put into
one query all at once); each top-level record gets its change-log row.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from fupin.assistance.choices import Affiliation, CadrePost, MeasureStatus, ProjectKind, WishStatus
from fupin.assistance.models import (
    Cadre,
    Donor,
    LeadingGroupMember,
    LinkedUnit,
    Measure,
    MeasureItem,
    Pairing,
    Plan,
    Project,
    Visit,
    Wish,
    WishClaim,
    WorkTeam,
)
from fupin.assistance.policy import credit_policy, microcredit_interest_subsidy, workload_policy
from fupin.core.changelog import change_row, snapshot
from fupin.core.choices import ChangeAction
from fupin.core.errors import ApplicationError
from fupin.core.models import ObjectChange
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.registry.choices import (
    COMPULSORY_SCHOOL,
    VOCATIONAL_SCHOOL,
    Attribute,
    Cause,
    PovertyStatus,
    Relation,
)
from fupin.registry.models import Household, HouseholdYear, Member

UNITS = [
    ("湖南省交通运输厅", Affiliation.PROVINCE),
    ("湖南省农业农村厅", Affiliation.PROVINCE),
    ("衡阳市扶贫开发办公室", Affiliation.CITY),
    ("衡阳市财政局", Affiliation.CITY),
    ("衡阳市水利局", Affiliation.CITY),
    ("衡阳市卫生健康委员会", Affiliation.CITY),
    ("国网衡阳供电公司", Affiliation.CITY),
    ("中国建设银行衡阳分行", Affiliation.CITY),
    ("珠晖区委组织部", Affiliation.COUNTY),
    ("珠晖区农业农村局", Affiliation.COUNTY),
    ("珠晖区教育局", Affiliation.COUNTY),
    ("珠晖区民政局", Affiliation.COUNTY),
    ("珠晖区人力资源和社会保障局", Affiliation.COUNTY),
    ("珠晖区住房和城乡建设局", Affiliation.COUNTY),
    ("珠晖区卫生健康局", Affiliation.COUNTY),
    ("珠晖区医疗保障局", Affiliation.COUNTY),
    ("珠晖区市场监督管理局", Affiliation.COUNTY),
    ("珠晖区财政局", Affiliation.COUNTY),
    ("东阳渡街道办事处", Affiliation.TOWNSHIP),
    ("酃湖乡人民政府", Affiliation.TOWNSHIP),
    ("茶山坳镇人民政府", Affiliation.TOWNSHIP),
    ("和平乡人民政府", Affiliation.TOWNSHIP),
    ("衡阳警备区", Affiliation.ARMY),
]
GROUP = [
    ("唐建华", "区委书记", "head"),
    ("刘志明", "区长", "deputy"),
    ("陈国平", "区委副书记", "deputy"),
    ("周卫东", "区扶贫办主任", "office_head"),
    ("谢丽萍", "区财政局局长", "member"),
    ("彭海军", "区农业农村局局长", "member"),
    ("李晓红", "区民政局局长", "member"),
]
TEAM_POSTS = [CadrePost.FIRST_SECRETARY_LEADER, CadrePost.MEMBER, CadrePost.MEMBER]
UNPAIRED_SHARE = 0.01
# Households per round trip: well below SQLite's limit on the variables of one statement.
CHUNK = 2000
NOTE = "演示数据"


class _Log:
    """Collects change-log rows and writes them in one bulk insert."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.rows: list[ObjectChange] = []

    def created(self, objs: list[Any], related: dict[int, Any] | None = None) -> None:
        for obj in objs:
            rel = related.get(obj.household_id) if related is not None and hasattr(obj, "household_id") else None
            self.rows.append(
                change_row(self.ctx, obj=obj, action=ChangeAction.CREATE, before=None, after=snapshot(obj), related=rel)
            )

    def flush(self) -> None:
        ObjectChange.objects.bulk_create(self.rows, batch_size=1000)
        self.rows = []


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


# fupin.demo sits above this app in the layer order, so the phase keeps its own small name
# and phone generator rather than importing the registry demo's.
SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭何罗高林谢唐彭曾邓"
GIVEN = "建国志强明华卫东晓燕丽红海军文斌国平伟杰春梅秀英俊峰立新雪琴"


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _phone(rng: random.Random, used: set[str]) -> str:
    while True:
        phone = rng.choice(("139", "138", "137", "135", "158", "187")) + f"{rng.randrange(10**8):08d}"
        if phone not in used:
            used.add(phone)
            return phone


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class _Env:
    """What the per-household builders share: the year, the taxonomy, policies and projects.

    Each stage draws from its own generator, taken in household order, so the data does not
    depend on the chunk size."""

    pair_rng: random.Random
    measure_rng: random.Random
    visit_rng: random.Random
    year: int
    year_end: dt.date
    today: dt.date
    items: dict[str, MeasureItem]
    floor_standard: Decimal | None
    credit: Any
    pv: Project
    shop: Project


def populate(*, rng: random.Random, year: int, ctx: Any, chunk: int | None = None) -> dict[str, int]:
    """Households are read and written `chunk` at a time (CHUNK by default): a district of
    300,000 households never puts more than that many ids into one query."""
    chunk = chunk or CHUNK
    log = _Log(ctx.change)
    today = timezone.localdate()
    year_end = min(dt.date(year, 12, 31), today)
    ids = sorted(set(ctx.household_ids))
    rows: list[tuple[int, int]] = []
    for part in _chunks(ids, chunk):
        rows.extend(
            Household.objects.filter(pk__in=part, registered=True, closed_on__isnull=True)
            .order_by("pk")
            .values_list("pk", "region_id")
        )
    if not rows:
        return {}
    regions = dict(ctx.regions or {})
    by_id = {r.pk: r for r in regions.values()}
    missing = {rid for _pk, rid in rows if rid not in by_id}
    if missing:  # a few hundred regions at most
        by_id.update(Region.objects.in_bulk(list(missing)))
        regions.update({r.code: r for r in by_id.values()})
    district = regions.get("430405")

    # Linked units and the leading group ----------------------------------------------------
    existing_units = {u.name: u for u in LinkedUnit.objects.all()}
    new_units = [LinkedUnit(name=n, affiliation=a, note=NOTE) for n, a in UNITS if n not in existing_units]
    LinkedUnit.objects.bulk_create(new_units)
    log.created(new_units)
    units = list(LinkedUnit.objects.filter(name__in=[n for n, _a in UNITS]).order_by("pk"))
    if district is not None and not LeadingGroupMember.objects.filter(region=district).exists():
        group = [
            LeadingGroupMember(region=district, name=n, post=p, group_role=r, started_on=dt.date(2016, 1, 1))
            for n, p, r in GROUP
        ]
        LeadingGroupMember.objects.bulk_create(group)
        log.created(group)

    # Villages: a household's region is a village or one of its groups ----------------------
    village_of_region: dict[int, Any] = {}
    for rid in {rid for _pk, rid in rows}:
        r = by_id[rid]
        village_of_region[rid] = (regions.get(r.code[:12]) or r) if r.level == RegionLevel.GROUP else r
    sizes: Counter[int] = Counter(village_of_region[rid].pk for _pk, rid in rows)
    villages = {v.pk: v for v in village_of_region.values()}

    teams = _teams(rng, villages, units, log)
    cadres_by_village = _cadres(rng, year, ctx, villages, sizes, teams, units)
    all_cadres = [c for batch in cadres_by_village.values() for c in batch]
    log.created(all_cadres)
    log.flush()

    env = _Env(
        pair_rng=random.Random(rng.random()),
        measure_rng=random.Random(rng.random()),
        visit_rng=random.Random(rng.random()),
        year=year,
        year_end=year_end,
        today=today,
        items={i.name: i for i in MeasureItem.objects.all()},
        floor_standard=_floor_standard(district, year),
        credit=credit_policy(year),
        pv=Project(
            name=f"{NOTE}·东阳渡光伏扶贫电站",
            kind=ProjectKind.PHOTOVOLTAIC,
            region=district or by_id[rows[0][1]],
            funding=Decimal("3200000"),
            funding_source="财政专项扶贫资金",
            scale="1.2 兆瓦",
            started_on=dt.date(2016, 5, 1),
            note=NOTE,
        ),
        shop=Project(
            name=f"{NOTE}·珠晖区农村电商服务站",
            kind=ProjectKind.ECOMMERCE,
            region=district or by_id[rows[0][1]],
            funding=Decimal("600000"),
            funding_source="电商进农村",
            started_on=dt.date(2016, 9, 1),
            note=NOTE,
        ),
    )
    projects = [p for p in (env.pv, env.shop) if not Project.objects.filter(name=p.name).exists()]
    Project.objects.bulk_create(projects)
    log.created(projects)
    if env.pv.pk:
        env.pv.villages.set([v for v in villages.values() if v.code.startswith("430405014")])
    if env.shop.pk:
        env.shop.villages.set(list(villages.values()))

    # Pairings, plans, measures and visits, one chunk of households at a time ----------------
    counts: Counter[str] = Counter()
    paired: dict[int, Cadre] = {}
    seen: Counter[int] = Counter()  # households of each village met so far, across chunks
    for part in _chunks([pk for pk, _rid in rows], chunk):
        households = list(Household.objects.filter(pk__in=part).order_by("pk"))
        for h in households:
            h.region = by_id[h.region_id]
        by_pk = {h.pk: h for h in households}
        pairings = []
        for h in households:
            village = village_of_region[h.region_id]
            i, seen[village.pk] = seen[village.pk], seen[village.pk] + 1
            pairings.extend(_pairings(env.pair_rng, h, i, cadres_by_village[village.pk], year, paired))
        Pairing.objects.bulk_create(pairings, batch_size=1000)
        log.created(pairings, by_pk)
        counts["pairings"] += len(pairings)
        counts["measures"] += _plans_and_measures(env, households, village_of_region, log)
        counts["visits"] += _visits(env, households, paired, log)
        log.flush()

    # Small wishes --------------------------------------------------------------------------
    wishes = _wishes(rng, list(paired), paired, log)
    log.flush()
    return {
        "linked_units": len(new_units),
        "work_teams": len(teams),
        "cadres": len(all_cadres),
        "pairings": counts["pairings"],
        "measures": counts["measures"],
        "visits": counts["visits"],
        "wishes": wishes,
    }


def _teams(rng: random.Random, villages: dict[int, Any], units: list[LinkedUnit], log: _Log) -> dict[int, WorkTeam]:
    """One resident work team per village that has none yet."""
    taken_teams = set(WorkTeam.objects.values_list("name", flat=True))
    teams: dict[int, WorkTeam] = {}
    for i, (vid, village) in enumerate(sorted(villages.items(), key=lambda kv: kv[1].code)):
        name = f"{village.name}驻村工作队"
        if name in taken_teams:
            continue
        teams[vid] = WorkTeam(
            name=name,
            region=village,
            unit=units[i % len(units)],
            started_on=_day(rng, dt.date(2015, 3, 1), dt.date(2016, 3, 1)),
        )
    WorkTeam.objects.bulk_create(list(teams.values()))
    log.created(list(teams.values()))
    return teams


def _cadres(
    rng: random.Random,
    year: int,
    ctx: Any,
    villages: dict[int, Any],
    sizes: Counter[int],
    teams: dict[int, WorkTeam],
    units: list[LinkedUnit],
) -> dict[int, list[Cadre]]:
    """Enough cadres in every village for its households within the year's maximum; the first
    three of a village with a team form it, its first cadre leading."""
    limit = workload_policy(year).max_households
    used_phones = set(Cadre.objects.values_list("phone", flat=True))
    cadres_by_village: dict[int, list[Cadre]] = {}
    linked_users = {"430405014201": ctx.users.get("cadre"), "430405201201": ctx.users.get("cadre2")}
    linked_users = {k: u for k, u in linked_users.items() if u is not None}
    taken_users = set(Cadre.objects.filter(user__isnull=False).values_list("user_id", flat=True))
    for vid in sorted(sizes, key=lambda v: villages[v].code):
        village = villages[vid]
        # Somewhat below the maximum, so that reassignment has room and workloads vary.
        count = max(1, math.ceil(sizes[vid] / max(1, limit - 1)))
        team = teams.get(vid)
        batch = []
        for i in range(count):
            male = rng.random() < 0.7
            member_of = team if i < len(TEAM_POSTS) else None
            unit = member_of.unit if member_of is not None else rng.choice(units)
            c = Cadre(
                name=_name(rng),
                sex="1" if male else "2",
                political=rng.choice(["01", "01", "01", "13"]),
                phone=_phone(rng, used_phones),
                unit=unit,
                affiliation=unit.affiliation,
                region=village,
                team=member_of,
                post=TEAM_POSTS[i] if member_of is not None else CadrePost.RESPONSIBLE,
            )
            user = linked_users.get(village.code)
            if i == 0 and user is not None and user.pk not in taken_users:
                c.user, c.name = user, user.get_full_name() or c.name
                taken_users.add(user.pk)
            batch.append(c)
        cadres_by_village[vid] = batch
    Cadre.objects.bulk_create([c for batch in cadres_by_village.values() for c in batch], batch_size=1000)
    leaders = []
    for vid, team in teams.items():
        team.leader = cadres_by_village[vid][0]
        leaders.append(team)
    WorkTeam.objects.bulk_update(leaders, ["leader"], batch_size=500)
    return cadres_by_village


def _pairings(
    rng: random.Random, h: Household, i: int, pool: list[Cadre], year: int, paired: dict[int, Cadre]
) -> list[Pairing]:
    """一户一人 for the village's i-th household (a few stay unpaired), some with an earlier cadre."""
    if rng.random() < UNPAIRED_SHARE:
        return []
    cadre = pool[i % len(pool)]
    start = _day(rng, dt.date(max(2015, h.identified_year or 2015), 1, 1), dt.date(year, 3, 31))
    out = []
    if rng.random() < 0.1 and len(pool) > 1:
        earlier = pool[(i + 1) % len(pool)]
        first = _day(rng, dt.date(2014, 6, 1), start - dt.timedelta(days=30))
        out.append(Pairing(household=h, cadre=earlier, started_on=first, ended_on=start, end_reason="干部调整"))
    out.append(Pairing(household=h, cadre=cadre, started_on=start))
    paired[h.pk] = cadre
    return out


def _plans_and_measures(env: _Env, households: list[Household], village_of_region: dict[int, Any], log: _Log) -> int:
    """A plan per household and measures answering its causes; returns the number of measures."""
    rng, year = env.measure_rng, env.year
    by_pk = {h.pk: h for h in households}
    members: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in Member.objects.filter(household_id__in=by_pk, ended_on__isnull=True).values(
        "pk",
        "household_id",
        "relation",
        "birth_date",
        "school_status",
        "work_status",
        "work_months",
        "welfare_post",
        "health",
    ):
        members[row["household_id"]].append(dict(row))
    grades = dict(
        HouseholdYear.objects.filter(household_id__in=by_pk, year=year).values_list("household_id", "house_grade")
    )
    plans = [
        Plan(household=h, year=year, goal="稳定增收，实现“一超两不愁三保障”", target_exit_year=h.exit_year or year + 1)
        for h in households
    ]
    Plan.objects.bulk_create(plans, batch_size=1000, ignore_conflicts=True)
    measures: list[Measure] = []

    def add(h: Household, name: str, **kw: Any) -> None:
        item = env.items.get(name)
        if item is None:
            return
        kw.setdefault("status", MeasureStatus.DONE if rng.random() < 0.75 else MeasureStatus.IN_PROGRESS)
        measures.append(Measure(household=h, year=year, category=item.category, item=item, **kw))

    for h in households:
        ms = members[h.pk]
        causes = {h.main_cause, *h.other_cause_list}
        head = next((m for m in ms if m["relation"] == Relation.HEAD), ms[0] if ms else None)
        if Cause.ILLNESS in causes or rng.random() < 0.6:
            add(h, "家庭医生签约", status=MeasureStatus.DONE, started_on=dt.date(year, 3, 1))
        if Cause.ILLNESS in causes and rng.random() < 0.5:
            sick = next((m for m in ms if "03" in m["health"] or "02" in m["health"]), head)
            add(h, "医疗救助", beneficiary_id=sick["pk"] if sick else None, amount=Decimal(rng.randrange(800, 6000)))
        for m in ms:
            if m["school_status"] in COMPULSORY_SCHOOL:
                add(h, "两免一补", beneficiary_id=m["pk"], amount=Decimal(1000 if m["school_status"] == "03" else 1250))
            elif m["school_status"] in VOCATIONAL_SCHOOL:
                add(h, "雨露计划", beneficiary_id=m["pk"], amount=Decimal(3000))
            if m["work_status"] in ("01", "02", "03", "04"):
                add(
                    h,
                    "乡外务工" if m["work_status"] != "01" else "乡内务工",
                    beneficiary_id=m["pk"],
                    months=m["work_months"],
                    monthly_pay=Decimal(rng.randrange(1800, 4200, 100)),
                )
            if m["welfare_post"]:
                post_item = {
                    "01": "生态护林员",
                    "02": "护路员",
                    "03": "河湖巡查员",
                    "04": "保洁员",
                    "05": "治安协管员",
                    "06": "护理员",
                    "07": "文明劝导员",
                }.get(m["welfare_post"], "其他公益岗位")
                add(
                    h,
                    post_item,
                    beneficiary_id=m["pk"],
                    post_type=m["welfare_post"],
                    months=12,
                    monthly_pay=Decimal(rng.choice([500, 600, 800])),
                )
        if grades.get(h.pk) in ("C", "D"):
            add(
                h,
                "危房改造",
                grade_before=grades[h.pk],
                grade_after=rng.choice(["A", "B"]),
                status=MeasureStatus.DONE,
                amount=Decimal(rng.choice([14000, 20000, 35000])),
                started_on=dt.date(year, 4, 1),
                ended_on=_day(rng, dt.date(year, 8, 1), env.year_end),
            )
        if h.attribute in (Attribute.DIBAO, Attribute.TEKUN) and env.floor_standard is not None:
            add(
                h,
                "低保" if h.attribute == Attribute.DIBAO else "特困供养",
                status=MeasureStatus.IN_PROGRESS,
                amount=(env.floor_standard * len(ms) * 12).quantize(Decimal("0.01")),
            )
        if (
            Cause.FUNDS in causes
            and head is not None
            and rng.random() < 0.45
            and env.credit.min_age <= _age(head["birth_date"], dt.date(year, 5, 1)) <= env.credit.max_age
        ):
            principal = Decimal(rng.choice([10000, 20000, 30000, 50000]))
            add(
                h,
                "扶贫小额信贷",
                beneficiary_id=head["pk"],
                amount=principal,
                term_months=36,
                annual_rate=Decimal("4.75"),
                status=MeasureStatus.IN_PROGRESS,
                started_on=dt.date(year, 5, 1),
                interest_subsidy=microcredit_interest_subsidy(
                    principal, Decimal("4.75"), 36, share=env.credit.subsidy_share
                ),
            )
        village = village_of_region[h.region_id]
        if env.pv.pk and village.code.startswith("430405014") and rng.random() < 0.5:
            add(h, "光伏收益", project=env.pv, amount=Decimal(3000), status=MeasureStatus.DONE)
        if env.shop.pk and rng.random() < 0.15:
            add(h, "电商服务", project=env.shop, status=MeasureStatus.DONE)
        add(h, rng.choice(["特色种植", "特色养殖", "加入合作社", "土地流转"]), amount=Decimal(rng.randrange(500, 3000)))
    Measure.objects.bulk_create(measures, batch_size=1000)
    log.created(measures, by_pk)
    return len(measures)


def _visits(env: _Env, households: list[Household], paired: dict[int, Cadre], log: _Log) -> int:
    """A few visits in the demo year, and a recent one for most households."""
    rng, visits = env.visit_rng, []
    for h in households:
        visitor = paired.get(h.pk)
        if visitor is None:
            continue
        for _ in range(rng.randint(1, 4)):
            visits.append(_visit(rng, h, visitor, _day(rng, dt.date(env.year, 1, 10), env.year_end)))
        if env.year_end < env.today and rng.random() < 0.85:
            days = 80 if h.status == PovertyStatus.EXITED else 25
            visits.append(_visit(rng, h, visitor, env.today - dt.timedelta(days=rng.randint(0, days))))
    Visit.objects.bulk_create(visits, batch_size=1000)
    log.created(visits, {h.pk: h for h in households})
    return len(visits)


def _visit(rng: random.Random, h: Household, cadre: Cadre, on: dt.date) -> Visit:
    return Visit(
        household=h,
        cadre=cadre,
        visited_on=on,
        chat=True,
        policy=rng.random() < 0.8,
        handbook=rng.random() < 0.6,
        measures=rng.random() < 0.5,
        wish=rng.random() < 0.2,
        labour=rng.random() < 0.3,
        notes=rng.choice(
            ["了解家庭收支情况", "宣讲健康扶贫政策", "核对扶贫手册", "落实产业帮扶措施", "帮助春耕", "了解子女就学情况"]
        ),
    )


WISH_ITEMS = [
    ("冬季棉被", 300, "家中老人需要厚棉被过冬"),
    ("书包文具", 150, "两名孩子上学需要书包和文具"),
    ("电饭煲", 200, ""),
    ("轮椅", 800, "家中有行动不便的老人"),
    ("学习台灯", 120, "孩子晚上写作业光线不足"),
    ("鸡苗 50 只", 400, "发展庭院养殖"),
    ("校服两套", 260, ""),
    ("热水器", 1200, "冬季洗澡不便"),
]


def _wishes(rng: random.Random, candidates: list[int], paired: dict[int, Cadre], log: _Log) -> int:
    """Wishes for 40 of the paired households (`candidates`, ids in order), in every state."""
    from django.contrib.auth import get_user_model

    if not candidates:
        return 0
    picked_ids = rng.sample(candidates, min(40, len(candidates)))
    by_pk = Household.objects.in_bulk(picked_ids)
    picked = [by_pk[pk] for pk in picked_ids]
    User: Any = get_user_model()
    donor = Donor.objects.filter(phone="13800000000").first()
    if donor is None:
        # No known password: donors sign themselves up on the public wish board.
        user = User(username="13800000000", first_name="爱心人士（演示）", phone="13800000000")
        user.set_unusable_password()
        user.save()
        donor = Donor.objects.create(
            user=user, name="爱心人士（演示）", phone="13800000000", organisation="衡阳爱心协会"
        )
    now = timezone.now()
    wishes, states = [], []
    for i, h in enumerate(picked):
        item, cost, text = WISH_ITEMS[i % len(WISH_ITEMS)]
        state = [WishStatus.OPEN] * 5 + [WishStatus.CLAIMED, WishStatus.DELIVERED, WishStatus.CONFIRMED]
        status = state[i % len(state)]
        wishes.append(
            Wish(
                household=h,
                item=item,
                public_text=text,
                estimated_cost=Decimal(cost),
                status=status,
                verified_by=paired[h.pk],
                verified_on=timezone.localdate() - dt.timedelta(days=30 - i % 20),
            )
        )
        states.append(status)
    Wish.objects.bulk_create(wishes)
    log.created(wishes, by_pk)
    claims = []
    for w, status in zip(wishes, states, strict=True):
        if status == WishStatus.OPEN:
            continue
        claims.append(
            WishClaim(
                wish=w,
                donor=donor,
                claimed_at=now - dt.timedelta(days=10),
                delivered_at=now - dt.timedelta(days=5) if status != WishStatus.CLAIMED else None,
                confirmed_at=now - dt.timedelta(days=2) if status == WishStatus.CONFIRMED else None,
            )
        )
    WishClaim.objects.bulk_create(claims)
    return len(wishes)


def _floor_standard(district: Any, year: int) -> Decimal | None:
    if district is None:
        return None
    from fupin.identification.selectors import policy_for

    try:
        return policy_for(region=district, year=year, on=dt.date(year, 12, 31)).floor_standard_monthly
    except ApplicationError:  # a year without policy data simply gets no 兜底 amounts
        return None
