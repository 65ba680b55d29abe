"""Template filters of the reports pages and the handbook."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def idmask(value: str, ledger: Any) -> str:
    """An ID number in clear or masked, as the ledger's reader may see it."""
    return ledger.id_number(value or "")


@register.filter
def phonemask(value: str, ledger: Any) -> str:
    return ledger.phone(value or "")


@register.filter
def attr_true(obj: Any, name: str) -> bool:
    return bool(getattr(obj, name, False))


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def percent(value: Any) -> str:
    """0.9876 → '98.8%'."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.1f}%"


@register.filter
def split_words(value: str) -> list[str]:
    return value.split()


@register.filter
def get_item_safe(mapping: Any, key: Any) -> Any:
    return mapping.get(key, "") if isinstance(mapping, dict) else ""
