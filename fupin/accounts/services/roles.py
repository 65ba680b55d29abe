"""The role catalogue: which permissions each role bundles.

Kept as data here (and synced into Role rows after every migrate) so that a new app adds
its permissions in one place; administrators may still add permissions to a role in the
admin, and sync only ever adds what this catalogue names.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import Q

from fupin.accounts.choices import RoleCode
from fupin.accounts.models import Role

REGISTRY_READ = {
    "registry.view_household",
    "registry.view_member",
    "registry.view_householdyear",
}
REGISTRY_WRITE = {
    "registry.add_household",
    "registry.change_household",
    "registry.add_member",
    "registry.change_member",
    "registry.add_householdyear",
    "registry.change_householdyear",
}
SENSITIVE = {"registry.view_sensitive_household"}
DISTRICT_ONLY = {"registry.close_household", "registry.export_household", "exchange.add_importbatch",
                 "exchange.view_importbatch"}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    RoleCode.VILLAGE_CADRE: REGISTRY_READ | REGISTRY_WRITE | SENSITIVE,
    RoleCode.TOWNSHIP_REVIEWER: REGISTRY_READ | REGISTRY_WRITE | SENSITIVE | {"registry.export_household"},
    RoleCode.DISTRICT_OFFICE: REGISTRY_READ | REGISTRY_WRITE | SENSITIVE | DISTRICT_ONLY,
    RoleCode.SECTOR: REGISTRY_READ,
    RoleCode.LEADER: REGISTRY_READ | {"registry.export_household"},
    RoleCode.SYSADMIN: REGISTRY_READ | REGISTRY_WRITE | SENSITIVE | DISTRICT_ONLY,
}


def _permission_q(names: set[str]) -> Q:
    q = Q(pk__in=[])
    for name in names:
        app_label, codename = name.split(".", 1)
        q |= Q(content_type__app_label=app_label, codename=codename)
    return q


def roles_sync() -> None:
    """Create every role and add the permissions its catalogue entry names."""
    for code, names in ROLE_PERMISSIONS.items():
        role, _ = Role.objects.get_or_create(code=code, defaults={"name": str(RoleCode(code).label)})
        role.permissions.add(*Permission.objects.filter(_permission_q(names)))


def roles_sync_on_migrate(sender: Any, **kwargs: Any) -> None:
    # Each app's permissions appear on its own post_migrate; syncing after every app is
    # idempotent and cheap, and leaves every role complete when migrate ends.
    roles_sync()
