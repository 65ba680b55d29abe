"""Issue 7, item by item: the stories the other test files did not yet tell.

- the cadre's form on a household's behalf and a report from a visit, through the pages:
  exactly one alert each, none for a household out of reach;
- the 15-day deadline on the rendered list and dashboard, at and around the limit;
- village and district exit at and around the 2% threshold (and a configured 3%), and what
  holds a village back;
- each risk needs a measure (developmental when the household has labour), on the object page;
- the dashboard: objects by type and risk, alerts by age, overdue procedures, eliminated this
  year (帮扶消除 / 自然消除), on the rendered page;
- the elimination notice and the exit notice carry no personal data;
- a household without labour is refused elimination through the page too;
- `fupin monitor` draws its progress.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from fupin.assistance.services import visit_record
from fupin.core.changelog import Context
from fupin.core.models import Job
from fupin.monitoring.choices import ObjectStatus
from fupin.monitoring.dashboard import dashboard
from fupin.monitoring.incidence import incidence_table
from fupin.monitoring.models import Alert, MonitoringObject, MonitoringPolicy, Risk
from fupin.monitoring.services.alerts import alert_report
from fupin.monitoring.services.policy import monitoring_policy_create
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.registry.services import household_close, member_end
from fupin.utils.masking import mask_id, mask_phone
from tests.conftest import DACHANG, DISTRICT, GUANGHUI, JIEFANG, SYSTEM, head_data, make_household, region
from tests.monitoring.conftest import (
    SAFE,
    add_measure,
    at,
    exited_household,
    facts,
    member,
    no_labour_head,
    write_csv,
)

INSURED = {"ins_medical": True, "ins_serious_illness": True}
DEVELOPMENTAL = "有劳动能力的家庭须落实开发式帮扶"


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def ctx(user):
    return Context(actor=user)


@pytest.fixture
def march_2021(regions):
    with time_machine.travel(at(2021, 3, 1), tick=False) as t:
        yield t


# ---------------------------------------------------------------- the cadre's form and a visit


def test_the_cadre_registers_a_self_report_on_the_households_behalf(march_2021, cadre):
    h = exited_household("4304050142013001")
    r = login(cadre).post(
        reverse("monitoring:alert_create"),
        {"household": h.code, "source": "self", "risk_hint": "01", "description": "户主电话申报：老伴住院"},
    )
    a = Alert.objects.get()
    assert r.status_code == 302 and r.url == reverse("monitoring:alert_detail", args=[a.pk])
    assert (a.household, a.source, a.reported_by, a.risk_hint, a.visit) == (h, "self", cadre, "01", None)
    assert a.deadline == dt.date(2021, 3, 16)


def test_a_cadre_reports_a_risk_found_on_a_visit(march_2021, cadre):
    h = exited_household("4304050142013002")
    visit = visit_record(ctx=SYSTEM, household=h, checklist={"chat": True}, notes="户主务工受伤")
    c = login(cadre)
    form = c.get(reverse("monitoring:alert_create") + f"?household={h.code}").content.decode()
    assert "户主务工受伤" in form  # the household's visits are offered
    r = c.post(
        reverse("monitoring:alert_create"),
        {"household": h.code, "source": "cadre", "risk_hint": "05", "visit": visit.pk, "description": "走访发现受伤"},
    )
    assert r.status_code == 302
    a = Alert.objects.get()
    assert (a.source, a.visit, a.risk_hint, a.reported_by) == ("cadre", visit, "05", cadre)


def test_the_cadre_form_refuses_a_household_out_of_reach(march_2021, other_cadre):
    h = exited_household("4304050142013003")  # in 大昌村; the other cadre serves 解放村
    r = login(other_cadre).post(
        reverse("monitoring:alert_create"), {"household": h.code, "source": "cadre", "description": "x"}
    )
    assert r.status_code == 200 and "不存在或不在您的范围内" in r.content.decode()
    assert not Alert.objects.exists()


# ---------------------------------------------------------------- the 15-day deadline on the pages


def test_an_alert_turns_overdue_on_the_sixteenth_day_on_every_page(march_2021, cadre):
    h = exited_household("4304050142013101", head=head_data(name="孙满仓"))
    a = alert_report(ctx=ctx(cadre), household=h, source="cadre", description="住院")
    for moment, overdue in ((at(2021, 3, 16, 23), False), (at(2021, 3, 17, 0), True)):
        march_2021.move_to(moment)
        c = login(cadre)  # a fresh session: the one of 1 March would have expired
        listed = c.get(reverse("monitoring:alert_list") + "?overdue=on").content.decode()
        assert (f"#{a.pk}" in listed) is overdue
        page = c.get(reverse("monitoring:dashboard")).content.decode()
        assert ("没有超期的识别程序" not in page) is overdue
        d = dashboard(user=cadre)
        assert d["overdue_count"] == int(overdue)
        # 15 days old sits in the 11–15 band; on the 16th it moves past the limit.
        assert [b["n"] for b in d["age_bands"]] == ([0, 0, 0, 1] if overdue else [0, 0, 1, 0])
    assert "孙满仓" in page


# ---------------------------------------------------------------- the dashboard


def _object(h, kind: str, risks: list[str], *, status=ObjectStatus.MONITORED, method="", eliminated_on=None):
    o = MonitoringObject.objects.create(
        household=h,
        object_type=kind,
        year=2021,
        identified_on=dt.date(2021, 1, 5),
        status=status,
        elimination_method=method,
        eliminated_on=eliminated_on,
    )
    for code in risks:
        Risk.objects.create(
            monitoring_object=o, kind=code, added_on=dt.date(2021, 1, 5), disaster_kind="flood" if code == "04" else ""
        )
    return o


def test_the_dashboard_counts_objects_alerts_and_eliminations(regions, coordinator, cadre):
    with time_machine.travel(at(2021, 1, 1), tick=False) as t:
        homes = [exited_household(f"43040501420132{i:02d}") for i in range(1, 7)]
        plain = [make_household(f"43040501420133{i:02d}", registered=False) for i in range(1, 3)]
        _object(homes[0], "unstable", ["01", "04"])
        _object(homes[1], "unstable", ["01"])
        _object(plain[0], "marginal", ["07"])
        _object(
            plain[1],
            "sudden",
            ["05"],
            status=ObjectStatus.ELIMINATED,
            method="assisted",
            eliminated_on=dt.date(2020, 12, 31),
        )  # last year: not counted this year
        _object(
            homes[2],
            "unstable",
            ["02"],
            status=ObjectStatus.ELIMINATED,
            method="assisted",
            eliminated_on=dt.date(2021, 2, 1),
        )
        _object(
            homes[3],
            "unstable",
            ["06"],
            status=ObjectStatus.ELIMINATED,
            method="natural",
            eliminated_on=dt.date(2021, 3, 1),
        )
        # Alerts found 0, 7, 12 and 20 days before 2021-03-10; one in another township.
        for days, h in ((20, homes[4]), (12, homes[5]), (7, homes[0])):
            t.move_to(at(2021, 3, 10) - dt.timedelta(days=days))
            alert_report(ctx=SYSTEM, household=h, source="cadre", description="x")
        t.move_to(at(2021, 3, 10))
        alert_report(ctx=SYSTEM, household=homes[1], source="self", description="y")
        other = make_household("4304052012013201", JIEFANG, status="exited", exit_year=2016)
        alert_report(ctx=SYSTEM, household=other, source="cadre", description="z")
        d = dashboard(user=coordinator)
        page = login(coordinator).get(reverse("monitoring:dashboard")).content.decode()
        mine = dashboard(user=cadre)
    by_type = {r["code"]: r["n"] for r in d["by_type"]}
    assert by_type == {"unstable": 2, "marginal": 1, "sudden": 0} and d["monitored"] == 3
    by_risk = {r["code"]: r["n"] for r in d["by_risk"] if r["n"]}
    assert by_risk == {"01": 2, "04": 1, "07": 1}  # risks of eliminated objects are not counted
    assert {r["code"]: r["n"] for r in d["eliminated"]} == {"assisted": 1, "natural": 1}
    assert d["eliminated_total"] == 2
    assert [b["n"] for b in d["age_bands"]] == [2, 1, 1, 1]
    assert d["open_alerts"] == 5 and d["overdue_count"] == 1 and d["overdue"][0].household == homes[4]
    assert d["overdue"][0].days_over == 5
    assert {r["code"]: r["n"] for r in d["by_source"]} == {"self": 1, "cadre": 4, "department": 0, "income": 0}
    # The page shows the same figures, and links into the filtered lists.
    assert "?status=monitored&amp;object_type=unstable" in page and "?status=monitored&amp;risk=01" in page
    assert "20 天以上" not in page and "16 天以上（超过时限）" in page
    # A village cadre's dashboard counts their village only.
    assert mine["open_alerts"] == 4


# ---------------------------------------------------------------- village and district exit


@pytest.fixture
def villages(regions):
    """Every village of the district with a known population of 1,000, except three small
    ones planted at and around 2%."""
    Region.objects.filter(level=RegionLevel.VILLAGE, path__startswith=region(DISTRICT).path).update(
        rural_population=1000
    )
    Region.objects.filter(code=DACHANG).update(rural_population=100)  # 2 poor persons: 2.00%
    Region.objects.filter(code=GUANGHUI).update(rural_population=201)  # 4 poor persons: 1.99%
    Region.objects.filter(code=JIEFANG).update(rural_population=49)  # 1 poor person: 2.04%
    a = make_household("4304050142014001")
    member(a, name="妻")
    make_household("4304050142014002", status="exited", exit_year=2016)  # exited: not counted
    closed = make_household("4304050142014003")
    household_close(ctx=Context(actor=None, reason="整户迁出"), household=closed, reason="moved_out")
    gone = member(a, name="已故")
    member_end(ctx=SYSTEM, member=gone, reason="01")  # ended: not counted
    for i in range(2):
        b = make_household(f"43040501420200{i:02d}", GUANGHUI, status="returned", return_year=2017)  # returned: counted
        member(b, name="子")
    make_household("4304052012014001", JIEFANG)
    make_household("4304050142014009", registered=False)  # never poor


def rows_by_code(user):
    return {r.village.code: r for r in incidence_table(user=user, year=2017).rows}


def test_villages_at_and_around_the_two_percent_line(villages, coordinator):
    rows = rows_by_code(coordinator)
    dachang, guanghui, jiefang = rows[DACHANG], rows[GUANGHUI], rows[JIEFANG]
    assert (dachang.poor_persons, dachang.poor_households, dachang.incidence_pct) == (2, 1, "2.00%")
    assert (guanghui.poor_persons, guanghui.incidence_pct) == (4, "1.99%")
    assert (jiefang.poor_persons, jiefang.incidence_pct) == (1, "2.04%")
    assert (dachang.meets, guanghui.meets, jiefang.meets) == (False, True, False)
    assert (dachang.excess, guanghui.excess, jiefang.excess) == (1, 0, 1)
    table = incidence_table(user=coordinator, year=2017)
    assert table.poor_persons == 7 and table.meets and table.villages_meeting == len(table.rows) - 2
    page = login(coordinator).get(reverse("monitoring:village_list")).content.decode()
    held = page.split("尚未达到的村")[1].split("达到退出条件的村")[0]
    assert "大昌村" in held and "解放村" in held and "还需 1 人脱贫" in held and "光辉村" not in held
    assert "低于 2.00%" in page


def test_a_village_without_population_holds_the_district_back(villages, coordinator):
    Region.objects.filter(code=GUANGHUI).update(rural_population=None)
    table = incidence_table(user=coordinator, year=2017)
    assert not table.meets and [r.village.code for r in table.missing_population] == [GUANGHUI]
    page = login(coordinator).get(reverse("monitoring:village_list")).content.decode()
    assert "1 个村未填写人口" in page


def test_a_three_percent_threshold_lets_the_same_villages_exit(villages, coordinator):
    old = MonitoringPolicy.objects.get()
    data = {
        f: getattr(old, f)
        for f in (
            "medical_oop_amount",
            "medical_oop_share",
            "income_drop_share",
            "procedure_days",
            "notice_min_days",
            "elimination_min_months",
            "exit_notice_days",
        )
    }
    monitoring_policy_create(
        ctx=ctx(coordinator),
        region=region(DISTRICT),
        data={**data, "year_from": 2017, "village_exit_incidence": Decimal("0.03"), "note": "按西部标准测算"},
    )
    rows = rows_by_code(coordinator)
    assert (rows[DACHANG].meets, rows[GUANGHUI].meets, rows[JIEFANG].meets) == (True, True, True)


def test_the_village_page_names_the_households_that_hold_it_back(villages, cadre):
    with time_machine.travel(at(2017, 10, 1), tick=False):
        page = login(cadre).get(reverse("monitoring:village_detail", args=[region(DACHANG).pk])).content.decode()
    assert "4304050142014001" in page and "还需 1 人脱贫" in page
    for not_holding in ("4304050142014002", "4304050142014003", "4304050142014009"):
        assert not_holding not in page


# ---------------------------------------------------------------- a measure for each risk


def test_the_object_page_asks_for_a_measure_per_risk_and_a_developmental_one(march_2021, cadre, decided):
    h = exited_household("4304050142013401", head=head_data(**INSURED))
    a = decided(h, "住院、孩子辍学", traveller=march_2021, risks=[{"kind": "01"}, {"kind": "03"}])
    url = reverse("monitoring:object_detail", args=[a.monitoring_object.pk])
    page = login(cadre).get(url).content.decode()
    assert "风险“因病”尚无对应帮扶措施" in page and "风险“因学”尚无对应帮扶措施" in page
    assert DEVELOPMENTAL in page
    add_measure(h, "health", "医疗救助")
    page = login(cadre).get(url).content.decode()
    assert "风险“因病”尚无对应帮扶措施" not in page and "风险“因学”尚无对应帮扶措施" in page
    add_measure(h, "employment", "乡外务工")
    add_measure(h, "education", "雨露计划")
    page = login(cadre).get(url).content.decode()
    assert "每项风险均有对应措施" in page and DEVELOPMENTAL not in page


def test_a_household_without_labour_needs_no_developmental_measure(march_2021, cadre, decided):
    h = exited_household("4304050142013402", head=no_labour_head(**INSURED))
    add_measure(h, "health", "家庭医生签约")
    a = decided(h, "独居", traveller=march_2021)
    page = login(cadre).get(reverse("monitoring:object_detail", args=[a.monitoring_object.pk])).content.decode()
    assert "每项风险均有对应措施" in page and DEVELOPMENTAL not in page


def test_the_page_refuses_to_eliminate_a_household_without_labour(march_2021, cadre, decided):
    h = exited_household("4304050142013403", head=no_labour_head(**INSURED))
    facts(h, 2021, transfer=9000, **SAFE)
    add_measure(h, "health", "家庭医生签约")
    a = decided(h, "独居", traveller=march_2021)
    o = a.monitoring_object
    march_2021.move_to(at(2022, 6, 1))
    r = login(cadre).post(
        reverse("monitoring:object_propose", args=[o.pk]),
        {"method": "natural", "on": "2022-06-01", "notice_starts": "2022-06-01", "notice_ends": "2022-06-05"},
    )
    assert r.status_code == 400 and "整户无劳动能力" in r.content.decode()
    o.refresh_from_db()
    assert o.status == ObjectStatus.MONITORED and not o.proposed_method


# ---------------------------------------------------------------- notices without personal data


SECRET_ACCOUNT = "6228480099887766554"


def _sensitive(code, *, status="exited", **kw):
    head = head_data(name="周病根", phone="13912340000", health="03", **INSURED)
    h = make_household(
        code, status=status, head=head, phone="13987650000", bank_name="农商行", bank_account=SECRET_ACCOUNT, **kw
    )
    kid = member(
        h,
        name="周小残",
        health="04",
        disability_grade="2",
        disability_category="4",
        born=dt.date(2000, 1, 1),
        labour_skill="3",
        **INSURED,
    )
    return h, head, kid


def _assert_clean(html, h, head, kid):
    for secret in (
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
        "因病",
        "尿毒症",
        "肢体",
        "二级",
    ):
        assert secret not in html, secret


def test_the_elimination_notice_shows_no_personal_data(march_2021, cadre, coordinator, decided):
    h, head, kid = _sensitive("4304050142013501", exit_year=2016)
    facts(h, 2021, wage=20000, **SAFE)
    add_measure(h, "health", "医疗救助")
    add_measure(h, "employment", "乡外务工")
    a = decided(h, "尿毒症透析", traveller=march_2021)
    o = a.monitoring_object
    march_2021.move_to(at(2021, 9, 10))
    from fupin.monitoring.services.objects import elimination_propose

    elimination_propose(
        ctx=ctx(cadre),
        obj=o,
        method="assisted",
        on=dt.date(2021, 9, 10),
        notice_starts=dt.date(2021, 9, 10),
        notice_ends=dt.date(2021, 9, 14),
        comment="收入稳定",
    )
    r = login(coordinator).get(reverse("monitoring:object_notice", args=[o.pk]))
    html = r.content.decode()
    assert r.status_code == 200 and "风险消除公示" in html and "周病根" in html and "帮扶消除" in html
    _assert_clean(html, h, head, kid)


def test_the_exit_notice_shows_no_personal_data(regions, cadre, reviewer):
    from fupin.monitoring.choices import ExitStage
    from fupin.monitoring.services.exits import exit_propose, exit_step

    with time_machine.travel(at(2017, 10, 1), tick=False):
        h, head, kid = _sensitive("4304050142013502", status="not_exited", identified_year=2015)
        facts(h, 2017, wage=9000, **SAFE)
        case = exit_propose(
            ctx=ctx(cadre),
            household=h,
            year=2017,
            meeting_on=dt.date(2017, 10, 1),
            votes_for=20,
            votes_against=0,
            needs=(True, True),
        )
        exit_step(ctx=ctx(reviewer), case=case, step=ExitStage.VERIFICATION, decision="pass")
        exit_step(ctx=ctx(cadre), case=case, step=ExitStage.ACKNOWLEDGEMENT, decision="pass")
        exit_step(
            ctx=ctx(cadre),
            case=case,
            step=ExitStage.NOTICE,
            decision="pass",
            notice_starts=dt.date(2017, 10, 1),
            notice_ends=dt.date(2017, 10, 7),
        )
        r = login(cadre).get(reverse("monitoring:exit_notice", args=[case.pk]))
    html = r.content.decode()
    assert r.status_code == 200 and "周病根" in html and "2017" in html
    _assert_clean(html, h, head, kid)


# ---------------------------------------------------------------- `fupin monitor` with progress


def test_the_monitor_command_draws_its_progress(regions, tmp_path):
    with time_machine.travel(at(2021, 6, 1), tick=False):
        h = exited_household("4304050142013601")
        facts(h, 2021, wage=1000)
        path = write_csv(tmp_path / "med.csv", ["证件号码", "个人自付"], [[h.members.get().id_number, 20000]])
        err, out = StringIO(), StringIO()
        call_command("monitor", "--year", "2021", "--list", str(path), "--kind", "medical", stdout=out, stderr=err)
    assert "100%" in err.getvalue()
    # The list's alert opens the procedure; the income signal for the same household joins it.
    assert "共新增预警 1 条" in out.getvalue()
    assert "另有 1 条线索" in out.getvalue()
    job = Job.objects.get(kind="monitor")
    assert job.status == "done" and job.total > 0 and job.done == job.total
    assert Alert.objects.filter(household=h).count() == 2  # one from the list, one from the income


# ---------------------------------------------------------------- the yearly monitoring line is data


def test_a_later_years_monitoring_line_moves_the_income_screening(regions, coordinator):
    """2021 = 6,000 (seed); a 2023 line of 7,300 entered by the district office applies to 2023."""
    from fupin.identification.services.policy import policy_version_create
    from fupin.monitoring.screening.income import screen_income

    with time_machine.travel(at(2023, 6, 1), tick=False):
        policy_version_create(
            ctx=ctx(coordinator),
            year=2023,
            region=region(DISTRICT),
            effective_from=dt.date(2023, 1, 1),
            data={"monitoring_line": Decimal("7300"), "criteria": ["income"]},
        )
        below, at_line = exited_household("4304050142013701"), exited_household("4304050142013702")
        facts(below, 2023, wage="7299.99")
        facts(at_line, 2023, wage=7300)
        result = screen_income(ctx=SYSTEM, year=2023, paths=[region(DISTRICT).path])
    assert result.alerts == 1
    a = Alert.objects.get(source="income")
    assert a.household == below and a.evidence["rules"] == ["line"]
