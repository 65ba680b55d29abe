from __future__ import annotations

from typing import Any

from fupin.accounts.scoping import ensure_can
from fupin.core.changelog import Context
from fupin.regions.models import Region


def check_scope(ctx: Context, perm: str, region: Region) -> None:
    """Inside the service's transaction: the acting user must hold `perm` on `region`.
    A context without an actor is system work (commands, demo loading) and is trusted."""
    if ctx.actor is not None:
        ensure_can(ctx.actor, perm, region)


def assign(obj: Any, data: dict[str, Any], fields: tuple[str, ...]) -> None:
    for name in fields:
        if name in data:
            setattr(obj, name, data[name])
