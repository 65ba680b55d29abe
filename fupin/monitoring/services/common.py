"""Helpers shared by the monitoring services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fupin.core.changelog import Context, change_row, snapshot
from fupin.core.choices import ChangeAction
from fupin.core.models import ObjectChange


def actor_of(ctx: Context) -> Any:
    """The acting user as a foreign key value (None for system work)."""
    return ctx.actor if ctx.actor is not None and ctx.actor.pk else None


def step_date(on: dt.date | None, *, not_before: dt.date | None = None, field: str = "on") -> dt.date:
    """A step's date: today by default, never in the future, never before the previous step."""
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError({field: _("日期 {d} 不能晚于今天").format(d=on.isoformat())})
    if not_before is not None and on < not_before:
        raise ValidationError(
            {field: _("日期 {d} 不能早于上一环节的日期 {p}").format(d=on.isoformat(), p=not_before.isoformat())}
        )
    return on


def notice_period(starts: dt.date | None, ends: dt.date | None, *, min_days: int) -> tuple[dt.date, dt.date]:
    """A notice runs from `starts` to `ends` inclusive, at least `min_days` days."""
    if starts is None or ends is None:
        raise ValidationError({"notice_starts": _("请填写公示开始和结束日期")})
    days = (ends - starts).days + 1
    if days < min_days:
        message = ngettext("公示 {n} 天，不足 {m} 天", "公示 {n} 天，不足 {m} 天", days)
        raise ValidationError({"notice_ends": message.format(n=days, m=min_days)})
    return starts, ends


# Free text and evidence may carry health details (a diagnosis, a medical bill): the rows
# keep them, the change log only records that they were written.
PRIVATE_FIELDS = ("evidence", "description", "inputs", "results", "data")


def snap(obj: models.Model) -> dict[str, Any]:
    data = snapshot(obj, exclude=PRIVATE_FIELDS)
    # A stored file is logged by its name.
    return {k: (v.name if isinstance(v, FieldFile) else v) for k, v in data.items()}


def log_new(ctx: Context, obj: models.Model, *, related: models.Model | None = None) -> ObjectChange:
    row = change_row(ctx, obj=obj, action=ChangeAction.CREATE, before=None, after=snap(obj), related=related)
    row.save()
    return row


def log_changed(
    ctx: Context, obj: models.Model, before: dict[str, Any], *, related: models.Model | None = None, reason: str = ""
) -> ObjectChange | None:
    after = snap(obj)
    changed = {k for k in after if after[k] != before.get(k)}
    if not changed:
        return None
    row = change_row(
        ctx,
        obj=obj,
        action=ChangeAction.UPDATE,
        before={k: before.get(k) for k in changed},
        after={k: after[k] for k in changed},
        related=related,
        reason=reason,
    )
    row.save()
    return row


def appraisal_carried(*, votes_for: int, votes_against: int) -> bool:
    """A democratic appraisal carries only with more votes for than against: a tie is not a
    majority. Shared by the alert procedure and the exit proposal; the identification
    appraisal asks a majority of those present, but the alert's appraisal records no head count."""
    return votes_for > votes_against
