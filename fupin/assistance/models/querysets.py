"""Querysets of the assistance models.

Region-owned models subclass `RegionScopedQuerySet` (households' data reach their region
through the household). Reference tables that belong to no region (linked units, the measure
taxonomy, policies) use `AnyScopeQuerySet`: visible to a user who holds the permission on
any region, and still denied by default to everybody else (donors, anonymous visitors).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from fupin.accounts.scoping import RegionScopedQuerySet, perm_name, scope_paths


class AnyScopeQuerySet(models.QuerySet):
    def for_user(self, user: Any, action: str = "view"):
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        if not scope_paths(user, perm_name(self.model, action)):
            return self.none()
        return self.all()


class HouseholdOwnedQuerySet(RegionScopedQuerySet):
    # The household's region is the only copy: nothing to drift when a household moves.
    region_field = "household__region"


class CadreQuerySet(RegionScopedQuerySet):
    def serving(self):
        return self.filter(ended_on__isnull=True)


class PairingQuerySet(HouseholdOwnedQuerySet):
    def active(self):
        return self.filter(ended_on__isnull=True)


class VisitPhotoQuerySet(RegionScopedQuerySet):
    region_field = "visit__household__region"


class WishQuerySet(HouseholdOwnedQuerySet):
    def public(self):
        """Open wishes verified by a cadre: what the public board may list."""
        from fupin.assistance.choices import WishStatus

        return self.filter(status=WishStatus.OPEN, verified_on__isnull=False)


class WishClaimQuerySet(RegionScopedQuerySet):
    region_field = "wish__household__region"

    def current(self):
        return self.filter(released_at__isnull=True)
