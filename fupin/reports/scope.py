"""Which part of the region tree a report covers.

A report is computed over a `Scope`: the union of some subtrees of the region tree, given
by their materialised paths. It comes from the acting user's role assignments for a
permission (narrowed to one region when asked), or from a region alone for commands run
by the system. The region ids are resolved once (a district has a few hundred regions), so
that the big tables are filtered with `region_id IN (…)` instead of a join on the tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.functional import cached_property

from fupin.accounts.scoping import scope_paths
from fupin.core.errors import ScopeError
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region

ALL = ""  # the path prefix of every region (superusers, system commands without --region)


@dataclass(frozen=True)
class Scope:
    paths: tuple[str, ...]
    region: Region | None = None  # the focus when the scope is one subtree

    @property
    def everything(self) -> bool:
        return ALL in self.paths

    @property
    def key(self) -> str:
        return "|".join(sorted(self.paths)) or "-"

    @cached_property
    def region_ids(self) -> list[int]:
        return list(Region.objects.filter(self.region_q("")).values_list("pk", flat=True))

    def region_q(self, prefix: str = "region__") -> Q:
        """Rows whose region lies in the scope (`prefix` reaches the Region)."""
        if self.everything:
            return Q()
        q = Q(pk__in=[]) if not prefix else Q(**{f"{prefix}pk__in": []})
        for p in self.paths:
            q |= Q(**{f"{prefix}path__startswith": p})
        return q

    def filter(self, qs: QuerySet, region_id_field: str = "region_id") -> QuerySet:
        """Narrow `qs` by the id of its region (reached by `region_id_field`)."""
        if self.everything:
            return qs
        return qs.filter(**{f"{region_id_field}__in": self.region_ids})

    def contains(self, region: Region) -> bool:
        return any(region.path.startswith(p) for p in self.paths)

    def roots(self) -> list[Region]:
        """The top regions of the scope (the district for the district office)."""
        if self.region is not None:
            return [self.region]
        if self.everything:
            top = Region.objects.order_by("depth").values_list("depth", flat=True).first()
            return list(Region.objects.filter(depth=top)) if top else []
        return list(Region.objects.filter(path__in=self.paths).order_by("path"))


def user_scope(user: Any, perm: str) -> Scope:
    """Everything `user` holds `perm` on (deny by default: an empty scope)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return Scope(paths=(ALL,))
    return Scope(paths=tuple(scope_paths(user, perm)))


def resolve_scope(*, user: Any = None, region: Region | None = None, perm: str = "reports.view_dashboard") -> Scope:
    """The scope of a report: the user's (optionally narrowed to `region`, which must lie
    inside it, else ScopeError → 404), or `region` alone for system work, or everything."""
    if user is not None:
        scope = user_scope(user, perm)
        if not scope.paths:
            raise ScopeError("out of scope")
        if region is None:
            if len(scope.paths) == 1 and not scope.everything:
                return Scope(paths=scope.paths, region=Region.objects.get(path=scope.paths[0]))
            return scope
        if not scope.contains(region):
            raise ScopeError("out of scope")
        return Scope(paths=(region.path,), region=region)
    if region is not None:
        return Scope(paths=(region.path,), region=region)
    return Scope(paths=(ALL,))


def village_of(region: Region, villages_by_path: dict[str, Region]) -> Region | None:
    """The village a household's region belongs to (itself, or the village above a group)."""
    if region.level == RegionLevel.VILLAGE:
        return region
    for depth in range(len(region.path) - Region.steplen, 0, -Region.steplen):
        v = villages_by_path.get(region.path[:depth])
        if v is not None:
            return v
    return None
