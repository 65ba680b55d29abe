"""Region scoping: every region-owned queryset narrows itself to what the user may touch.

Deny by default: an anonymous user, a user without an active assignment granting the
permission, or a row outside the assigned subtrees, yields nothing. Superusers see all.
Out-of-scope objects are then simply absent, so views answer 404 and never leak existence.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from fupin.core.errors import ScopeError
from fupin.regions.models import Region


def perm_name(model: type[models.Model], action: str) -> str:
    """'view' on Household → 'registry.view_household'; a dotted action is taken as is."""
    if "." in action:
        return action
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def scope_paths(user: Any, perm: str) -> list[str]:
    """Tree paths of the regions on which `user` holds `perm` today (cached on the user)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return _scope_map(user).get(perm, [])


def _scope_map(user: Any) -> dict[str, list[str]]:
    """Every permission the user's valid assignments grant, with its region paths: one query
    per request, however many permissions a page and its navigation check."""
    cache: dict[str, list[str]] | None = user.__dict__.get("_fupin_scope")
    if cache is None:
        from fupin.accounts.models import RoleAssignment

        rows = (
            RoleAssignment.objects.active()
            .filter(user=user)
            .values_list("region__path", "role__permissions__content_type__app_label", "role__permissions__codename")
        )
        paths: dict[str, set[str]] = {}
        for path, app_label, codename in rows:
            if app_label:
                paths.setdefault(f"{app_label}.{codename}", set()).add(path)
        cache = user.__dict__["_fupin_scope"] = {perm: _minimal(sorted(p)) for perm, p in paths.items()}
    return cache


def _minimal(paths: list[str]) -> list[str]:
    """Drop paths covered by an ancestor already in the list (sorted input)."""
    kept: list[str] = []
    for p in paths:
        if not kept or not p.startswith(kept[-1]):
            kept.append(p)
    return kept


def region_q(paths: list[str], field: str) -> Q:
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(**{f"{field}__path__startswith": p})
    return q


def user_can(user: Any, perm: str, region: Region) -> bool:
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return any(region.path.startswith(p) for p in scope_paths(user, perm))


def holds_anywhere(user: Any, perm: str) -> bool:
    """Whether `user` holds `perm` on some region: the gate of every page that is not about one
    object (the views' `holds`/`need`/`require_scope` checks, and the navigation's)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or bool(scope_paths(user, perm))


def ensure_can(user: Any, perm: str, region: Region) -> None:
    """Raise ScopeError unless `user` holds `perm` on `region`. Services call it inside
    their transaction, after locking or re-reading the target, so a stale form cannot write."""
    if not user_can(user, perm, region):
        raise ScopeError("out of scope")


class RegionScopedQuerySet(models.QuerySet):
    """Base queryset for region-owned models. Subclasses set `region_field` when the region
    is reached through a relation (a member's region is its household's)."""

    region_field = "region"

    def for_user(self, user: Any, action: str = "view"):
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        paths = scope_paths(user, perm_name(self.model, action))
        if not paths:
            return self.none()
        return self.filter(region_q(paths, self.region_field))


def regions_for_user(user: Any, perm: str = "registry.view_household"):
    """Regions inside the user's scope for `perm` (for filters and pickers)."""
    if getattr(user, "is_superuser", False):
        return Region.objects.all()
    paths = scope_paths(user, perm)
    if not paths:
        return Region.objects.none()
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(path__startswith=p)
    return Region.objects.filter(q)
