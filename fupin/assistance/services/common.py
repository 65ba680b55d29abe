"""Scope checks shared by the assistance services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fupin.accounts.scoping import scope_paths
from fupin.core.changelog import Context, change_row, snapshot
from fupin.core.choices import ChangeAction
from fupin.core.errors import ScopeError
from fupin.registry.services.common import assign, check_scope
from fupin.utils.text import clean_phone, is_mobile

__all__ = [
    "assign",
    "check_anywhere",
    "check_scope",
    "clean_mobile",
    "file_snapshot",
    "log_create_with_files",
    "log_update_with_files",
]


def check_anywhere(ctx: Context, perm: str) -> None:
    """For records that belong to no region (linked units, policies): the actor must hold
    `perm` on some region. A context without an actor is trusted system work."""
    actor: Any = ctx.actor
    if actor is None or (actor.is_active and actor.is_superuser):
        return
    if not scope_paths(actor, perm):
        raise ScopeError("out of scope")


def clean_mobile(raw: object, *, field: str = "phone", required: bool = True) -> str:
    phone = clean_phone(raw)
    if not phone and not required:
        return ""
    if not is_mobile(phone):
        raise ValidationError({field: _("联系电话应为 11 位手机号码，收到“{value}”").format(value=phone or "")})
    return phone


# Photo fields hold files, which the change log's snapshot cannot serialise; these record
# the stored file name instead (fupin.core.changelog.snapshot reads every concrete field).
def file_snapshot(obj: Any, *files: str) -> dict[str, Any]:
    data = snapshot(obj, exclude=files)
    for name in files:
        data[name] = getattr(obj, name).name or ""
    return data


def log_create_with_files(ctx: Context, obj: Any, *files: str, related: Any = None) -> None:
    change_row(
        ctx, obj=obj, action=ChangeAction.CREATE, before=None, after=file_snapshot(obj, *files), related=related
    ).save()


def log_update_with_files(
    ctx: Context,
    obj: Any,
    before: dict[str, Any],
    *files: str,
    related: Any = None,
    action: str = ChangeAction.UPDATE,
    reason: str = "",
) -> None:
    after = file_snapshot(obj, *files)
    changed = {k for k in after if after[k] != before.get(k)}
    if not changed and action == ChangeAction.UPDATE:
        return
    change_row(
        ctx,
        obj=obj,
        action=action,
        before={k: before.get(k) for k in changed},
        after={k: after[k] for k in changed},
        related=related,
        reason=reason,
    ).save()
