"""The township's decision on a finding: confirmed (acted on) or explained (kept).

A finding changes nothing by itself. Confirming it acts through the services that own the
change: a death ends the member (member_end, reason 死亡); a duplicate ends the surplus
membership; any other lead opens a removal application (清退), which then runs the whole
两公示一公告 workflow.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.changelog import Context, log_update, snapshot
from fupin.core.errors import ApplicationError
from fupin.identification.choices import ApplicationKind, ApplicationOrigin, FindingKind, FindingStatus, ListKind
from fupin.identification.models import Application, Finding
from fupin.identification.selectors.policy import latest_policy_year
from fupin.identification.services.applications import application_propose
from fupin.registry.choices import MemberChangeReason
from fupin.registry.models import Member
from fupin.registry.services import member_end
from fupin.registry.services.common import check_scope

DECIDE = "identification.decide_finding"
PAIR_KINDS = (FindingKind.TWO_HOUSEHOLDS, FindingKind.LIKELY_DUPLICATE, FindingKind.DUPLICATE_ID)


def _label(f: Finding) -> str:
    if f.kind == FindingKind.LIST_MATCH and f.comparison_id:
        return f.comparison.kind_name
    return str(FindingKind(f.kind).label)


def _end(ctx: Context, f: Finding, member: Member, reason: str, note: str, new_head: Member | None) -> None:
    if not member.is_active:
        return
    end_ctx = Context(
        actor=ctx.actor,
        source=ctx.source,
        batch_id=ctx.batch_id,
        reason=_("核查线索 #{pk}（{kind}）：{note}").format(pk=f.pk, kind=_label(f), note=note)[:200],
    )
    member_end(ctx=end_ctx, member=member, reason=reason, new_head=new_head)


def _removal(ctx: Context, f: Finding, note: str) -> Application | None:
    h = f.household
    if not h.registered or h.is_closed:
        return None
    existing = Application.objects.open().filter(household=h).first()
    if existing is not None:
        if existing.kind != ApplicationKind.REMOVAL:
            raise ApplicationError(
                _("户 {code} 有未办结的识别申请（#{pk}），请先办结或撤回").format(code=h.code, pk=existing.pk)
            )
        return existing
    year = f.recheck.year if f.recheck_id else latest_policy_year()
    origin = ApplicationOrigin.RECHECK if f.kind == FindingKind.RULE else ApplicationOrigin.COMPARISON
    reason = _("{kind}：{note}").format(kind=_label(f), note=note)[:300]
    return application_propose(
        ctx=ctx, household=h, kind=ApplicationKind.REMOVAL, year=year, data={"reason": reason}, origin=origin
    )


@transaction.atomic
def finding_decide(
    *,
    ctx: Context,
    finding: Finding,
    confirmed: bool,
    note: str,
    end_member: Member | None = None,
    new_head: Member | None = None,
) -> Finding:
    """Record the township's outcome. Confirmed: act as the module docstring says (a pair
    needs `end_member`, the one of the two records that goes). Explained: keep, with reason."""
    f = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("household__region", "comparison", "member", "other_member", "recheck")
        .get(pk=finding.pk)
    )
    check_scope(ctx, DECIDE, f.region)
    if f.status != FindingStatus.OPEN:
        raise ApplicationError(_("该线索已核实（{status}）").format(status=FindingStatus(f.status).label))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请填写核实情况说明")})
    if new_head is not None:
        # Only someone of the finding's own household(s) may take the head's place: a member
        # named from elsewhere would be made a head in a household that has one.
        homes = {f.household_id, *([f.other_member.household_id] if f.other_member else [])}
        if not Member.objects.active().filter(pk=new_head.pk, household_id__in=homes).exists():
            raise ValidationError({"new_head": _("新户主须是本户的在册成员")})
    application: Application | None = None
    if confirmed:
        if f.kind in PAIR_KINDS:
            pair: dict[int, Any] = {m.pk: m for m in (f.member, f.other_member) if m is not None}
            if end_member is None or end_member.pk not in pair:
                raise ValidationError({"end_member": _("请选择需减少的重复成员记录")})
            if f.kind == FindingKind.DUPLICATE_ID:
                reason = f.other_member.end_reason if f.other_member else MemberChangeReason.DEATH
            else:
                reason = MemberChangeReason.OTHER_OUT
            _end(ctx, f, pair[end_member.pk], reason, note, new_head)
        elif f.kind == FindingKind.LIST_MATCH and f.list_kind == ListKind.DEATH:
            if f.member is None:
                raise ApplicationError(_("线索没有对应的成员"))
            _end(ctx, f, f.member, MemberChangeReason.DEATH, note, new_head)
        else:
            application = _removal(ctx, f, note)
    before = snapshot(f)
    f.status = FindingStatus.CONFIRMED if confirmed else FindingStatus.EXPLAINED
    f.note, f.decided_at = note[:500], timezone.now()
    f.decided_by = ctx.actor if ctx.actor is not None and ctx.actor.pk else None
    f.application = application
    f.save()
    log_update(ctx, f, before, related=f.household)
    return f
