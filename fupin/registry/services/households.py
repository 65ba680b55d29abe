"""Writing households: create (with the head), update, status changes with history, close."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.changelog import Context, log_create, log_end, log_update, snapshot
from fupin.core.errors import ApplicationError
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.registry.choices import CloseReason, MemberChangeReason, PovertyStatus, StatusEventKind
from fupin.registry.models import Household, HouseholdStatusEvent, Member
from fupin.registry.services.common import assign, check_not_after_today, check_scope
from fupin.utils.text import is_mobile

HOUSEHOLD_FIELDS = (
    "hamlet",
    "registered",
    "attribute",
    "main_cause",
    "other_causes",
    "standard",
    "identified_year",
    "status",
    "exit_year",
    "return_year",
    "military_family",
    "only_child",
    "two_daughters",
    "phone",
    "bank_name",
    "bank_account",
)
STATUS_FIELDS = ("registered", "status", "exit_year", "return_year")


def household_problems(h: Household) -> dict[str, str]:
    errors: dict[str, str] = {}
    if h.region_id and h.region.level not in (RegionLevel.VILLAGE, RegionLevel.GROUP):
        errors["region"] = _("农户所在区域须为行政村或村民小组")
    if h.registered:
        for name, label in (
            ("attribute", _("贫困户属性")),
            ("main_cause", _("主要致贫原因")),
            ("identified_year", _("识别年度")),
            ("status", _("脱贫标志")),
        ):
            if getattr(h, name) in ("", None):
                errors[name] = _("建档立卡户须填写{field}").format(field=label)
    elif h.status:
        errors["status"] = _("未建档立卡的农户没有脱贫标志")
    if h.status == PovertyStatus.EXITED and not h.exit_year:
        errors["exit_year"] = _("已脱贫的农户须填写脱贫年度")
    if h.exit_year and h.identified_year and h.exit_year < h.identified_year:
        errors["exit_year"] = _("脱贫年度不能早于识别年度")
    if h.status == PovertyStatus.RETURNED and not h.return_year:
        errors["return_year"] = _("返贫的农户须填写返贫年度")
    if h.phone and not is_mobile(h.phone):
        errors["phone"] = _("户联系电话应为 11 位手机号码")
    return errors


def _validate(h: Household) -> None:
    # The domain rules first: they say in words what the database constraints only refuse.
    problems = household_problems(h)
    if problems:
        raise ValidationError(problems)
    h.full_clean(exclude=["region"])


def _status_event(ctx: Context, h: Household, before: dict[str, Any], on: dt.date) -> None:
    """Record registration, exit and return as history rows when the status fields change."""
    if not h.registered and not before["registered"]:
        return
    if before["registered"] != h.registered:
        kind = StatusEventKind.REGISTERED if h.registered else StatusEventKind.REMOVED
        year = h.identified_year if h.registered else on.year
    elif before["status"] == h.status:
        return
    elif h.status == PovertyStatus.EXITED:
        kind, year = StatusEventKind.EXITED, h.exit_year
    elif h.status == PovertyStatus.RETURNED:
        kind, year = StatusEventKind.RETURNED, h.return_year
    else:
        kind, year = StatusEventKind.STATUS, on.year
    HouseholdStatusEvent.objects.create(
        household=h,
        kind=kind,
        year=year,
        on=on,
        status_before=before["status"],
        status_after=h.status,
        note=ctx.reason,
        actor=ctx.actor if ctx.actor is not None and ctx.actor.pk else None,
    )


@transaction.atomic
def household_create(
    *, ctx: Context, code: str, region: Region, data: dict[str, Any], head: dict[str, Any]
) -> Household:
    """Create a household together with its head (户主); both are logged."""
    from fupin.registry.services.members import member_add

    region = Region.objects.get(pk=region.pk)
    check_scope(ctx, "registry.add_household", region)
    if Household.objects.filter(code=code).exists():
        raise ValidationError({"code": _("户编号 {code} 已存在").format(code=code)})
    h = Household(code=code, region=region)
    assign(h, data, HOUSEHOLD_FIELDS)
    _validate(h)
    h.save()
    log_create(ctx, h)
    if h.registered:
        _status_event(ctx, h, {"registered": False, "status": ""}, timezone.localdate())
    member_add(ctx=ctx, household=h, data={**head, "relation": "01"})
    return h


@transaction.atomic
def household_update(
    *, ctx: Context, household: Household, data: dict[str, Any], region: Region | None = None
) -> Household:
    """Update fields (and optionally move the household); status changes get a history row."""
    h = Household.objects.select_for_update().select_related("region").get(pk=household.pk)
    check_scope(ctx, "registry.change_household", h.region)
    if h.is_closed:
        raise ApplicationError(_("户 {code} 已注销，不能修改").format(code=h.code))
    before = snapshot(h)
    if region is not None and region.pk != h.region_id:
        region = Region.objects.get(pk=region.pk)
        check_scope(ctx, "registry.change_household", region)
        h.region = region
    assign(h, data, HOUSEHOLD_FIELDS)
    _validate(h)
    h.save()
    log_update(ctx, h, before)
    _status_event(ctx, h, before, timezone.localdate())
    return h


@transaction.atomic
def household_close(*, ctx: Context, household: Household, reason: str, on: dt.date | None = None) -> Household:
    """Close a household through a recorded decision (a household is never deleted).

    Its active members are ended with it (death for 整户死亡, otherwise 其他转出) so that their
    ID numbers can be registered elsewhere, e.g. after a merge."""
    h = Household.objects.select_for_update().select_related("region").get(pk=household.pk)
    check_scope(ctx, "registry.close_household", h.region)
    if h.is_closed:
        raise ApplicationError(_("户 {code} 已注销").format(code=h.code))
    if reason not in CloseReason.values:
        raise ValidationError({"close_reason": _("请选择注销原因")})
    if not ctx.reason:
        raise ValidationError({"note": _("请填写注销决定的说明（文号或会议记录）")})
    on = on or timezone.localdate()
    check_not_after_today(on, field="closed_on", message=_("注销日期不能晚于今天"))
    end_reason = MemberChangeReason.DEATH if reason == CloseReason.ALL_DECEASED else MemberChangeReason.OTHER_OUT
    for m in Member.objects.select_for_update().filter(household=h, ended_on__isnull=True):
        m_before = snapshot(m)
        m.ended_on, m.end_reason = on, end_reason
        m.save(update_fields=["ended_on", "end_reason", "updated"])
        log_end(ctx, m, m_before, related=h, reason=ctx.reason)
    before = snapshot(h)
    h.closed_on, h.close_reason = on, reason
    h.save(update_fields=["closed_on", "close_reason", "updated"])
    log_end(ctx, h, before, reason=ctx.reason)
    HouseholdStatusEvent.objects.create(
        household=h,
        kind=StatusEventKind.CLOSED,
        year=on.year,
        on=on,
        status_before=h.status,
        status_after=h.status,
        note=ctx.reason,
        actor=ctx.actor if ctx.actor is not None and ctx.actor.pk else None,
    )
    return h
