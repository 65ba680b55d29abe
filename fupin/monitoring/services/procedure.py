"""The identification procedure of an alert (domain.md §4): 入户核查 → 农户承诺授权 → 信息比对 →
民主评议 → 村级公示 (once, ≥ 5 days, no personal details) → 乡镇审核 → 县级审定, within 15 days
of the clue. Each step is an insert-only `AlertStep`; a `reject` at any step ends the alert as
不纳入监测; the county's approval creates the monitoring object (or adds its risks).

Whoever recorded an earlier step of an alert may not review or decide it (maker ≠ checker).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.core.changelog import Context
from fupin.core.errors import ApplicationError
from fupin.monitoring.choices import PROCEDURE_ORDER, AlertStatus, Decision, ProcedureStep
from fupin.monitoring.models import Alert, AlertStep
from fupin.monitoring.policy import monitoring_policy_for
from fupin.monitoring.services.common import (
    actor_of,
    appraisal_carried,
    log_changed,
    log_new,
    notice_period,
    snap,
    step_date,
)
from fupin.monitoring.services.objects import object_identify
from fupin.registry.models import Household
from fupin.registry.services.common import check_scope

STEP_PERMS = {
    ProcedureStep.VERIFICATION: "monitoring.change_alert",
    ProcedureStep.CONSENT: "monitoring.change_alert",
    ProcedureStep.COMPARISON: "monitoring.change_alert",
    ProcedureStep.APPRAISAL: "monitoring.change_alert",
    ProcedureStep.NOTICE: "monitoring.change_alert",
    ProcedureStep.TOWNSHIP: "monitoring.review_alert",
    ProcedureStep.COUNTY: "monitoring.decide_alert",
}
CHECKER_STEPS = {ProcedureStep.TOWNSHIP, ProcedureStep.COUNTY}


@transaction.atomic
def alert_step(
    *,
    ctx: Context,
    alert: Alert,
    step: str,
    decision: str,
    on: dt.date | None = None,
    comment: str = "",
    notice_starts: dt.date | None = None,
    notice_ends: dt.date | None = None,
    object_type: str = "",
    risks: list[dict[str, Any]] | None = None,
    votes_for: int | None = None,
    votes_against: int | None = None,
) -> Alert:
    household_id = Alert.objects.filter(pk=alert.pk).values_list("household_id", flat=True).first()
    if household_id is not None:
        # The household before its alert, as reports and matches lock them: a county decision
        # (which locks the household to record the object) and a new report then queue
        # instead of deadlocking.
        list(Household.objects.select_for_update().filter(pk=household_id).values_list("pk", flat=True))
    a = Alert.objects.select_for_update(of=("self",)).select_related("region", "household").get(pk=alert.pk)
    if step not in STEP_PERMS:
        raise ValidationError({"step": _("未知的环节")})
    check_scope(ctx, STEP_PERMS[ProcedureStep(step)], a.region)
    if a.status == AlertStatus.ATTACHED:
        raise ApplicationError(_("该线索已并入预警 #{pk}，请在该预警办理识别程序").format(pk=a.attached_to_id))
    if a.status != AlertStatus.OPEN:
        raise ApplicationError(_("该预警已办结（{s}）").format(s=a.get_status_display()))
    if a.household_id is None:
        raise ApplicationError(_("请先将该申报对应到具体农户"))
    if step != a.next_step:
        raise ApplicationError(
            _("当前应办理“{expected}”，不能办理“{step}”").format(
                expected=a.get_next_step_display(), step=ProcedureStep(step).label
            )
        )
    if decision not in Decision.values:
        raise ValidationError({"decision": _("请选择结论")})
    previous = list(a.steps.all())
    if step in CHECKER_STEPS and ctx.actor is not None and any(s.actor_id == ctx.actor.pk for s in previous):
        raise ApplicationError(
            _("办理过前面环节的人不能办理“{step}”（经办与审核须由不同人员办理）").format(step=ProcedureStep(step).label)
        )
    last_on = max([s.on for s in previous], default=a.created.date())
    on = step_date(on, not_before=last_on)
    if comment.strip() == "" and decision == Decision.REJECT:
        raise ValidationError({"comment": _("不通过时请填写理由")})
    data: dict[str, Any] = {}
    before = snap(a)
    if step == ProcedureStep.APPRAISAL:
        if votes_for is None or votes_against is None or votes_for < 0 or votes_against < 0:
            raise ValidationError({"votes_for": _("请填写民主评议的同意票和反对票")})
        data = {"votes_for": votes_for, "votes_against": votes_against}
        if decision == Decision.PASS and not appraisal_carried(votes_for=votes_for, votes_against=votes_against):
            raise ValidationError(
                {
                    "votes_for": _("同意 {a} 票未超过反对 {b} 票，民主评议未通过；请选择“不通过”并填写理由").format(
                        a=votes_for, b=votes_against
                    )
                }
            )
    if step == ProcedureStep.NOTICE and decision == Decision.PASS:
        policy = monitoring_policy_for(region=a.region, year=on.year)
        a.notice_starts, a.notice_ends = notice_period(notice_starts, notice_ends, min_days=policy.notice_min_days)
        if a.notice_starts < on:
            raise ValidationError({"notice_starts": _("公示开始日期不能早于登记日期")})
        data = {"notice_starts": a.notice_starts.isoformat(), "notice_ends": a.notice_ends.isoformat()}
    if step == ProcedureStep.TOWNSHIP and (a.notice_ends is None or on <= a.notice_ends):
        raise ApplicationError(
            _("村级公示至 {d} 结束，期满后方可审核").format(d=a.notice_ends.isoformat() if a.notice_ends else "-")
        )
    row = AlertStep(
        alert=a,
        step=step,
        decision=decision,
        on=on,
        actor=actor_of(ctx),
        actor_name=ctx.actor_name,
        comment=comment.strip()[:500],
        data=data,
    )
    if step == ProcedureStep.COUNTY and decision == Decision.PASS:
        obj = object_identify(ctx=ctx, alert=a, object_type=object_type, risks=risks or [], on=on)
        row.data = {"object": obj.pk, "object_type": obj.object_type, "risks": [r["kind"] for r in (risks or [])]}
        a.monitoring_object = obj
    row.save()
    log_new(ctx, row, related=a.household)
    if decision == Decision.REJECT:
        a.status, a.next_step, a.decided_on = AlertStatus.DISMISSED, "", on
    elif step == ProcedureStep.COUNTY:
        a.status, a.next_step, a.decided_on = AlertStatus.IDENTIFIED, "", on
    else:
        a.next_step = PROCEDURE_ORDER[PROCEDURE_ORDER.index(step) + 1]
    a.save()
    log_changed(ctx, a, before, related=a.household)
    return a
