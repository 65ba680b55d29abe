"""Assessing one household, and recording the 不愁吃/不愁穿 facts the rules read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.changelog import Context, log_create
from fupin.identification import rules
from fupin.identification.models import Assessment, NeedsCheck
from fupin.identification.selectors.policy import policy_for
from fupin.identification.selectors.snapshots import household_snapshot, policy_params
from fupin.registry.models import Household
from fupin.registry.services.common import check_scope


def _actor(ctx: Context) -> Any:
    return ctx.actor if ctx.actor is not None and ctx.actor.pk else None


@transaction.atomic
def assessment_run(*, ctx: Context, household: Household, year: int) -> Assessment:
    """Apply the year's policy to the household's facts and store inputs, the policy version,
    every rule result and the outcome. Raises ApplicationError when no policy applies."""
    h = Household.objects.select_related("region").get(pk=household.pk)
    check_scope(ctx, "identification.add_assessment", h.region)
    policy = policy_for(region=h.region, year=year)
    snapshot = household_snapshot(household=h, year=year)
    results = rules.evaluate(snapshot, policy_params(policy))
    a = Assessment.objects.create(
        household=h,
        year=year,
        policy=policy,
        inputs=snapshot.as_inputs(),
        results=[r.as_json() for r in results],
        outcome=rules.outcome(results),
        created_by=_actor(ctx),
    )
    log_create(ctx, a, related=h)
    return a


@transaction.atomic
def needs_check_record(
    *,
    ctx: Context,
    household: Household,
    year: int,
    food_secure: bool,
    clothing_secure: bool,
    checked_on: dt.date | None = None,
    note: str = "",
) -> NeedsCheck:
    """Record what a visit found about 不愁吃 and 不愁穿 (insert-only; the latest wins)."""
    h = Household.objects.select_related("region").get(pk=household.pk)
    check_scope(ctx, "identification.add_needscheck", h.region)
    checked_on = checked_on or timezone.localdate()
    if checked_on > timezone.localdate():
        raise ValidationError({"checked_on": _("核实日期不能晚于今天")})
    if not 2000 <= year <= checked_on.year + 1:
        raise ValidationError({"year": _("年度不正确")})
    n = NeedsCheck.objects.create(
        household=h,
        year=year,
        food_secure=food_secure,
        clothing_secure=clothing_secure,
        checked_on=checked_on,
        note=note,
        checked_by=_actor(ctx),
    )
    log_create(ctx, n, related=h)
    return n
