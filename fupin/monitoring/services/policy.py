"""Adding a version of the monitoring thresholds (never editing one in place)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.core.changelog import Context, log_create
from fupin.core.errors import ApplicationError, ScopeError
from fupin.monitoring.models import MonitoringPolicy
from fupin.monitoring.services.common import actor_of
from fupin.regions.models import Region
from fupin.registry.services.common import check_scope

POLICY_FIELDS = (
    "year_from",
    "medical_oop_amount",
    "medical_oop_share",
    "income_drop_share",
    "procedure_days",
    "notice_min_days",
    "elimination_min_months",
    "exit_notice_days",
    "village_exit_incidence",
    "note",
    "verified",
)


@transaction.atomic
def monitoring_policy_create(
    *, ctx: Context, region: Region | None, data: dict[str, Any], supersedes: MonitoringPolicy | None = None
) -> MonitoringPolicy:
    """Insert a version for `region` (None: the national default, system administrators only).
    A version that supersedes another replaces it for the same region and start year."""
    if region is None:
        if ctx.actor is not None and not ctx.actor.is_superuser:
            raise ScopeError("national policy")
    else:
        check_scope(ctx, "monitoring.edit_monitoringpolicy", region)
    if supersedes is not None:
        old = MonitoringPolicy.objects.select_for_update().get(pk=supersedes.pk)
        if MonitoringPolicy.objects.filter(supersedes=old).exists():
            raise ApplicationError(_("该版本已被替代，请在最新版本上修改"))
        if old.region_id != (region.code if region else None):
            raise ValidationError({"region": _("替代版本须适用于同一区域")})
    p = MonitoringPolicy(region=region, supersedes=supersedes, created_by=actor_of(ctx))
    for name in POLICY_FIELDS:
        if name in data:
            setattr(p, name, data[name])
    p.full_clean(exclude=["region", "supersedes", "created_by"])
    p.save()
    log_create(ctx, p)
    return p
