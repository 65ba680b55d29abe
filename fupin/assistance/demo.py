"""Demo phase of the assistance area (called by fupin.demo.generator after the registry load).

Creates linked units, one resident work team per village with registered households, cadres
(the demo village-cadre accounts become cadre records of their villages), pairings for all
but a few registered households (some with an earlier, ended pairing), a plan per household
and measures that answer its causes (health for 因病, education for students, housing for
C/D houses, 兜底 for 低保/特困, microcredit for some 缺资金, jobs and posts for members
who hold them, a PV station and an e-commerce point), visits in the demo year plus recent
ones for most households, and some small wishes in every state. Everything is built in
lists and written with bulk_create; each top-level record gets its change-log row.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
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


def populate(*, rng: random.Random, year: int, ctx: Any) -> dict[str, int]:
    change = ctx.change
    log = _Log(change)
    today = timezone.localdate()
    year_end = min(dt.date(year, 12, 31), today)
    households = list(
        Household.objects.filter(pk__in=ctx.household_ids, registered=True, closed_on__isnull=True)
        .select_related("region")
        .order_by("pk")
    )
    if not households:
        return {}
    regions = ctx.regions or {}
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
    village_of: dict[int, Any] = {}
    for h in households:
        r = h.region
        if r.level == RegionLevel.GROUP:
            village_of[h.pk] = regions.get(r.code[:12]) or r
        else:
            village_of[h.pk] = r
    by_village: dict[int, list[Household]] = defaultdict(list)
    for h in households:
        by_village[village_of[h.pk].pk].append(h)
    villages = {village_of[h.pk].pk: village_of[h.pk] for h in households}

    # Work teams ----------------------------------------------------------------------------
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

    # Cadres: enough for every household within the year's maximum ------------------------
    limit = workload_policy(year).max_households
    used_phones = set(Cadre.objects.values_list("phone", flat=True))
    cadres_by_village: dict[int, list[Cadre]] = {}
    all_cadres: list[Cadre] = []
    linked_users = {"430405014201": ctx.users.get("cadre"), "430405201201": ctx.users.get("cadre2")}
    linked_users = {k: u for k, u in linked_users.items() if u is not None}
    taken_users = set(Cadre.objects.filter(user__isnull=False).values_list("user_id", flat=True))
    for vid, hs in sorted(by_village.items(), key=lambda kv: villages[kv[0]].code):
        village = villages[vid]
        # Somewhat below the maximum, so that reassignment has room and workloads vary.
        count = max(1, math.ceil(len(hs) / max(1, limit - 1)))
        team = teams.get(vid)
        batch = []
        for i in range(count):
            male = rng.random() < 0.7
            unit = team.unit if team is not None and i < len(TEAM_POSTS) else rng.choice(units)
            c = Cadre(
                name=_name(rng),
                sex="1" if male else "2",
                political=rng.choice(["01", "01", "01", "13"]),
                phone=_phone(rng, used_phones),
                unit=unit,
                affiliation=unit.affiliation,
                region=village,
                team=team if team is not None and i < len(TEAM_POSTS) else None,
                post=TEAM_POSTS[i] if team is not None and i < len(TEAM_POSTS) else CadrePost.RESPONSIBLE,
            )
            user = linked_users.get(village.code)
            if i == 0 and user is not None and user.pk not in taken_users:
                c.user, c.name = user, user.get_full_name() or c.name
                taken_users.add(user.pk)
            batch.append(c)
        cadres_by_village[vid] = batch
        all_cadres.extend(batch)
    Cadre.objects.bulk_create(all_cadres)
    log.created(all_cadres)
    leaders = []
    for vid, team in teams.items():
        team.leader = cadres_by_village[vid][0]
        leaders.append(team)
    WorkTeam.objects.bulk_update(leaders, ["leader"])

    # Pairings (一户一人), with some history --------------------------------------------------
    pairings: list[Pairing] = []
    paired: dict[int, Cadre] = {}
    for vid, hs in by_village.items():
        pool = cadres_by_village[vid]
        for i, h in enumerate(hs):
            if rng.random() < UNPAIRED_SHARE:
                continue
            cadre = pool[i % len(pool)]
            start = _day(rng, dt.date(max(2015, h.identified_year or 2015), 1, 1), dt.date(year, 3, 31))
            if rng.random() < 0.1 and len(pool) > 1:
                earlier = pool[(i + 1) % len(pool)]
                first = _day(rng, dt.date(2014, 6, 1), start - dt.timedelta(days=30))
                pairings.append(
                    Pairing(household=h, cadre=earlier, started_on=first, ended_on=start, end_reason="干部调整")
                )
            pairings.append(Pairing(household=h, cadre=cadre, started_on=start))
            paired[h.pk] = cadre
    Pairing.objects.bulk_create(pairings, batch_size=1000)
    by_pk = {h.pk: h for h in households}
    log.created(pairings, by_pk)

    # Plans and measures ------------------------------------------------------------------
    items = {i.name: i for i in MeasureItem.objects.all()}
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
    floor_standard = _floor_standard(district, year)
    credit = credit_policy(year)
    pv = Project(
        name=f"{NOTE}·东阳渡光伏扶贫电站",
        kind=ProjectKind.PHOTOVOLTAIC,
        region=district or households[0].region,
        funding=Decimal("3200000"),
        funding_source="财政专项扶贫资金",
        scale="1.2 兆瓦",
        started_on=dt.date(2016, 5, 1),
        note=NOTE,
    )
    shop = Project(
        name=f"{NOTE}·珠晖区农村电商服务站",
        kind=ProjectKind.ECOMMERCE,
        region=district or households[0].region,
        funding=Decimal("600000"),
        funding_source="电商进农村",
        started_on=dt.date(2016, 9, 1),
        note=NOTE,
    )
    projects = [p for p in (pv, shop) if not Project.objects.filter(name=p.name).exists()]
    Project.objects.bulk_create(projects)
    log.created(projects)
    if pv.pk:
        pv.villages.set([v for v in villages.values() if v.code.startswith("430405014")])
    if shop.pk:
        shop.villages.set(list(villages.values()))

    plans = [
        Plan(household=h, year=year, goal="稳定增收，实现“一超两不愁三保障”", target_exit_year=h.exit_year or year + 1)
        for h in households
    ]
    Plan.objects.bulk_create(plans, batch_size=1000, ignore_conflicts=True)
    measures: list[Measure] = []

    def add(h: Household, name: str, **kw: Any) -> None:
        item = items.get(name)
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
                ended_on=_day(rng, dt.date(year, 8, 1), year_end),
            )
        if h.attribute in (Attribute.DIBAO, Attribute.TEKUN) and floor_standard is not None:
            add(
                h,
                "低保" if h.attribute == Attribute.DIBAO else "特困供养",
                status=MeasureStatus.IN_PROGRESS,
                amount=(floor_standard * len(ms) * 12).quantize(Decimal("0.01")),
            )
        if (
            Cause.FUNDS in causes
            and head is not None
            and rng.random() < 0.45
            and credit.min_age <= _age(head["birth_date"], dt.date(year, 5, 1)) <= credit.max_age
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
                    principal, Decimal("4.75"), 36, share=credit.subsidy_share
                ),
            )
        village = village_of[h.pk]
        if pv.pk and village.code.startswith("430405014") and rng.random() < 0.5:
            add(h, "光伏收益", project=pv, amount=Decimal(3000), status=MeasureStatus.DONE)
        if shop.pk and rng.random() < 0.15:
            add(h, "电商服务", project=shop, status=MeasureStatus.DONE)
        add(h, rng.choice(["特色种植", "特色养殖", "加入合作社", "土地流转"]), amount=Decimal(rng.randrange(500, 3000)))
    Measure.objects.bulk_create(measures, batch_size=1000)
    log.created(measures, by_pk)

    # Visits: a few in the demo year, and a recent one for most households -----------------
    visits: list[Visit] = []
    for h in households:
        visitor = paired.get(h.pk)
        if visitor is None:
            continue
        for _ in range(rng.randint(1, 4)):
            visits.append(_visit(rng, h, visitor, _day(rng, dt.date(year, 1, 10), year_end)))
        if year_end < today and rng.random() < 0.85:
            days = 80 if h.status == PovertyStatus.EXITED else 25
            visits.append(_visit(rng, h, visitor, today - dt.timedelta(days=rng.randint(0, days))))
    Visit.objects.bulk_create(visits, batch_size=1000)
    log.created(visits, by_pk)

    # Small wishes --------------------------------------------------------------------------
    wishes = _wishes(rng, households, paired, log, by_pk)
    log.flush()
    return {
        "linked_units": len(new_units),
        "work_teams": len(teams),
        "cadres": len(all_cadres),
        "pairings": len(pairings),
        "measures": len(measures),
        "visits": len(visits),
        "wishes": wishes,
    }


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


def _wishes(
    rng: random.Random, households: list[Household], paired: dict[int, Cadre], log: _Log, by_pk: dict[int, Household]
) -> int:
    from django.contrib.auth import get_user_model

    candidates = [h for h in households if h.pk in paired]
    if not candidates:
        return 0
    picked = rng.sample(candidates, min(40, len(candidates)))
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
