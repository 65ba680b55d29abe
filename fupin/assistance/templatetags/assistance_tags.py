"""`{% household_assistance household %}`: the assistance summary for a household page —
the current responsible cadre, this year's plan gaps, and links to the plan and a visit.
Scoped: renders nothing for a user without `assistance.view_plan` on the household."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from fupin.accounts.scoping import user_can
from fupin.assistance.models import Pairing
from fupin.assistance.selectors.plans import plan_gaps

register = template.Library()


@register.inclusion_tag("assistance/_household_panel.html", takes_context=True)
def household_assistance(context: dict[str, Any], household: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user_can(user, "assistance.view_plan", household.region):
        return {"show": False}
    year = timezone.localdate().year
    return {
        "show": True,
        "household": household,
        "year": year,
        "pairing": Pairing.objects.filter(household=household, ended_on__isnull=True).select_related("cadre").first(),
        "gaps": plan_gaps(household, year),
        "can_visit": user_can(user, "assistance.add_visit", household.region),
    }
