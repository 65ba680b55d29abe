from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

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
