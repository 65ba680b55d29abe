"""Monitoring objects: identification (from an alert's county decision), new risks, and risk
elimination (proposed after verification, appraisal and notice; decided by someone else).

Nothing is deleted: an eliminated object keeps its risks and history and the household's
base data keep being updated. A household without labour is never eliminated.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.core.changelog import Context
from fupin.core.errors import ApplicationError
from fupin.monitoring.choices import (
    MAX_RISKS,
    DisasterKind,
    EliminationMethod,
    ObjectEventKind,
    ObjectStatus,
    ObjectType,
    RiskKind,
)
from fupin.monitoring.facts import elimination_facts
from fupin.monitoring.models import Alert, MonitoringObject, ObjectEvent, Risk
from fupin.monitoring.policy import monitoring_policy_for
from fupin.monitoring.rules import RuleResult, check_elimination, failed_sentences, passed
from fupin.monitoring.services.common import actor_of, log_changed, log_new, notice_period, snap, step_date
from fupin.registry.choices import PovertyStatus
from fupin.registry.models import Household
from fupin.registry.services.common import check_scope

POOR_STATUSES = (PovertyStatus.NOT_EXITED, PovertyStatus.PRE_EXIT, PovertyStatus.RETURNED)


def clean_risks(risks: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Validate risk entries ({kind, disaster_kind, remark}); returns them normalised."""
    cleaned: list[dict[str, str]] = []
    seen: set[str] = set()
    for i, r in enumerate(risks, start=1):
        kind = str(r.get("kind") or "")
        if kind not in RiskKind.values:
            raise ValidationError({"risks": _("第 {i} 项风险类型“{k}”无效").format(i=i, k=kind)})
        if kind in seen:
            raise ValidationError({"risks": _("风险类型“{k}”重复").format(k=RiskKind(kind).label)})
        seen.add(kind)
        sub = str(r.get("disaster_kind") or "") if kind == RiskKind.DISASTER else ""
        remark = str(r.get("remark") or "").strip()[:200]
        if kind == RiskKind.DISASTER and sub not in DisasterKind.values:
            raise ValidationError({"risks": _("因自然灾害须选择灾害类别（洪涝、地质、旱灾、生物、气象、地震、其他）")})
        if kind == RiskKind.OTHER and not remark:
            raise ValidationError({"risks": _("风险类型为“其他”时须填写说明")})
        cleaned.append({"kind": kind, "disaster_kind": sub, "remark": remark})
    if not cleaned:
        raise ValidationError({"risks": _("请至少选择一项风险类型")})
    if len(cleaned) > MAX_RISKS:
        raise ValidationError({"risks": _("每户最多 {n} 项风险类型").format(n=MAX_RISKS)})
    return cleaned


def check_object_type(household: Household, object_type: str) -> None:
    """脱贫不稳定户 is an exited registered household, 边缘易致贫户 an ordinary one; a registered
    household that is still poor is helped as such, not monitored."""
    if object_type not in ObjectType.values:
        raise ValidationError({"object_type": _("请选择监测对象类别")})
    if household.registered and household.status in POOR_STATUSES:
        raise ValidationError(
            {
                "object_type": _("户 {code} 是未脱贫的建档立卡户，按贫困户帮扶，不纳入监测对象").format(
                    code=household.code
                )
            }
        )
    if object_type == ObjectType.UNSTABLE and not (household.registered and household.status == PovertyStatus.EXITED):
        raise ValidationError({"object_type": _("脱贫不稳定户须为已脱贫户")})
    if object_type == ObjectType.MARGINAL and household.registered:
        raise ValidationError({"object_type": _("边缘易致贫户须为一般农户（未建档立卡）")})


def _event(
    ctx: Context, obj: MonitoringObject, kind: str, on: dt.date, comment: str = "", data: dict[str, Any] | None = None
) -> ObjectEvent:
    row = ObjectEvent.objects.create(
        monitoring_object=obj,
        kind=kind,
        on=on,
        actor=actor_of(ctx),
        actor_name=ctx.actor_name,
        comment=comment,
        data=data or {},
    )
    log_new(ctx, row, related=obj.household)
    return row


def object_identify(
    *, ctx: Context, alert: Alert, object_type: str, risks: list[dict[str, Any]], on: dt.date
) -> MonitoringObject:
    """Called inside the county decision: a new object, or new risks on the household's open one."""
    if alert.household_id is None:
        raise ApplicationError(_("请先将该申报对应到具体农户"))
    h = Household.objects.select_for_update().get(pk=alert.household_id)
    cleaned = clean_risks(risks)
    obj = MonitoringObject.objects.select_for_update().filter(household=h, status=ObjectStatus.MONITORED).first()
    if obj is None:
        check_object_type(h, object_type)
        obj = MonitoringObject.objects.create(
            household=h, object_type=object_type, year=on.year, identified_on=on, alert=alert
        )
        log_new(ctx, obj, related=h)
        _event(ctx, obj, ObjectEventKind.IDENTIFIED, on, data={"alert": alert.pk})
    existing = set(obj.risks.values_list("kind", flat=True))
    new = [r for r in cleaned if r["kind"] not in existing]
    if len(existing) + len(new) > MAX_RISKS:
        message = _("每户最多 {n} 项风险类型，该户已有 {k} 项").format(n=MAX_RISKS, k=len(existing))
        raise ValidationError({"risks": message})
    for r in new:
        risk = Risk(monitoring_object=obj, added_on=on, alert=alert, **r)
        risk.save()
        log_new(ctx, risk, related=h)
    if existing and new:
        _event(ctx, obj, ObjectEventKind.RISK_ADDED, on, data={"alert": alert.pk, "kinds": [r["kind"] for r in new]})
    return obj


def elimination_check(*, obj: MonitoringObject, method: str, on: dt.date) -> list[RuleResult]:
    """The elimination conditions for `obj` on `on`, one explained result each (read-only)."""
    policy = monitoring_policy_for(region=obj.household.region, year=on.year)
    return check_elimination(elimination_facts(obj, on=on), method=method, min_months=policy.elimination_min_months)


def _refuse_unless_allowed(results: list[RuleResult]) -> None:
    if not passed(results):
        raise ApplicationError(_("不满足风险消除条件：{reasons}").format(reasons=failed_sentences(results)))


@transaction.atomic
def elimination_propose(
    *,
    ctx: Context,
    obj: MonitoringObject,
    method: str,
    on: dt.date | None = None,
    notice_starts: dt.date | None = None,
    notice_ends: dt.date | None = None,
    comment: str = "",
) -> MonitoringObject:
    """入户核实 → 民主评议 + 公示: propose to mark the risk eliminated, if the conditions hold."""
    o = MonitoringObject.objects.select_for_update().select_related("household__region").get(pk=obj.pk)
    check_scope(ctx, "monitoring.propose_elimination", o.household.region)
    if o.status != ObjectStatus.MONITORED:
        raise ApplicationError(_("该户风险已消除"))
    if o.proposed_method:
        raise ApplicationError(_("该户已提出风险消除，等待审定"))
    if method not in EliminationMethod.values:
        raise ValidationError({"method": _("请选择帮扶消除或自然消除")})
    on = step_date(on, not_before=o.identified_on)
    _refuse_unless_allowed(elimination_check(obj=o, method=method, on=on))
    policy = monitoring_policy_for(region=o.household.region, year=on.year)
    starts, ends = notice_period(notice_starts, notice_ends, min_days=policy.notice_min_days)
    if starts < on:
        raise ValidationError({"notice_starts": _("公示开始日期不能早于登记日期")})
    before = snap(o)
    o.proposed_method, o.proposed_by, o.notice_starts, o.notice_ends = method, actor_of(ctx), starts, ends
    o.save()
    log_changed(ctx, o, before, related=o.household)
    _event(
        ctx,
        o,
        ObjectEventKind.ELIMINATION_PROPOSED,
        on,
        comment,
        {"method": method, "notice_starts": starts.isoformat(), "notice_ends": ends.isoformat()},
    )
    return o


@transaction.atomic
def elimination_decide(
    *, ctx: Context, obj: MonitoringObject, approve: bool, on: dt.date | None = None, comment: str = ""
) -> MonitoringObject:
    """乡镇审核/县级审定 of a proposed elimination, by someone other than the proposer; the
    conditions are checked again on the day of the decision."""
    o = MonitoringObject.objects.select_for_update().select_related("household__region").get(pk=obj.pk)
    check_scope(ctx, "monitoring.approve_elimination", o.household.region)
    if o.status != ObjectStatus.MONITORED or not o.proposed_method:
        raise ApplicationError(_("该户没有待审定的风险消除"))
    if ctx.actor is not None and o.proposed_by_id == ctx.actor.pk:
        raise ApplicationError(_("提出风险消除的人不能审定（提出与审定须由不同人员办理）"))
    on = step_date(on)
    if approve:
        if o.notice_ends is None or on <= o.notice_ends:
            raise ApplicationError(
                _("公示期至 {d} 结束，期满后方可审定").format(d=o.notice_ends.isoformat() if o.notice_ends else "-")
            )
        _refuse_unless_allowed(elimination_check(obj=o, method=o.proposed_method, on=on))
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("不通过时请填写理由")})
    before = snap(o)
    method = o.proposed_method
    if approve:
        o.status, o.elimination_method, o.eliminated_on = ObjectStatus.ELIMINATED, method, on
    o.proposed_method, o.proposed_by, o.notice_starts, o.notice_ends = "", None, None, None
    o.save()
    log_changed(ctx, o, before, related=o.household)
    kind = ObjectEventKind.ELIMINATION_APPROVED if approve else ObjectEventKind.ELIMINATION_REJECTED
    _event(ctx, o, kind, on, comment, {"method": method})
    return o
