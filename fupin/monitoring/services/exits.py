"""Household exit: assessment, then village appraisal → verification → the household's
acknowledgement → notice → announcement, which marks the household 已脱贫 with its year.

Every step is an insert-only `ExitStep`; whoever proposes an exit cannot verify or announce
it (maker ≠ checker). After exit the household keeps its cadre and measures: nothing here
ends them (摘帽不摘帮扶).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.changelog import Context
from fupin.core.errors import ApplicationError
from fupin.identification.selectors.snapshots import household_snapshot, policy_params
from fupin.identification.services.assessments import needs_check_record
from fupin.monitoring.choices import EXIT_ORDER, Decision, ExitCaseStatus, ExitStage
from fupin.monitoring.models import ExitAssessment, ExitCase, ExitStep
from fupin.monitoring.policy import lines_for, monitoring_policy_for
from fupin.monitoring.rules import assess_exit, failed_sentences, passed
from fupin.monitoring.services.common import (
    actor_of,
    appraisal_carried,
    log_changed,
    log_new,
    notice_period,
    snap,
    step_date,
)
from fupin.registry.choices import PovertyStatus
from fupin.registry.models import Household
from fupin.registry.services import household_update
from fupin.registry.services.common import check_scope

# Statuses of a registered household that is still poor.
POOR_STATUSES = (PovertyStatus.NOT_EXITED, PovertyStatus.PRE_EXIT, PovertyStatus.RETURNED)

STEP_PERMS = {
    ExitStage.APPRAISAL: "monitoring.add_exitcase",
    ExitStage.VERIFICATION: "monitoring.verify_exitcase",
    ExitStage.ACKNOWLEDGEMENT: "monitoring.add_exitcase",
    ExitStage.NOTICE: "monitoring.add_exitcase",
    ExitStage.ANNOUNCEMENT: "monitoring.announce_exitcase",
}
CHECKER_STEPS = {ExitStage.VERIFICATION, ExitStage.ANNOUNCEMENT}


def exit_assess(*, ctx: Context, household: Household, year: int) -> ExitAssessment:
    """Run the exit rules for `household` in `year` and store inputs, policy and results."""
    h = Household.objects.select_related("region").get(pk=household.pk)
    check_scope(ctx, "monitoring.add_exitassessment", h.region)
    lines = lines_for(region=h.region, year=year)
    snapshot = household_snapshot(household=h, year=year)
    results = assess_exit(snapshot, policy_params(lines.policy), identified_year=h.identified_year)
    a = ExitAssessment.objects.create(
        household=h,
        year=year,
        policy=lines.policy,
        inputs={**snapshot.as_inputs(), "identified_year": h.identified_year},
        results=[r.as_json() for r in results],
        passed=passed(results),
        actor=actor_of(ctx),
    )
    log_new(ctx, a, related=h)
    return a


def _record(
    ctx: Context, case: ExitCase, step: str, decision: str, on: dt.date, comment: str, data: dict[str, Any]
) -> ExitStep:
    row = ExitStep.objects.create(
        case=case,
        step=step,
        decision=decision,
        on=on,
        actor=actor_of(ctx),
        actor_name=ctx.actor_name,
        comment=comment,
        data=data,
    )
    log_new(ctx, row, related=case.household)
    return row


def _check_proposable(h: Household) -> None:
    if h.is_closed:
        raise ApplicationError(_("户 {code} 已注销").format(code=h.code))
    if not h.registered or h.status not in POOR_STATUSES:
        raise ApplicationError(_("户 {code} 不是未脱贫的建档立卡户，无需退出").format(code=h.code))
    if ExitCase.objects.filter(household=h, status=ExitCaseStatus.OPEN).exists():
        raise ApplicationError(_("户 {code} 已有进行中的退出申请").format(code=h.code))


def exit_propose(
    *,
    ctx: Context,
    household: Household,
    year: int,
    meeting_on: dt.date | None,
    votes_for: int,
    votes_against: int,
    needs: tuple[bool, bool] | None = None,
    comment: str = "",
) -> ExitCase:
    """村“两委”民主评议提出: open an exit case when the rules say the household meets the standard.
    `needs` is (不愁吃, 不愁穿) as the visit found them, recorded through identification.

    The visit's findings and the assessment are kept even when the exit is refused: they are
    what explains the refusal. The case itself is written in one transaction."""
    h = Household.objects.select_related("region").get(pk=household.pk)
    check_scope(ctx, STEP_PERMS[ExitStage.APPRAISAL], h.region)
    _check_proposable(h)
    if year > timezone.localdate().year:
        raise ValidationError({"year": _("退出年度不能晚于今年")})
    if votes_for < 0 or votes_against < 0:
        raise ValidationError({"votes_for": _("票数不能为负数")})
    if not appraisal_carried(votes_for=votes_for, votes_against=votes_against):
        raise ValidationError(
            {"votes_for": _("民主评议同意票 {a} 未超过反对票 {b}，不能提出退出").format(a=votes_for, b=votes_against)}
        )
    on = step_date(meeting_on, field="meeting_on")
    if needs is not None:
        needs_check_record(
            ctx=ctx, household=h, year=year, food_secure=needs[0], clothing_secure=needs[1], checked_on=on
        )
    with transaction.atomic():
        assessment = exit_assess(ctx=ctx, household=h, year=year)
    if not assessment.passed:
        raise ApplicationError(
            _("未达到退出标准：{reasons}").format(reasons=failed_sentences(assessment.results)),
            extra={"assessment": assessment.pk},
        )
    with transaction.atomic():
        h = Household.objects.select_for_update().select_related("region").get(pk=h.pk)
        _check_proposable(h)
        case = ExitCase.objects.create(
            household=h, year=year, assessment=assessment, proposer=actor_of(ctx), next_step=ExitStage.VERIFICATION
        )
        log_new(ctx, case, related=h)
        _record(
            ctx,
            case,
            ExitStage.APPRAISAL,
            Decision.PASS,
            on,
            comment,
            {"votes_for": votes_for, "votes_against": votes_against},
        )
    return case


@transaction.atomic
def exit_step(
    *,
    ctx: Context,
    case: ExitCase,
    step: str,
    decision: str,
    on: dt.date | None = None,
    comment: str = "",
    notice_starts: dt.date | None = None,
    notice_ends: dt.date | None = None,
    objections: str = "",
) -> ExitCase:
    """Record the next step of an exit case. A `reject` at any step closes the case."""
    c = ExitCase.objects.select_for_update().select_related("household__region").get(pk=case.pk)
    h = c.household
    if step not in STEP_PERMS or step == ExitStage.APPRAISAL:
        raise ValidationError({"step": _("未知的环节")})
    check_scope(ctx, STEP_PERMS[ExitStage(step)], h.region)
    if c.status != ExitCaseStatus.OPEN:
        raise ApplicationError(_("该退出申请已办结（{s}）").format(s=c.get_status_display()))
    if step != c.next_step:
        raise ApplicationError(
            _("当前应办理“{expected}”，不能办理“{step}”").format(
                expected=c.get_next_step_display(), step=ExitStage(step).label
            )
        )
    if decision not in Decision.values:
        raise ValidationError({"decision": _("请选择结论")})
    if step in CHECKER_STEPS and ctx.actor is not None and c.proposer_id == ctx.actor.pk:
        raise ApplicationError(
            _("提出退出的人不能办理“{step}”（提出与审核须由不同人员办理）").format(step=ExitStage(step).label)
        )
    last = c.steps.order_by("-on", "-id").first()
    on = step_date(on, not_before=last.on if last else None)
    data: dict[str, Any] = {}
    before = snap(c)
    if step == ExitStage.NOTICE and decision == Decision.PASS:
        policy = monitoring_policy_for(region=h.region, year=c.year)
        c.notice_starts, c.notice_ends = notice_period(notice_starts, notice_ends, min_days=policy.exit_notice_days)
        if c.notice_starts < on:
            raise ValidationError({"notice_starts": _("公示开始日期不能早于登记日期")})
        data = {"notice_starts": c.notice_starts.isoformat(), "notice_ends": c.notice_ends.isoformat()}
    if step == ExitStage.ANNOUNCEMENT:
        if c.notice_ends is None or on <= c.notice_ends:
            raise ApplicationError(
                _("公示期至 {d} 结束，期满后方可公告").format(d=c.notice_ends.isoformat() if c.notice_ends else "-")
            )
        data = {"objections": objections}
        if decision == Decision.PASS and h.identified_year is not None and h.identified_year >= c.year:
            raise ApplicationError(_("{y} 年新识别的贫困户当年不能退出").format(y=h.identified_year))
    _record(ctx, c, step, decision, on, comment, data)
    if decision == Decision.REJECT:
        c.status, c.next_step = ExitCaseStatus.REJECTED, ""
    elif step == ExitStage.ANNOUNCEMENT:
        c.status, c.next_step = ExitCaseStatus.EXITED, ""
        reason = _("公告退出（{year} 年脱贫）").format(year=c.year)
        household_update(
            ctx=Context(actor=ctx.actor, source=ctx.source, batch_id=ctx.batch_id, reason=reason),
            household=h,
            data={"status": PovertyStatus.EXITED, "exit_year": c.year},
        )
    else:
        c.next_step = EXIT_ORDER[EXIT_ORDER.index(step) + 1]
    c.save()
    log_changed(ctx, c, before, related=h)
    return c
