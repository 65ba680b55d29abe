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


@register.filter
def job_visible_to(job: Any, user: Any) -> bool:
    """`{% if c.job|job_visible_to:user %}`: link a job only for those who may open its page."""
    from fupin.core.views import may_view_job

    return may_view_job(user, job)


@register.simple_tag
def choice_title(obj: Any, field: str, stored: str = "") -> str:
    """`{% choice_title c "kind" c.kind_name %}`: a record named after a choice shows the
    choice's label in the reader's language, unless its stored name is one the user typed
    (a stored name that is the label in some language was a default, written in the
    uploader's language)."""
    from fupin.core.i18n import choice_label, is_default_text

    if obj is None or obj == "":
        return stored or ""
    label = choice_label(type(obj), field, getattr(obj, field, None))
    if label is None:
        return stored or ""
    return str(label) if is_default_text(stored, lambda: label) else stored
