from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from fupin.accounts.scoping import ensure_can
from fupin.core.changelog import Context
from fupin.regions.models import Region

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def check_scope(ctx: Context, perm: str, region: Region) -> None:
    """Inside the service's transaction: the acting user must hold `perm` on `region`.
    A context without an actor is system work (commands, demo loading) and is trusted."""
    if ctx.actor is not None:
        ensure_can(ctx.actor, perm, region)


def assign(obj: Any, data: dict[str, Any], fields: tuple[str, ...]) -> None:
    for name in fields:
        if name in data:
            setattr(obj, name, data[name])


def check_not_after_today(on: dt.date, *, message: StrOrPromise, field: str | None = None) -> None:
    """A registry change (a member ended, a household closed) records something that has
    happened: a date after today would end members and close the household ahead of time.
    Shared by the services (which name the `field`) and the forms' field cleaners (which don't)."""
    if on > timezone.localdate():
        raise ValidationError({field: message} if field else message)
