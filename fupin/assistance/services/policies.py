"""New versions of the assistance policies. A version is never edited in place: the district
office adds one with a later effective year, and the earlier years keep theirs."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from fupin.assistance.models import CreditPolicy, MaxWorkload, VisitPolicy
from fupin.assistance.services.common import assign, check_anywhere
from fupin.core.changelog import Context, log_create

FIELDS = {
    VisitPolicy: ("effective_year", "days_not_exited", "days_exited", "note"),
    MaxWorkload: ("effective_year", "max_households", "note"),
    CreditPolicy: ("effective_year", "max_principal", "max_term_months", "min_age", "max_age", "subsidy_share", "note"),
}


@transaction.atomic
def policy_add(*, ctx: Context, model: Any, data: dict[str, Any]) -> models.Model:
    """Add a policy version (visit frequency, cadre workload or microcredit limits)."""
    check_anywhere(ctx, f"assistance.add_{model._meta.model_name}")
    row: Any = model()
    assign(row, data, FIELDS[model])
    if model.objects.filter(effective_year=row.effective_year).exists():
        raise ValidationError(
            {"effective_year": _("{year} 年已有版本；请填写新的生效年度").format(year=row.effective_year)}
        )
    if getattr(row, "min_age", 0) and getattr(row, "max_age", 0) and row.min_age > row.max_age:
        raise ValidationError({"max_age": _("最大年龄不能小于最小年龄")})
    if hasattr(row, "created_by_id") and ctx.actor is not None and ctx.actor.pk:
        row.created_by = ctx.actor
    row.full_clean()
    row.save()
    log_create(ctx, row)
    return row
