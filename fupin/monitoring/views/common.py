"""What every monitoring page needs: permission checks that answer 404, the service context
of a form post, and running a service with its errors put on the form."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from fupin.accounts.scoping import scope_paths, user_can
from fupin.registry.views.common import form_context, run_service, scoped_get

__all__ = ["can_any", "form_context", "need", "run_service", "scoped_get", "user_can"]


def can_any(user: Any, perm: str) -> bool:
    """Whether `user` holds `perm` anywhere (decides which pages and buttons exist for them)."""
    return bool(getattr(user, "is_superuser", False) or scope_paths(user, perm))


def need(user: Any, perm: str) -> None:
    """A page of a role the user does not hold answers 404, like an object out of scope."""
    if not can_any(user, perm):
        raise Http404
