"""Explicit change logging used by every service (forms, API, imports, jobs alike).

A service takes a `Context` (who acts, from where, in which batch) and calls `log_create`,
`log_update` or `log_end` with snapshots taken by `snapshot()`. Bulk paths build the rows
with `change_row()` and insert them with one `bulk_create`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from fupin.core.choices import ChangeAction, ChangeSource
from fupin.core.models import ObjectChange
from fupin.utils.masking import mask_account, mask_id, mask_phone

# Personal fields are never written in clear into the log; the masked value still shows
# that (and roughly how) the value changed.
MASKERS = {"id_number": mask_id, "phone": mask_phone, "bank_account": mask_account}


@dataclass(frozen=True)
class Context:
    """Who acts and through which path; passed to every service that writes."""

    actor: Any  # a User, or None for system work
    source: str = ChangeSource.FORM
    batch_id: uuid.UUID | None = None
    reason: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def actor_name(self) -> str:
        if self.actor is None:
            return "system"
        return self.actor.get_full_name() or self.actor.get_username()


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def snapshot(obj: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The concrete field values of `obj`, JSON-ready, personal fields masked."""
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.primary_key or f.name in exclude or f.name in ("created", "updated"):
            continue
        value = getattr(obj, f.attname)
        if f.name in MASKERS:
            value = MASKERS[f.name](value)
        data[f.name] = _plain(value)
    return data


# The columns a bulk writer fills for each change (after its own id), in this order: the
# importer and the monitoring screening write change rows by COPY / executemany, not the ORM.
BULK_COLUMNS = (
    "time",
    "actor_id",
    "actor_name",
    "action",
    "source",
    "batch_id",
    "content_type_id",
    "object_id",
    "object_repr",
    "related_type_id",
    "related_id",
    "before",
    "after",
    "reason",
)


def change_row(
    ctx: Context,
    *,
    obj: models.Model,
    action: str,
    before: dict | None,
    after: dict | None,
    related: models.Model | None = None,
    reason: str = "",
) -> ObjectChange:
    related = related if related is not None else obj
    return ObjectChange(
        actor=ctx.actor if ctx.actor is not None and ctx.actor.pk else None,
        actor_name=ctx.actor_name,
        action=action,
        source=ctx.source,
        batch_id=ctx.batch_id,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        related_type=ContentType.objects.get_for_model(related),
        related_id=related.pk,
        before=before,
        after=after,
        reason=reason or ctx.reason,
    )


def log_create(ctx: Context, obj: models.Model, *, related: models.Model | None = None) -> ObjectChange:
    row = change_row(ctx, obj=obj, action=ChangeAction.CREATE, before=None, after=snapshot(obj), related=related)
    row.save()
    return row


def log_update(
    ctx: Context, obj: models.Model, before: dict, *, related: models.Model | None = None, reason: str = ""
) -> ObjectChange | None:
    """Log an update; nothing is written when no field changed."""
    after = snapshot(obj)
    if after == before:
        return None
    changed = {k for k in after if after[k] != before.get(k)}
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


def log_end(
    ctx: Context, obj: models.Model, before: dict, *, related: models.Model | None = None, reason: str = ""
) -> ObjectChange:
    after = snapshot(obj)
    changed = {k for k in after if after[k] != before.get(k)}
    row = change_row(
        ctx,
        obj=obj,
        action=ChangeAction.END,
        before={k: before.get(k) for k in changed},
        after={k: after[k] for k in changed},
        related=related,
        reason=reason,
    )
    row.save()
    return row
