"""Alerts from people and the §4 identification procedure, within 15 days."""

import datetime as dt

import pytest
import time_machine

from fupin.assistance.services import visit_record
from fupin.core.changelog import Context
from fupin.core.errors import ApplicationError, ScopeError, ValidationError
from fupin.monitoring.choices import AlertStatus, ObjectEventKind, ProcedureStep
from fupin.monitoring.dashboard import dashboard
from fupin.monitoring.models import Alert, AlertStep, MonitoringObject
from fupin.monitoring.selectors import alert_list
from fupin.monitoring.services.alerts import alert_match, alert_report, alert_self_report
from fupin.monitoring.services.procedure import alert_step
from tests.conftest import DACHANG, GUANGHUI, JIEFANG, SYSTEM, region
from tests.monitoring.conftest import at, exited_household, ordinary_household, walk_to_decision


def ctx(user):
    return Context(actor=user)


@pytest.fixture
def march_2021():
    with time_machine.travel(at(2021, 3, 1), tick=False) as t:
        yield t


def report(user, h, **kw):
    return alert_report(
        ctx=ctx(user),
        household=h,
        source=kw.pop("source", "cadre"),
        description=kw.pop("description", "户主住院，花费较大"),
        **kw,
    )


# ---------------------------------------------------------------- discovery by people


def test_public_self_report_waits_to_be_matched(march_2021, regions):
    a = alert_self_report(
        ctx=SYSTEM, village=region(DACHANG), name="王五", phone="138 0000 1111", description="老伴生病住院"
    )
    assert (a.household, a.source, a.phone, a.deadline) == (None, "self", "13800001111", dt.date(2021, 3, 16))


@pytest.mark.parametrize(
    ("field", "kw"),
    [
        ("phone", {"phone": "12345"}),
        ("name", {"name": " "}),
        ("description", {"description": ""}),
        ("village", {"village_code": "430405014"}),
    ],
)
def test_public_self_report_rejects_bad_input(march_2021, regions, field, kw):
    args = {"name": "王五", "phone": "13800001111", "description": "困难"}
    village = region(kw.pop("village_code", DACHANG))
    args.update(kw)
    with pytest.raises(ValidationError) as err:
        alert_self_report(ctx=SYSTEM, village=village, **args)
    assert field in err.value.message_dict
    assert not Alert.objects.exists()


def test_cadre_matches_a_self_report_in_their_village(march_2021, cadre, other_cadre):
    h = exited_household("4304050142010301")
    other_village = exited_household("4304050142020301", GUANGHUI)
    a = alert_self_report(ctx=SYSTEM, village=region(DACHANG), name="张三", phone="13800001111", description="困难")
    with pytest.raises(ScopeError):
        alert_match(ctx=ctx(other_cadre), alert=a, household=h)
    with pytest.raises(ValidationError):
        alert_match(ctx=SYSTEM, alert=a, household=other_village)
    a = alert_match(ctx=ctx(cadre), alert=a, household=h)
    assert a.household == h and a.region == h.region
    with pytest.raises(ApplicationError):
        alert_match(ctx=ctx(cadre), alert=a, household=h)


def test_cadre_report_from_a_visit(march_2021, cadre):
    h = exited_household("4304050142010302")
    visit = visit_record(ctx=SYSTEM, household=h, checklist={"chat": True}, notes="户主腿伤")
    a = report(cadre, h, visit=visit, risk_hint="05")
    assert (a.source, a.visit, a.risk_hint, a.reported_by) == ("cadre", visit, "05", cadre)
    other = exited_household("4304050142010303")
    with pytest.raises(ValidationError):
        report(cadre, other, visit=visit)


def test_a_village_cadre_reports_only_in_their_village(march_2021, other_cadre):
    with pytest.raises(ScopeError):
        report(other_cadre, exited_household("4304050142010304"))


# ---------------------------------------------------------------- the procedure


def test_the_whole_procedure_creates_a_monitoring_object(march_2021, cadre, reviewer, coordinator):
    h = exited_household("4304050142010305")
    a = report(cadre, h)
    a = walk_to_decision(
        a,
        village_user=cadre,
        township_user=reviewer,
        county_user=coordinator,
        traveller=march_2021,
        risks=[{"kind": "01"}, {"kind": "04", "disaster_kind": "flood"}],
    )
    assert (a.status, a.next_step, a.decided_on) == (AlertStatus.IDENTIFIED, "", dt.date(2021, 3, 7))
    o = a.monitoring_object
    assert (o.household, o.object_type, o.identified_on, o.year) == (h, "unstable", dt.date(2021, 3, 7), 2021)
    assert sorted(str(r) for r in o.risks.all()) == ["因病", "因自然灾害（洪涝）"]
    assert list(a.steps.values_list("step", flat=True)) == [s.value for s in ProcedureStep]
    # Decided within the deadline.
    assert a.decided_on <= a.deadline


def test_the_notice_lasts_at_least_five_days_and_comes_before_the_township(march_2021, cadre, reviewer):
    a = report(cadre, exited_household("4304050142010306"))
    for step in ("verification", "consent", "comparison"):
        a = alert_step(ctx=ctx(cadre), alert=a, step=step, decision="pass")
    a = alert_step(ctx=ctx(cadre), alert=a, step="appraisal", decision="pass", votes_for=9, votes_against=0)
    with pytest.raises(ValidationError, match="不足 5 天"):
        alert_step(
            ctx=ctx(cadre),
            alert=a,
            step="notice",
            decision="pass",
            notice_starts=dt.date(2021, 3, 1),
            notice_ends=dt.date(2021, 3, 4),
        )
    a = alert_step(
        ctx=ctx(cadre),
        alert=a,
        step="notice",
        decision="pass",
        notice_starts=dt.date(2021, 3, 1),
        notice_ends=dt.date(2021, 3, 5),
    )
    march_2021.move_to(at(2021, 3, 5, 23))
    with pytest.raises(ApplicationError, match="期满后方可审核"):
        alert_step(ctx=ctx(reviewer), alert=a, step="township", decision="pass")


def test_whoever_recorded_a_step_cannot_review_or_decide(march_2021, reviewer, coordinator):
    a = report(coordinator, exited_household("4304050142010307"))
    with pytest.raises(ApplicationError, match="不同人员"):
        walk_to_decision(
            a, village_user=coordinator, township_user=reviewer, county_user=coordinator, traveller=march_2021
        )
    a.refresh_from_db()
    assert a.next_step == "county" and a.status == AlertStatus.OPEN


def test_a_village_cadre_cannot_review_or_decide(march_2021, cadre):
    a = report(cadre, exited_household("4304050142010308"))
    for step in ("verification", "consent", "comparison"):
        a = alert_step(ctx=ctx(cadre), alert=a, step=step, decision="pass")
    with pytest.raises(ApplicationError, match="当前应办理"):
        alert_step(ctx=ctx(cadre), alert=a, step="notice", decision="pass")
    # The township's and the county's steps are not a village cadre's, whatever the stage.
    for step in ("township", "county"):
        with pytest.raises(ScopeError):
            alert_step(ctx=ctx(cadre), alert=a, step=step, decision="pass")


def test_refused_consent_ends_the_alert(march_2021, cadre):
    a = report(cadre, exited_household("4304050142010309"))
    a = alert_step(ctx=ctx(cadre), alert=a, step="verification", decision="pass")
    with pytest.raises(ValidationError):
        alert_step(ctx=ctx(cadre), alert=a, step="consent", decision="reject")  # a refusal needs its reason
    a = alert_step(ctx=ctx(cadre), alert=a, step="consent", decision="reject", comment="农户不同意授权核查")
    assert (a.status, a.next_step) == (AlertStatus.DISMISSED, "")
    with pytest.raises(ApplicationError, match="已办结"):
        alert_step(ctx=ctx(cadre), alert=a, step="comparison", decision="pass")
    assert AlertStep.objects.filter(alert=a).count() == 2


def test_an_unmatched_report_cannot_start_the_procedure(march_2021, cadre):
    a = alert_self_report(ctx=SYSTEM, village=region(DACHANG), name="张三", phone="13800001111", description="困难")
    with pytest.raises(ApplicationError, match="对应到具体农户"):
        alert_step(ctx=ctx(cadre), alert=a, step="verification", decision="pass")


@pytest.mark.parametrize(
    ("risks", "message"),
    [
        ([], "至少选择一项"),
        ([{"kind": k} for k in ("01", "02", "03", "05", "06", "07")], "最多 5 项"),
        ([{"kind": "99"}], "须填写说明"),
        ([{"kind": "04"}], "灾害类别"),
        ([{"kind": "01"}, {"kind": "01"}], "重复"),
    ],
)
def test_risks_are_checked_at_the_county_decision(march_2021, cadre, reviewer, coordinator, risks, message):
    a = report(cadre, exited_household("4304050142010310"))
    with pytest.raises(ValidationError, match=message):
        walk_to_decision(
            a, village_user=cadre, township_user=reviewer, county_user=coordinator, traveller=march_2021, risks=risks
        )
    assert not MonitoringObject.objects.exists()


def test_the_category_must_fit_the_household(march_2021, cadre, reviewer, coordinator):
    a = report(cadre, ordinary_household("4304050142010311"))
    with pytest.raises(ValidationError, match="已脱贫户"):
        walk_to_decision(
            a,
            village_user=cadre,
            township_user=reviewer,
            county_user=coordinator,
            traveller=march_2021,
            object_type="unstable",
        )


def test_a_new_risk_joins_the_open_object(march_2021, cadre, reviewer, coordinator):
    h = ordinary_household("4304050142010312")
    first = walk_to_decision(
        report(cadre, h),
        village_user=cadre,
        township_user=reviewer,
        county_user=coordinator,
        traveller=march_2021,
        object_type="marginal",
        risks=[{"kind": "07"}],
    )
    second = walk_to_decision(
        report(cadre, h),
        village_user=cadre,
        township_user=reviewer,
        county_user=coordinator,
        traveller=march_2021,
        object_type="sudden",
        risks=[{"kind": "05"}, {"kind": "07"}],
    )
    o = first.monitoring_object
    assert second.monitoring_object == o and MonitoringObject.objects.count() == 1
    assert sorted(o.risks.values_list("kind", flat=True)) == ["05", "07"]
    assert o.events.filter(kind=ObjectEventKind.RISK_ADDED).count() == 1


# ---------------------------------------------------------------- the 15-day deadline


def test_an_alert_is_overdue_after_fifteen_days(march_2021, cadre):
    a = report(cadre, exited_household("4304050142010313"))
    assert a.deadline == dt.date(2021, 3, 16)
    march_2021.move_to(at(2021, 3, 16, 23))
    assert not alert_list(user=cadre, filters={"overdue": True}).exists()
    assert dashboard(user=cadre)["overdue_count"] == 0
    march_2021.move_to(at(2021, 3, 17, 1))
    assert list(alert_list(user=cadre, filters={"overdue": True})) == [a]
    d = dashboard(user=cadre)
    assert d["overdue_count"] == 1 and d["overdue"][0].days_over == 1
    # The age bands count it past the limit.
    assert d["age_bands"][-1]["n"] == 1


def test_deadline_follows_the_policy(march_2021, cadre, coordinator):
    from fupin.monitoring.models import MonitoringPolicy
    from fupin.monitoring.services.policy import monitoring_policy_create

    old = MonitoringPolicy.objects.get()
    data = {
        f: getattr(old, f)
        for f in (
            "medical_oop_amount",
            "medical_oop_share",
            "income_drop_share",
            "notice_min_days",
            "elimination_min_months",
            "exit_notice_days",
            "village_exit_incidence",
        )
    }
    monitoring_policy_create(
        ctx=ctx(coordinator),
        region=region("430405"),
        data={**data, "year_from": 2022, "procedure_days": 10, "note": "2022 年起缩短时限"},
    )
    # Not yet in force in 2021.
    assert report(cadre, exited_household("4304050142010314")).deadline == dt.date(2021, 3, 16)
    monitoring_policy_create(
        ctx=ctx(coordinator),
        region=region("430405"),
        data={**data, "year_from": 2021, "procedure_days": 10, "note": "试点缩短时限"},
    )
    assert report(coordinator, exited_household("4304052012010314", JIEFANG)).deadline == dt.date(2021, 3, 11)
