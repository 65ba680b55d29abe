"""Template helpers shared by every page: form fields, readable JSON and money."""

from __future__ import annotations

import json
from typing import Any

from django import template

from fupin.utils.money import fmt

register = template.Library()


@register.filter
def yuan(amount: Any) -> str:
    """2950 → '2,950'; None → '—'."""
    if amount is None or amount == "":
        return "—"
    return fmt(amount)


@register.filter
def pretty_json(value: Any) -> str:
    """A JSON value as readable text: strings as they are, everything else indented."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


@register.filter
def yes_no(value: Any) -> str:
    from django.utils.translation import gettext as _

    if value is None:
        return "—"
    return _("是") if value else _("否")


@register.inclusion_tag("includes/field.html")
def field(bound_field: Any, wide: bool = False) -> dict[str, Any]:
    """One form field with its label, help text and errors (errors say why, under the field)."""
    kind = bound_field.widget_type
    return {
        "f": bound_field,
        "wide": wide,
        "is_checkbox": kind == "checkbox",
        "is_multi": kind in ("checkboxselectmultiple", "radioselect"),
    }
