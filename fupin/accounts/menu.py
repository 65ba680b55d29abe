"""The main navigation: which areas a user may open, decided by the permission each area's
landing page checks, so that the menu never offers a page that answers 403 or 404.

Each entry names its landing pages in order of preference with the permission that page's
view requires (anywhere in the user's scope); the first one the user holds is the link.
A donor holds no role and gets the donor pages only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fupin.accounts.scoping import holds_anywhere


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url: str
    namespace: str
    url_name: str = ""  # when set, only this page marks the item current (not the whole namespace)

    def is_current(self, match: Any) -> bool:
        if match is None:
            return False
        if self.url_name:
            return match.view_name == self.url_name
        return match.namespace == self.namespace


# (label, namespace, [(url name, permission the view checks), ...])
STAFF_AREAS: tuple[tuple[Any, str, tuple[tuple[str, str], ...]], ...] = (
    (_("农户"), "registry", (("registry:household_list", "registry.view_household"),)),
    (_("识别"), "identification", (("identification:index", "identification.view_application"),)),
    (_("帮扶"), "assistance", (("assistance:me", "assistance.view_pairing"),)),
    (
        _("防返贫监测"),
        "monitoring",
        (
            ("monitoring:dashboard", "monitoring.view_monitoringobject"),
            # A sector holds no monitoring objects but uploads and reads its department lists.
            ("monitoring:list_list", "monitoring.view_departmentlist"),
        ),
    ),
    (_("统计"), "reports", (("reports:dashboard", "reports.view_dashboard"),)),
    (_("导入"), "exchange", (("exchange:import_list", "exchange.view_importbatch"),)),
)
DONOR_PAGES: tuple[tuple[Any, str], ...] = (
    (_("微心愿墙"), "assistance:public_wishes"),
    (_("我的爱心"), "assistance:donor_home"),
)


def is_donor(user: Any) -> bool:
    """A donor: a login with a donor profile (the reverse one-to-one keeps accounts free of
    imports from assistance)."""
    # A missing profile raises RelatedObjectDoesNotExist, an AttributeError: getattr gives None.
    return getattr(user, "donor", None) is not None


def has_staff_role(user: Any, assignments: list[Any]) -> bool:
    return bool(getattr(user, "is_superuser", False) or assignments)


def menu_for(user: Any, assignments: list[Any]) -> list[MenuItem]:
    """The navigation of `user`, whose valid role assignments are `assignments`."""
    if not getattr(user, "is_authenticated", False):
        return []
    if not has_staff_role(user, assignments):
        if is_donor(user):
            return [MenuItem(label, reverse(name), "assistance", name) for label, name in DONOR_PAGES]
        return []
    items = []
    for label, namespace, pages in STAFF_AREAS:
        for name, perm in pages:
            if holds_anywhere(user, perm):
                items.append(MenuItem(label, reverse(name), namespace))
                break
    # Everyone with a role sees their own background jobs.
    items.append(MenuItem(_("任务"), reverse("core:job_list"), "core"))
    return items
