from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from fupin.accounts.menu import is_donor, menu_for
from fupin.accounts.models import RoleAssignment

register = template.Library()


@register.simple_tag(takes_context=True)
def user_assignments(context: dict[str, Any]) -> list[Any]:
    """The logged-in user's valid role assignments (role and region), for the navigation."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return []
    cached = getattr(request, "_fupin_assignments", None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.active(timezone.localdate())
            .filter(user=user)
            .select_related("role", "region")
            .order_by("region__path")
        )
        request._fupin_assignments = cached
    return cached


@register.simple_tag(takes_context=True)
def main_menu(context: dict[str, Any]) -> list[dict[str, Any]]:
    """The navigation entries the user may open (see fupin.accounts.menu), each with its
    label, URL and whether it is the current area."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None:
        return []
    match = getattr(request, "resolver_match", None)
    return [
        {"label": item.label, "url": item.url, "current": item.is_current(match)}
        for item in menu_for(user, user_assignments(context))
    ]


@register.simple_tag(takes_context=True)
def user_is_donor(context: dict[str, Any]) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and not user_assignments(context) and is_donor(user))
