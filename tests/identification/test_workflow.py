"""The review workflow (两公示一公告), told step by step, with maker ≠ checker."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from fupin.core.changelog import Context
from fupin.core.errors import ApplicationError
from fupin.identification.choices import Decision, Step
from fupin.identification.models import Application, StepDecision
from fupin.identification.services.applications import (
    application_announce,
    application_propose,
    application_submit,
    application_withdraw,
    appraisal_record,
    district_approve,
    notice_close,
    objection_answer,
    objection_record,
    township_review,
)
from fupin.registry.models import Household, HouseholdStatusEvent
from tests.identification.conftest import poor_household

# Role assignments start today, so the story moves forward from today (never back in time).
SHANGHAI = ZoneInfo("Asia/Shanghai")
START = dt.datetime.now(SHANGHAI).date() + dt.timedelta(days=1)


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def at(n: int, hour: int = 10):
    """Travel to the n-th day of the story (day 0 = the appraisal and the first notice day)."""
    return time_machine.travel(dt.datetime.combine(day(n), dt.time(hour), tzinfo=SHANGHAI), tick=False)


def ctx(user):
    return Context(actor=user)


def propose(cadre, h, kind="admission", **data):
    defaults = {"attribute": "1", "main_cause": "01"} if kind == "admission" else {"reason": "家庭成员为财政供养人员"}
    defaults.update(data)
    return application_propose(ctx=ctx(cadre), household=h, kind=kind, year=2017, data=defaults)


def appraise(user, app, **kw):
    args = dict(meeting_date=START, representatives=30, present=25, votes_for=20, votes_against=3, notice_from=START)
    args.update(kw)
    return appraisal_record(ctx=ctx(user), application=app, **args)


@pytest.fixture
def admission_through_district(db, cadre, second_cadre, reviewer, second_reviewer, coordinator):
    """An admission walked through every step up to the announcement."""

    def walk():
        h = poor_household()
        with at(0):
            app = propose(cadre, h)
            app = appraise(second_cadre, app)
        with at(7):
            app = notice_close(ctx=ctx(second_cadre), application=app, passed=True)
            app = township_review(ctx=ctx(reviewer), application=app, passed=True, notice_from=day(7))
        with at(14):
            app = notice_close(ctx=ctx(reviewer), application=app, passed=True)
        return h, app

    return walk


def test_an_admission_goes_through_every_step_and_registers_the_household(admission_through_district, coordinator):
    h, app = admission_through_district()
    assert app.step == Step.DISTRICT_APPROVAL
    with at(14):
        app = district_approve(ctx=ctx(coordinator), application=app, passed=True, comment="经比对无异常")
    with at(15):
        app = application_announce(ctx=ctx(coordinator), application=app, announced_on=day(15))
    assert app.step == Step.DONE
    h = Household.objects.get(pk=h.pk)
    assert (h.registered, h.status, h.identified_year, h.attribute, h.main_cause) == (
        True,
        "not_exited",
        2017,
        "1",
        "01",
    )
    assert HouseholdStatusEvent.objects.filter(household=h, kind="registered", year=2017).exists()
    ledger = list(StepDecision.objects.filter(application=app).values_list("step", "decision", "actor__username"))
    assert ledger == [
        ("applied", "submit", "cadre"),
        ("applied", "pass", "cadre2"),
        ("village_notice", "notice_end", "cadre2"),
        ("township_review", "pass", "reviewer"),
        ("township_notice", "notice_end", "reviewer"),
        ("district_approval", "pass", "coordinator"),
        ("announcement", "announce", "coordinator"),
    ]
    appraisal = StepDecision.objects.get(application=app, decision=Decision.PASS, step="applied")
    assert appraisal.data["votes_for"] == 20 and appraisal.data["notice_until"] == day(6).isoformat()


def test_the_proposer_cannot_take_any_later_step(db, cadre, second_cadre, reviewer, regions):
    h = poor_household()
    with at(0):
        app = propose(cadre, h)
        with pytest.raises(ApplicationError, match="提出人"):
            appraise(cadre, app)
        app = appraise(second_cadre, app)
    with at(8), pytest.raises(ApplicationError, match="提出人"):
        notice_close(ctx=ctx(cadre), application=app, passed=True)


def test_a_reviewer_who_proposed_a_removal_cannot_review_it_at_the_township(
    db, reviewer, second_cadre, second_reviewer
):
    h = poor_household(registered=True)
    with at(0):
        app = propose(reviewer, h, kind="removal")
        app = appraise(second_cadre, app)
    with at(7):
        app = notice_close(ctx=ctx(second_cadre), application=app, passed=True)
        with pytest.raises(ApplicationError, match="提出人"):
            township_review(ctx=ctx(reviewer), application=app, passed=True)
        app = township_review(ctx=ctx(second_reviewer), application=app, passed=True)
    assert app.step == Step.TOWNSHIP_NOTICE


def test_a_notice_cannot_close_before_seven_days(db, cadre, second_cadre):
    h = poor_household()
    with at(0):
        app = appraise(second_cadre, propose(cadre, h))
    assert (app.notice_from, app.notice_until) == (day(0), day(6))
    with at(6, 18), pytest.raises(ApplicationError, match="期满"):
        notice_close(ctx=ctx(second_cadre), application=app, passed=True)


def test_objections_during_a_notice_must_be_answered_and_an_upheld_one_stops_the_case(db, cadre, second_cadre):
    h = poor_household()
    with at(0):
        app = appraise(second_cadre, propose(cadre, h))
    with at(2):
        first = objection_record(
            ctx=ctx(second_cadre), application=app, raised_by_name="村民王某", content="该户儿子在县城有商品房"
        )
        second = objection_record(ctx=ctx(cadre), application=app, content="该户家中有轿车")
    with at(9):
        # The period is over, but objections are open.
        with pytest.raises(ApplicationError, match="2 条异议未答复"):
            notice_close(ctx=ctx(second_cadre), application=app, passed=True)
        # The proposer may record an objection but not answer one.
        with pytest.raises(ApplicationError, match="提出人"):
            objection_answer(ctx=ctx(cadre), objection=first, upheld=False, answer="经核实不属实")
        objection_answer(ctx=ctx(second_cadre), objection=first, upheld=False, answer="经核实，房屋为租住")
        objection_answer(ctx=ctx(second_cadre), objection=second, upheld=True, answer="经核实确有轿车一辆")
        with pytest.raises(ApplicationError, match="异议经核实成立"):
            notice_close(ctx=ctx(second_cadre), application=app, passed=True)
        app = notice_close(ctx=ctx(second_cadre), application=app, passed=False, comment="异议成立：家有轿车")
    assert app.step == Step.REJECTED
    assert not Household.objects.get(pk=h.pk).registered


def test_an_objection_outside_the_notice_period_is_refused(db, cadre, second_cadre):
    h = poor_household()
    with at(0):
        app = appraise(second_cadre, propose(cadre, h))
        with pytest.raises(Exception, match="公示期"):
            objection_record(ctx=ctx(second_cadre), application=app, content="x", raised_on=day(20))


def test_an_appraisal_without_quorum_or_majority(db, cadre, second_cadre):
    h = poor_household()
    with at(0):
        app = propose(cadre, h)
        with pytest.raises(Exception, match="三分之二"):
            appraise(second_cadre, app, present=19)
        app = appraise(second_cadre, app, votes_for=12, votes_against=13)
    assert app.step == Step.REJECTED
    assert StepDecision.objects.filter(application=app, decision="reject").exists()


def test_a_removal_runs_the_same_path_and_takes_the_household_off_the_roll(
    db, cadre, second_cadre, reviewer, coordinator
):
    h = poor_household(registered=True)
    with at(0):
        app = propose(cadre, h, kind="removal")
        app = appraise(second_cadre, app)
    with at(7):
        app = notice_close(ctx=ctx(second_cadre), application=app, passed=True)
        app = township_review(ctx=ctx(reviewer), application=app, passed=True)
    with at(14):
        app = notice_close(ctx=ctx(reviewer), application=app, passed=True)
        app = district_approve(ctx=ctx(coordinator), application=app, passed=True)
        app = application_announce(ctx=ctx(coordinator), application=app)
    h = Household.objects.get(pk=h.pk)
    assert (h.registered, h.status) == (False, "")
    event = HouseholdStatusEvent.objects.get(household=h, kind="removed")
    assert "财政供养人员" in event.note


def test_a_removal_needs_a_reason_and_a_registered_household(db, cadre):
    h = poor_household()
    with pytest.raises(ApplicationError, match="不是建档立卡户"):
        propose(cadre, h, kind="removal")
    h2 = poor_household("4304050142010502", registered=True)
    with pytest.raises(Exception, match="理由"):
        propose(cadre, h2, kind="removal", reason="")


def test_one_open_case_per_household(db, cadre):
    h = poor_household()
    with at(0):
        propose(cadre, h)
        with pytest.raises(ApplicationError, match="未办结"):
            propose(cadre, h)


def test_out_of_scope_cadre_cannot_propose(db, other_cadre):
    from fupin.core.errors import ScopeError

    h = poor_household()
    with pytest.raises(ScopeError):
        propose(other_cadre, h)


def test_district_rejection_needs_a_reason_and_ends_the_case(admission_through_district, coordinator):
    h, app = admission_through_district()
    with pytest.raises(ApplicationError, match="当前处于"):
        application_announce(ctx=ctx(coordinator), application=app)
    with pytest.raises(ValidationError):
        district_approve(ctx=ctx(coordinator), application=app, passed=False, comment=" ")
    app = district_approve(ctx=ctx(coordinator), application=app, passed=False, comment="比对发现商品房登记")
    assert app.step == Step.REJECTED
    assert not Household.objects.get(pk=h.pk).registered


def test_a_village_cadre_cannot_approve_at_the_district(admission_through_district, second_cadre):
    from fupin.core.errors import ScopeError

    _, app = admission_through_district()
    with pytest.raises(ScopeError):
        district_approve(ctx=ctx(second_cadre), application=app, passed=True)


def test_withdraw_and_a_candidate_taken_up_by_the_village(db, cadre, second_cadre):
    from django.utils import timezone

    h = poor_household()
    app = Application.objects.create(
        household=h, kind="admission", origin="comparison", year=2017, step=Step.CANDIDATE, step_since=timezone.now()
    )
    app = application_submit(ctx=ctx(cadre), application=app, data={"attribute": "2", "main_cause": "02", "year": 2016})
    assert (app.step, app.proposed_by, app.attribute, app.year) == (Step.APPLIED, cadre, "2", 2016)
    app = application_withdraw(ctx=ctx(cadre), application=app, reason="该户不愿申请")
    assert app.step == Step.WITHDRAWN
    assert list(app.decisions.values_list("decision", flat=True)) == ["submit", "withdraw"]


def test_the_decision_ledger_is_insert_only(db, cadre):
    h = poor_household()
    with at(0):
        app = propose(cadre, h)
    d = app.decisions.get()
    d.comment = "改写"
    with pytest.raises(Exception, match="只能新增"):
        d.save()
    with pytest.raises(Exception, match="不能删除"):
        d.delete()
