"""Permission matrix of every assistance page and API endpoint.

The world gets a linked unit, a work team in 大昌村, cadre records for the two village cadres
(each paired with the household of their village), a spare cadre, a district leading-group
member and project, a 2017 plan with a measure, a visit with a photo, and three wishes in
大昌村 (open, delivered, confirmed with a photo). Village cadres add but do not change
measures; township reviewers change within their township; only the district office
edits the organisation and the policies; a logged-in non-donor gets 404 on donor pages."""

import datetime as dt
from decimal import Decimal

import pytest

from fupin.assistance.models import LeadingGroupMember, LinkedUnit, MeasureItem, Pairing, Project, WorkTeam
from fupin.assistance.services import (
    donor_register,
    measure_create,
    plan_save,
    visit_record,
    wish_claim,
    wish_confirm,
    wish_deliver,
    wish_post,
)
from fupin.core.changelog import Context
from tests.assistance.conftest import make_cadre, png_upload
from tests.conftest import DACHANG, DISTRICT, JIEFANG, SYSTEM, region
from tests.matrix import Case, expect, matrix_test

JSON = "application/json"

P_READ = expect(200, anonymous=302)
P_DACHANG = expect(200, anonymous=302, other_cadre=404)
P_DISTRICT = expect(404, anonymous=302, coordinator=200)
P_DISTRICT_READ = expect(200, anonymous=302, reviewer=404, cadre=404, other_cadre=404)
P_TOWNSHIP = expect(404, anonymous=302, coordinator=200, reviewer=200)
P_VILLAGE = expect(404, anonymous=302, coordinator=200, reviewer=200, cadre=200)
P_VILLAGE_POST = expect(404, anonymous=302, coordinator=302, reviewer=302, cadre=302)

A_READ = expect(200, anonymous=401)
A_DACHANG = expect(200, anonymous=401, other_cadre=404)
A_DISTRICT_READ = expect(200, anonymous=401, reviewer=404, cadre=404, other_cadre=404)


def a_write(code: int, *who: str) -> dict[str, int]:
    row = expect(404, anonymous=401)
    row.update(dict.fromkeys(who, code))
    return row


@pytest.fixture
def world(world, cadre, other_cadre):
    unit = LinkedUnit.objects.create(name="衡阳市扶贫办", affiliation="city")
    team = WorkTeam.objects.create(name="大昌村驻村工作队", region=region(DACHANG), unit=unit)
    mine = make_cadre("罗志强", DACHANG, user=cadre, unit=unit, team=team)
    theirs = make_cadre("唐晓燕", JIEFANG, user=other_cadre)
    spare = make_cadre("备用干部", DACHANG)
    pairing = Pairing.objects.create(household=world.dachang, cadre=mine, started_on=dt.date(2017, 1, 1))
    Pairing.objects.create(household=world.jiefang, cadre=theirs, started_on=dt.date(2017, 1, 1))
    member = LeadingGroupMember.objects.create(
        region=region(DISTRICT), name="周书记", post="区委书记", group_role="head"
    )
    project = Project.objects.create(name="大昌村光伏电站", kind="pv", region=region(DISTRICT))
    plan = plan_save(ctx=SYSTEM, household=world.dachang, year=2017, data={"goal": "稳定脱贫"})
    doctor = MeasureItem.objects.get(name="家庭医生签约")
    measure = measure_create(ctx=SYSTEM, household=world.dachang, year=2017, data={"item": doctor})
    visit = visit_record(
        ctx=SYSTEM, household=world.dachang, cadre=mine, checklist={"chat": True}, photos=[png_upload(size=(400, 300))]
    )
    donor = donor_register(ctx=SYSTEM, name="爱心张", phone="13912345678", password="a-Long-pass-2017")
    as_donor = Context(actor=donor.user)
    open_wish = wish_post(ctx=SYSTEM, household=world.dachang, item="书包", estimated_cost=Decimal(120))
    delivered = wish_post(ctx=SYSTEM, household=world.dachang, item="棉被", estimated_cost=Decimal(200))
    wish_deliver(ctx=as_donor, claim=wish_claim(ctx=as_donor, wish=delivered))
    confirmed = wish_post(ctx=SYSTEM, household=world.dachang, item="台灯", estimated_cost=Decimal(80))
    done_claim = wish_claim(ctx=as_donor, wish=confirmed)
    wish_deliver(ctx=as_donor, claim=done_claim)
    wish_confirm(ctx=SYSTEM, wish=confirmed, photo=png_upload(size=(300, 200)))
    world.extra.update(
        unit=unit,
        team=team,
        mine=mine,
        spare=spare,
        pairing=pairing,
        member=member,
        project=project,
        plan=plan,
        measure=measure,
        visit=visit,
        photo=visit.photos.get(),
        open_wish=open_wish,
        delivered=delivered,
        done_claim=done_claim,
        doctor=doctor,
    )
    return world


def x(key):
    return lambda w: {"pk": w.extra[key].pk}


def dachang(w):
    return {"pk": w.dachang.pk}


def plan_kwargs(w):
    return {"pk": w.dachang.pk, "year": 2017}


CASES = [
    # Pages -------------------------------------------------------------------------------
    Case("assistance:me", P_READ),
    Case("assistance:unit_list", P_READ),
    Case("assistance:unit_create", P_DISTRICT),
    Case("assistance:unit_edit", P_DISTRICT, kwargs=x("unit")),
    Case("assistance:group_list", P_READ),
    Case("assistance:group_create", P_DISTRICT),
    Case("assistance:group_edit", P_DISTRICT, kwargs=x("member")),
    Case("assistance:team_list", P_READ),
    Case("assistance:team_create", P_DISTRICT),
    Case("assistance:team_edit", P_DISTRICT, kwargs=x("team")),
    Case("assistance:cadre_list", P_READ),
    Case("assistance:cadre_create", P_DISTRICT),
    Case("assistance:cadre_detail", P_DACHANG, kwargs=x("mine")),
    Case("assistance:cadre_edit", P_DISTRICT, kwargs=x("mine")),
    Case("assistance:project_list", P_READ),
    Case("assistance:project_create", P_DISTRICT),
    Case("assistance:project_detail", P_DISTRICT_READ, kwargs=x("project")),
    Case("assistance:project_edit", P_DISTRICT, kwargs=x("project")),
    Case("assistance:policy_list", P_READ),
    Case("assistance:policy_add", P_DISTRICT, kwargs=lambda w: {"kind": "visit"}),
    Case("assistance:coverage", P_READ),
    Case("assistance:workload", P_READ),
    Case("assistance:pairing_assign", P_TOWNSHIP, kwargs=dachang),
    Case("assistance:pairing_end", P_TOWNSHIP, kwargs=x("pairing")),
    Case("assistance:household_plan", P_DACHANG, kwargs=plan_kwargs),
    Case("assistance:plan_edit", P_VILLAGE, kwargs=plan_kwargs),
    Case("assistance:measure_create", P_VILLAGE, kwargs=plan_kwargs),
    Case("assistance:measure_edit", P_TOWNSHIP, kwargs=x("measure")),
    Case("assistance:visit_list", P_READ),
    Case("assistance:visit_create", expect(200, anonymous=302, analyst=404, leader=404)),
    Case("assistance:overdue", P_READ),
    Case("assistance:visit_detail", P_DACHANG, kwargs=x("visit")),
    Case("assistance:visit_photo", P_DACHANG, kwargs=x("photo")),
    Case("assistance:wish_list", P_READ),
    Case("assistance:wish_totals", P_READ),
    Case("assistance:wish_create", P_VILLAGE, kwargs=dachang),
    Case("assistance:wish_detail", P_DACHANG, kwargs=x("open_wish")),
    Case("assistance:wish_confirm", P_VILLAGE_POST, kwargs=x("delivered"), method="post", data=lambda w: {}),
    Case(
        "assistance:wish_cancel",
        P_VILLAGE_POST,
        kwargs=x("open_wish"),
        method="post",
        data=lambda w: {"reason": "已由村集体解决"},
    ),
    Case("assistance:claim_photo", expect(200, anonymous=404, other_cadre=404), kwargs=x("done_claim")),
    Case("assistance:public_wishes", expect(200)),
    Case("assistance:donor_claim", expect(404, anonymous=302), kwargs=x("open_wish"), method="post", data=lambda w: {}),
    Case("assistance:donor_register", expect(200)),
    Case("assistance:donor_login", expect(200)),
    Case("assistance:donor_home", expect(404, anonymous=302)),
    Case("assistance:donor_deliver", expect(404), kwargs=x("done_claim"), method="post", data=lambda w: {}),
    Case("assistance:donor_release", expect(404), kwargs=x("done_claim"), method="post", data=lambda w: {}),
    # API ---------------------------------------------------------------------------------
    Case("assistance-linkedunit-list", A_READ),
    Case(
        "assistance-linkedunit-list",
        a_write(201, "coordinator"),
        method="post",
        content_type=JSON,
        data=lambda w: {"name": "珠晖区农业局", "affiliation": "county"},
        id="linkedunit-create",
    ),
    Case("assistance-linkedunit-detail", A_READ, kwargs=x("unit")),
    Case(
        "assistance-linkedunit-detail",
        a_write(200, "coordinator"),
        kwargs=x("unit"),
        method="patch",
        content_type=JSON,
        data=lambda w: {"note": "联系村"},
        id="linkedunit-patch",
    ),
    Case("assistance-groupmember-list", A_READ),
    Case(
        "assistance-groupmember-list",
        a_write(201, "coordinator"),
        method="post",
        content_type=JSON,
        data=lambda w: {"region": DISTRICT, "name": "李区长", "post": "区长", "group_role": "deputy"},
        id="groupmember-create",
    ),
    Case("assistance-groupmember-detail", A_DISTRICT_READ, kwargs=x("member")),
    Case(
        "assistance-groupmember-detail",
        a_write(200, "coordinator"),
        kwargs=x("member"),
        method="patch",
        content_type=JSON,
        data=lambda w: {"post": "区委书记、组长"},
        id="groupmember-patch",
    ),
    Case("assistance-workteam-list", A_READ),
    Case(
        "assistance-workteam-list",
        a_write(201, "coordinator"),
        method="post",
        content_type=JSON,
        data=lambda w: {"name": "解放村工作队", "region": JIEFANG, "unit": w.extra["unit"].pk},
        id="workteam-create",
    ),
    Case("assistance-workteam-detail", A_DACHANG, kwargs=x("team")),
    Case(
        "assistance-workteam-detail",
        a_write(200, "coordinator"),
        kwargs=x("team"),
        method="patch",
        content_type=JSON,
        data=lambda w: {"started_on": "2017-03-01"},
        id="workteam-patch",
    ),
    Case("assistance-cadre-list", A_READ),
    Case(
        "assistance-cadre-list",
        a_write(201, "coordinator"),
        method="post",
        content_type=JSON,
        data=lambda w: {"name": "新干部", "phone": "13700000001", "employer": "区教育局", "region": DACHANG},
        id="cadre-create",
    ),
    Case("assistance-cadre-detail", A_DACHANG, kwargs=x("mine")),
    Case(
        "assistance-cadre-detail",
        a_write(200, "coordinator"),
        kwargs=x("mine"),
        method="patch",
        content_type=JSON,
        data=lambda w: {"post": "first_secretary"},
        id="cadre-patch",
    ),
    Case(
        "assistance-cadre-end",
        a_write(200, "coordinator"),
        kwargs=x("spare"),
        method="post",
        content_type=JSON,
        data=lambda w: {"reason": "调离"},
    ),
    Case("assistance-measureitem-list", A_READ),
    Case("assistance-measureitem-detail", A_READ, kwargs=x("doctor")),
    Case("assistance-project-list", A_READ),
    Case(
        "assistance-project-list",
        a_write(201, "coordinator"),
        method="post",
        content_type=JSON,
        data=lambda w: {"name": "茶油基地", "kind": "industry", "region": DISTRICT, "villages": [DACHANG]},
        id="project-create",
    ),
    Case("assistance-project-detail", A_DISTRICT_READ, kwargs=x("project")),
    Case(
        "assistance-project-detail",
        a_write(200, "coordinator"),
        kwargs=x("project"),
        method="patch",
        content_type=JSON,
        data=lambda w: {"funding": "1200000"},
        id="project-patch",
    ),
    Case("assistance-pairing-list", A_READ),
    Case(
        "assistance-pairing-list",
        a_write(201, "coordinator", "reviewer"),
        method="post",
        content_type=JSON,
        data=lambda w: {"household": w.dachang.pk, "cadre": w.extra["spare"].pk},
        id="pairing-assign",
    ),
    Case("assistance-pairing-detail", A_DACHANG, kwargs=x("pairing")),
    Case(
        "assistance-pairing-end",
        a_write(200, "coordinator", "reviewer"),
        kwargs=x("pairing"),
        method="post",
        content_type=JSON,
        data=lambda w: {"reason": "干部调动"},
    ),
    Case("assistance-plan-list", A_READ),
    Case(
        "assistance-plan-list",
        a_write(201, "coordinator", "reviewer", "cadre"),
        method="post",
        content_type=JSON,
        data=lambda w: {"household": w.dachang.pk, "year": 2018, "goal": "巩固"},
        id="plan-create",
    ),
    Case("assistance-plan-detail", A_DACHANG, kwargs=x("plan")),
    Case(
        "assistance-plan-detail",
        a_write(200, "coordinator", "reviewer", "cadre"),
        kwargs=x("plan"),
        method="patch",
        content_type=JSON,
        data=lambda w: {"target_exit_year": 2018},
        id="plan-patch",
    ),
    Case("assistance-plan-gaps", A_DACHANG, kwargs=x("plan")),
    Case("assistance-plan-floor-schedule", A_DACHANG, kwargs=x("plan")),
    Case("assistance-measure-list", A_READ),
    Case(
        "assistance-measure-list",
        a_write(201, "coordinator", "reviewer", "cadre"),
        method="post",
        content_type=JSON,
        data=lambda w: {"household": w.dachang.pk, "year": 2017, "item": w.extra["doctor"].pk, "status": "done"},
        id="measure-create",
    ),
    Case("assistance-measure-detail", A_DACHANG, kwargs=x("measure")),
    Case(
        "assistance-measure-detail",
        a_write(200, "coordinator", "reviewer"),
        kwargs=x("measure"),
        method="patch",
        content_type=JSON,
        data=lambda w: {"status": "done"},
        id="measure-patch",
    ),
    Case("assistance-visit-list", A_READ),
    Case(
        "assistance-visit-list",
        a_write(201, "coordinator", "reviewer", "cadre"),
        method="post",
        content_type=JSON,
        data=lambda w: {"household": w.dachang.pk, "chat": True, "policy": True},
        id="visit-create",
    ),
    Case("assistance-visit-detail", A_DACHANG, kwargs=x("visit")),
    Case(
        "assistance-visit-photos",
        a_write(201, "coordinator", "reviewer", "cadre"),
        kwargs=x("visit"),
        method="post",
        data=lambda w: {"image": png_upload(size=(200, 100))},
    ),
    Case("assistance-overdue-list", A_READ),
    Case("assistance-workload-list", A_READ),
    Case("assistance-coverage", A_READ),
    Case("assistance-wish-list", A_READ),
    Case(
        "assistance-wish-list",
        a_write(201, "coordinator", "reviewer", "cadre"),
        method="post",
        content_type=JSON,
        data=lambda w: {"household": w.dachang.pk, "item": "校服", "estimated_cost": "150"},
        id="wish-create",
    ),
    Case("assistance-wish-detail", A_DACHANG, kwargs=x("open_wish")),
    Case(
        "assistance-wish-confirm",
        a_write(200, "coordinator", "reviewer", "cadre"),
        kwargs=x("delivered"),
        method="post",
        data=lambda w: {"photo": png_upload(size=(300, 200))},
    ),
    Case(
        "assistance-wish-cancel",
        a_write(200, "coordinator", "reviewer", "cadre"),
        kwargs=x("open_wish"),
        method="post",
        content_type=JSON,
        data=lambda w: {"reason": "已解决"},
    ),
    Case("assistance-publicwish-list", expect(200)),
    Case(
        "assistance-publicwish-claim",
        expect(404, anonymous=401),
        kwargs=x("open_wish"),
        method="post",
        content_type=JSON,
        data=lambda w: {},
    ),
    Case("assistance-donorclaim-list", A_READ),
    Case("assistance-donorclaim-detail", expect(404, anonymous=401), kwargs=x("done_claim")),
    Case(
        "assistance-donorclaim-deliver",
        expect(404, anonymous=401),
        kwargs=x("done_claim"),
        method="post",
        content_type=JSON,
        data=lambda w: {},
    ),
    Case(
        "assistance-donorclaim-release",
        expect(404, anonymous=401),
        kwargs=x("done_claim"),
        method="post",
        content_type=JSON,
        data=lambda w: {},
    ),
]

test_matrix = matrix_test(CASES)
