"""Writing policy versions: a change is always a new version (history is never overwritten)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.accounts.scoping import ensure_can
from fupin.core.changelog import Context, log_create
from fupin.core.errors import ApplicationError, ScopeError
from fupin.identification.choices import Criterion
from fupin.identification.models import PolicyVersion
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region

EDIT = "identification.edit_policy"
MIN_NOTICE_DAYS = 7
FIELDS = (
    "poverty_line",
    "floor_standard_monthly",
    "monitoring_line",
    "criteria",
    "notice_days",
    "step_overdue_days",
    "note",
    "verified",
)


def _check_actor(ctx: Context, region: Region | None) -> None:
    """A version for a region needs the edit permission on it; the national default (which
    every district inherits) only a superuser or system work may change."""
    actor = ctx.actor
    if actor is None or getattr(actor, "is_superuser", False):
        return
    if region is None:
        raise ApplicationError(_("全国默认参数只能由系统管理员修改；请为本区域新增版本，本区域版本优先适用"))
    ensure_can(actor, EDIT, region)


def _problems(v: PolicyVersion) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not 2000 <= v.year <= 2100:
        errors["year"] = _("年度应在 2000–2100 之间")
    if v.region_id and v.region is not None and v.region.level > RegionLevel.DISTRICT:
        errors["region"] = _("政策参数只能按省、市或县(区)设置")
    if v.poverty_line is None and v.monitoring_line is None:
        errors["poverty_line"] = _("扶贫标准和监测线至少填写一项")
    for name in ("poverty_line", "floor_standard_monthly", "monitoring_line"):
        value = getattr(v, name)
        if value is not None and Decimal(value) <= 0:
            errors[name] = _("金额须大于 0")
    unknown = [c for c in (v.criteria or []) if c not in Criterion.values]
    if unknown:
        errors["criteria"] = _("未知的识别条件：{codes}").format(codes=_("、").join(map(str, unknown)))
    elif not v.criteria:
        errors["criteria"] = _("请至少选择一项识别条件")
    if v.notice_days < MIN_NOTICE_DAYS:
        errors["notice_days"] = _("公示期不少于 {n} 天").format(n=MIN_NOTICE_DAYS)
    if not v.step_overdue_days:
        errors["step_overdue_days"] = _("环节超期天数须大于 0")
    return errors


@transaction.atomic
def policy_version_create(
    *,
    ctx: Context,
    year: int,
    region: Region | None,
    effective_from: dt.date,
    data: dict[str, Any],
    supersedes: PolicyVersion | None = None,
) -> PolicyVersion:
    """Insert a version. With `supersedes`, it replaces that version (same year and region),
    which stays in the history; the old one must still be current."""
    if region is not None:
        region = Region.objects.get(pk=region.pk)
    try:
        _check_actor(ctx, region)
    except ScopeError as exc:
        raise ApplicationError(
            _("您没有修改{region}政策参数的权限").format(region=region.name if region else "")
        ) from exc
    if supersedes is not None:
        supersedes = PolicyVersion.objects.select_for_update().get(pk=supersedes.pk)
        if PolicyVersion.objects.filter(supersedes=supersedes).exists():
            raise ApplicationError(_("该版本已被替代，请在最新版本基础上修改"))
        if supersedes.year != year or supersedes.region_id != (region.code if region else None):
            raise ApplicationError(_("修改只能产生同一年度、同一区域的新版本"))
    v = PolicyVersion(
        year=year,
        region=region,
        effective_from=effective_from,
        supersedes=supersedes,
        created_by=ctx.actor if ctx.actor is not None and ctx.actor.pk else None,
    )
    for name in FIELDS:
        if name in data:
            setattr(v, name, data[name])
    errors = _problems(v)
    if errors:
        raise ValidationError(errors)
    if supersedes is None:
        clash = PolicyVersion.objects.current().filter(
            year=year, region_id=region.code if region else None, effective_from=effective_from
        )
        if clash.exists():
            raise ApplicationError(
                _("{year} 年该区域已有同一生效日期的版本，请在该版本上“修改”以保留历史").format(year=year)
            )
    v.full_clean(exclude=["region", "supersedes", "created_by"])
    v.save()
    log_create(ctx, v)
    return v
