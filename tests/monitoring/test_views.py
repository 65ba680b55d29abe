"""Monitoring pages: the public form, notices without personal data, the exit flow through
the forms, the village page, and query budgets."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fupin.core.changelog import Context
from fupin.core.models import ObjectChange
from fupin.monitoring.models import Alert, ExitCase, MonitoringObject
from fupin.monitoring.services.alerts import alert_report
from fupin.monitoring.views.public import RATE_LIMIT
from fupin.utils.masking import mask_id, mask_phone
from tests.conftest import DACHANG, SYSTEM, head_data, make_household, region
from tests.monitoring.conftest import SAFE, at, exited_household, facts, member, walk_to_decision


def login(user):
    c = Client()
    c.force_login(user)
    return c


def report_data(**kw):
    data = {"village": region(DACHANG).pk, "name": "王五", "phone": "13800001111", "description": "老伴住院"}
    data.update(kw)
    return data


# ---------------------------------------------------------------- the public form


def test_anyone_can_self_report_without_logging_in(regions):
    c = Client()
    page = c.get(reverse("monitoring:report"))
    assert page.status_code == 200 and "大昌村" in page.content.decode()
    r = c.post(reverse("monitoring:report"), report_data())
    assert r.status_code == 302 and r.url == reverse("monitoring:report_done")
    a = Alert.objects.get()
    assert (a.source, a.household, a.region.code, a.reporter_name) == ("self", None, DACHANG, "王五")


def test_the_public_form_needs_its_csrf_token(regions):
    c = Client(enforce_csrf_checks=True)
    assert c.post(reverse("monitoring:report"), report_data()).status_code == 403
    assert not Alert.objects.exists()


def test_the_public_form_is_rate_limited(regions):
    c = Client()
    for _ in range(RATE_LIMIT):
        assert c.post(reverse("monitoring:report"), report_data()).status_code == 302
    r = c.post(reverse("monitoring:report"), report_data())
    assert r.status_code == 429 and "提交过于频繁" in r.content.decode()
    assert Alert.objects.count() == RATE_LIMIT


def test_the_public_form_explains_bad_input_and_ignores_bots(regions):
    c = Client()
    r = c.post(reverse("monitoring:report"), report_data(phone="123"))
    assert r.status_code == 200 and "11 位手机号码" in r.content.decode()
    assert c.post(reverse("monitoring:report"), report_data(website="http://spam")).status_code == 302
    assert not Alert.objects.exists()


# ---------------------------------------------------------------- notices carry no personal data


SECRET_ACCOUNT = "6228480012345678901"


@pytest.fixture
def in_2021(regions):
    with time_machine.travel(at(2021, 3, 1), tick=False) as t:
        yield t


@pytest.fixture
def in_2017(regions):
    with time_machine.travel(at(2017, 10, 1), tick=False) as t:
        yield t


@pytest.fixture
def sensitive_object(in_2021, cadre, reviewer, coordinator):
    t = in_2021
    head = head_data(name="刘大病", phone="13912345678", health="03", ins_medical=True)
    h = exited_household(
        "4304050142012001", head=head, phone="13987654321", bank_name="农商行", bank_account=SECRET_ACCOUNT
    )
    kid = member(
        h,
        name="刘小残",
        health="04",
        disability_grade="2",
        disability_category="4",
        born=dt.date(2000, 1, 1),
        labour_skill="3",
    )
    a = alert_report(
        ctx=Context(actor=cadre), household=h, source="cadre", description="户主患尿毒症，每周透析，自付费用高"
    )
    a = walk_to_decision(a, village_user=cadre, township_user=reviewer, county_user=coordinator, traveller=t)
    yield {"object": a.monitoring_object, "alert": a, "household": h, "head": head, "kid": kid}


def assert_no_personal_data(html, world):
    head, kid, h = world["head"], world["kid"], world["household"]
    forbidden = [
        head["id_number"],
        mask_id(head["id_number"]),
        kid.id_number,
        mask_id(kid.id_number),
        head["phone"],
        mask_phone(head["phone"]),
        h.phone,
        mask_phone(h.phone),
        SECRET_ACCOUNT,
        SECRET_ACCOUNT[-4:],
        "患有大病",
        "残疾",
        "尿毒症",
        "透析",
        "因病",
        "二级",
        "肢体",
        "长期慢性病",
    ]
    for text in forbidden:
        assert text not in html, text


def test_the_monitoring_object_notice_shows_no_personal_data(sensitive_object, coordinator):
    html = login(coordinator).get(reverse("monitoring:object_notice", args=[sensitive_object["object"].pk]))
    body = html.content.decode()
    assert html.status_code == 200
    assert "刘大病" in body and "大昌村" in body and "脱贫不稳定户" in body and "2021年3月1日" in body
    assert_no_personal_data(body, sensitive_object)


def test_the_alert_notice_shows_no_personal_data(sensitive_object, cadre):
    body = login(cadre).get(reverse("monitoring:alert_notice", args=[sensitive_object["alert"].pk]))
    assert body.status_code == 200
    assert_no_personal_data(body.content.decode(), sensitive_object)


def test_medical_evidence_is_hidden_from_readers_without_personal_access(regions, leader, cadre):
    h = exited_household("4304050142012002")
    a = Alert.objects.create(
        region=h.region,
        household=h,
        source="department",
        risk_hint="01",
        deadline=dt.date(2030, 1, 1),
        evidence={
            "kind": "medical",
            "list_title": "医保名单",
            "persons": 1,
            "rows": 3,
            "out_of_pocket": "23456.00",
            "rules": ["amount"],
            "amount_threshold": "10000",
        },
    )
    assert "23,456" in login(cadre).get(reverse("monitoring:alert_detail", args=[a.pk])).content.decode()
    page = login(leader).get(reverse("monitoring:alert_detail", args=[a.pk])).content.decode()
    assert "23,456" not in page and "明细仅限" in page


# ---------------------------------------------------------------- pages that write


def test_exit_through_the_pages(in_2017, cadre, reviewer, coordinator):
    t = in_2017
    h = make_household(
        "4304050142012101", identified_year=2015, head=head_data(ins_medical=True, ins_serious_illness=True)
    )
    facts(h, 2017, wage=4500, **SAFE)
    r = login(cadre).post(
        reverse("monitoring:household_exit", args=[h.pk]),
        {
            "action": "propose",
            "year": 2017,
            "meeting_on": "2017-10-01",
            "votes_for": 20,
            "votes_against": 1,
            "food_secure": "on",
            "clothing_secure": "on",
        },
    )
    case = ExitCase.objects.get()
    assert r.status_code == 302 and r.url == reverse("monitoring:exit_detail", args=[case.pk])
    page = login(cadre).get(r.url).content.decode()
    assert "人均纯收入 4,500 元，高于 2017 年扶贫标准 3,335 元" in page
    step = reverse("monitoring:exit_step", args=[case.pk])
    assert login(reviewer).post(step, {"step": "verification", "decision": "pass"}).status_code == 302
    assert login(cadre).post(step, {"step": "acknowledgement", "decision": "pass"}).status_code == 302
    bad = login(cadre).post(
        step, {"step": "notice", "decision": "pass", "notice_starts": "2017-10-01", "notice_ends": "2017-10-03"}
    )
    assert bad.status_code == 400 and "不足 7 天" in bad.content.decode()
    assert (
        login(cadre)
        .post(step, {"step": "notice", "decision": "pass", "notice_starts": "2017-10-01", "notice_ends": "2017-10-07"})
        .status_code
        == 302
    )
    t.move_to(at(2017, 10, 8))
    assert (
        login(coordinator).post(step, {"step": "announcement", "decision": "pass", "objections": "无"}).status_code
        == 302
    )
    h.refresh_from_db()
    assert (h.status, h.exit_year) == ("exited", 2017)


def test_a_refused_exit_shows_why(in_2017, cadre):
    h = make_household("4304050142012102", identified_year=2015)
    facts(h, 2017, wage=3000, house_grade="D")
    r = login(cadre).post(
        reverse("monitoring:household_exit", args=[h.pk]),
        {
            "action": "propose",
            "year": 2017,
            "meeting_on": "2017-10-01",
            "votes_for": 20,
            "votes_against": 1,
            "food_secure": "on",
            "clothing_secure": "on",
        },
    )
    body = r.content.decode()
    assert r.status_code == 400
    assert "低于 2017 年扶贫标准 3,335 元" in body and "住房不安全" in body
    assert not ExitCase.objects.exists()


def test_village_page_shows_what_holds_it_back_and_takes_the_population(in_2017, coordinator, cadre):
    poor = make_household("4304050142012201")
    member(poor, name="子")
    make_household("4304050142012202", status="exited", exit_year=2016)
    village = region(DACHANG)
    url = reverse("monitoring:village_detail", args=[village.pk])
    page = login(cadre).get(url).content.decode()
    assert "未填写农村户籍人口" in page and "4304050142012201" in page
    r = login(coordinator).post(reverse("monitoring:village_population", args=[village.pk]), {"rural_population": 100})
    assert r.status_code == 302
    village.refresh_from_db()
    assert village.rural_population == 100
    assert ObjectChange.objects.filter(content_type__model="region", object_id=village.pk).exists()
    # 2 poor persons of 100: 2% is not below 2%; one more must exit.
    page = login(cadre).get(url).content.decode()
    assert "2.00%" in page and "还需 1 人脱贫" in page
    bad = login(coordinator).post(reverse("monitoring:village_population", args=[village.pk]), {"rural_population": -5})
    assert bad.status_code == 400


def test_screening_button_starts_a_job(regions, coordinator):
    r = login(coordinator).post(reverse("monitoring:screening_start"), {"year": 2021})
    assert r.status_code == 302 and "/jobs/" in r.url


def test_policy_page_adds_a_version(regions, coordinator):
    from fupin.monitoring.models import MonitoringPolicy

    c = login(coordinator)
    data = {
        "region": region("430405").pk,
        "year_from": 2021,
        "medical_oop_amount": "8000",
        "medical_oop_share": "0.4",
        "income_drop_share": "0.25",
        "procedure_days": 15,
        "notice_min_days": 5,
        "elimination_min_months": 6,
        "exit_notice_days": 7,
        "village_exit_incidence": "0.02",
        "note": "区扶贫办 2021 年第 3 号文",
    }
    assert c.post(reverse("monitoring:policy_list"), data).status_code == 302
    assert c.post(reverse("monitoring:policy_list"), {**data, "medical_oop_amount": "9000"}).status_code == 302
    versions = MonitoringPolicy.objects.filter(region_id="430405").order_by("id")
    assert [str(v.medical_oop_amount) for v in versions] == ["8000.00", "9000.00"]
    assert versions[1].supersedes == versions[0]
    assert MonitoringPolicy.objects.current().filter(region_id="430405").get() == versions[1]


# ---------------------------------------------------------------- query budgets


def _object(h):
    return MonitoringObject.objects.create(
        household=h, object_type="unstable", year=2021, identified_on=dt.date(2021, 3, 1)
    )


@pytest.mark.parametrize(
    "name",
    [
        "monitoring:dashboard",
        "monitoring:alert_list",
        "monitoring:object_list",
        "monitoring:village_list",
        "monitoring:exit_list",
    ],
)
def test_list_pages_cost_the_same_whatever_their_size(regions, coordinator, name):
    def queries():
        c = login(coordinator)
        c.get(reverse(name))  # warm the session
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(reverse(name)).status_code == 200
        return len(ctx)

    h = exited_household("4304050142012301")
    alert_report(ctx=SYSTEM, household=h, source="cadre", description="a")
    _object(h)
    few = queries()
    for i in range(2, 8):
        other = exited_household(f"43040501420123{i:02d}")
        alert_report(ctx=SYSTEM, household=other, source="cadre", description="b")
        _object(other)
    assert queries() == few
