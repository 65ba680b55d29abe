"""Permissions from roles for `user.has_perm()`.

A role assignment grants its permissions on a region subtree; `has_perm` answers "does the
user hold this permission anywhere today", which is right only for things that belong to no
region (jobs, policy pages). Region-owned data is always read through `for_user()`, which
checks the region too.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class RoleBackend(ModelBackend):
    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_fupin_role_perm_cache"):
            from fupin.accounts.models import RoleAssignment

            rows = (
                RoleAssignment.objects.active()
                .filter(user=user_obj)
                .values_list("role__permissions__content_type__app_label", "role__permissions__codename")
            )
            user_obj._fupin_role_perm_cache = {f"{a}.{c}" for a, c in rows if a}
        return {*super().get_all_permissions(user_obj, obj), *user_obj._fupin_role_perm_cache}
