"""`{% household_assessment h %}`: the latest explained assessment of a household, for the
registry's household page (one line there; the include lives here)."""

from __future__ import annotations

from typing import Any

from django import template

from fupin.accounts.scoping import user_can
from fupin.identification import rules
from fupin.identification.models import Assessment

register = template.Library()


@register.inclusion_tag("identification/includes/assessment.html", takes_context=True)
def household_assessment(context: dict[str, Any], household: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    latest = None
    if user is not None and household is not None:
        latest = (
            Assessment.objects.for_user(user, "view")
            .filter(household=household)
            .select_related("policy")
            .order_by("-created", "-id")
            .first()
        )
    if latest is not None:
        latest.summary = rules.summary(latest.results)
    return {
        "h": household,
        "latest": latest,
        "can_assess": bool(
            user and household is not None and user_can(user, "identification.add_assessment", household.region)
        ),
    }
