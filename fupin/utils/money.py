"""Money in yuan with two decimals."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


def to_yuan(raw: object) -> Decimal | None:
    """'1,234.5元' → Decimal('1234.50'); '' → None; raises ValueError on garbage."""
    if raw is None:
        return None
    if isinstance(raw, Decimal | int | float):
        return Decimal(str(raw)).quantize(CENT, ROUND_HALF_UP)
    text = re.sub(r"[\s,，元¥￥]", "", str(raw))
    if not text:
        return None
    try:
        return Decimal(text).quantize(CENT, ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise ValueError(text) from exc


def fmt(amount: Decimal | int | None) -> str:
    """2950 → '2,950'; 2950.5 → '2,950.50'."""
    if amount is None:
        return ""
    value = Decimal(amount)
    if value == value.to_integral():
        return f"{int(value):,}"
    return f"{value:,.2f}"
