"""一户一人: assigning and ending a household's responsible cadre, with history."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.assistance.models import Cadre, Pairing
from fupin.assistance.policy import workload_policy
from fupin.assistance.services.common import check_scope
from fupin.core.changelog import Context, log_create, log_end, snapshot
from fupin.core.errors import ApplicationError
from fupin.registry.models import Household


@transaction.atomic
def pairing_assign(
    *,
    ctx: Context,
    household: Household,
    cadre: Cadre,
    started_on: dt.date | None = None,
    reason: str = "",
    enforce_workload: bool = True,
) -> Pairing:
    """Make `cadre` the household's responsible cadre from `started_on` (default today).
    The previous active pairing, if any, ends that day and stays in the history. Refused for
    a closed household, a cadre who has left, or (unless `enforce_workload` is false, as for
    an import of existing ledgers, whose excess the workload page then shows) a cadre
    already at the year's maximum."""
    h = Household.objects.select_for_update().select_related("region").get(pk=household.pk)
    check_scope(ctx, "assistance.add_pairing", h.region)
    if h.is_closed:
        raise ApplicationError(_("户 {code} 已注销，不能结对").format(code=h.code))
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    if cadre.ended_on is not None:
        raise ApplicationError(_("帮扶干部 {name} 已离任，不能结对").format(name=cadre.name))
    on = started_on or timezone.localdate()
    current = Pairing.objects.select_for_update().filter(household=h, ended_on__isnull=True).first()
    if current is not None and current.cadre_id == cadre.pk:
        raise ApplicationError(_("{name} 已是户 {code} 的帮扶责任人").format(name=cadre.name, code=h.code))
    limit = workload_policy(on.year).max_households
    held = cadre.pairings.filter(ended_on__isnull=True).count()
    if enforce_workload and held >= limit:
        raise ApplicationError(
            _("帮扶干部 {name} 已结对 {n} 户，达到 {year} 年每人最多 {max} 户的上限").format(
                name=cadre.name, n=held, year=on.year, max=limit
            )
        )
    if current is not None:
        if current.started_on and on < current.started_on:
            raise ValidationError(
                {
                    "started_on": _("开始日期不能早于现任帮扶责任人的开始日期 {date}").format(
                        date=current.started_on.isoformat()
                    )
                }
            )
        before = snapshot(current)
        current.ended_on = on
        current.end_reason = reason or _("更换帮扶责任人")
        current.save(update_fields=["ended_on", "end_reason", "updated"])
        log_end(ctx, current, before, related=h, reason=current.end_reason)
    pairing = Pairing.objects.create(household=h, cadre=cadre, started_on=on)
    log_create(ctx, pairing, related=h)
    return pairing


@transaction.atomic
def pairing_end(*, ctx: Context, pairing: Pairing, ended_on: dt.date | None = None, reason: str = "") -> Pairing:
    """End an active pairing (the household is then without a cadre until a new one is assigned)."""
    p = Pairing.objects.select_for_update().select_related("household__region").get(pk=pairing.pk)
    check_scope(ctx, "assistance.change_pairing", p.household.region)
    if p.ended_on is not None:
        raise ApplicationError(_("该结对已于 {date} 结束").format(date=p.ended_on.isoformat()))
    on = ended_on or timezone.localdate()
    if p.started_on and on < p.started_on:
        raise ValidationError({"ended_on": _("结束日期不能早于开始日期 {date}").format(date=p.started_on.isoformat())})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写结束原因")})
    before = snapshot(p)
    p.ended_on = on
    p.end_reason = reason.strip()
    p.save(update_fields=["ended_on", "end_reason", "updated"])
    log_end(ctx, p, before, related=p.household, reason=p.end_reason)
    return p
