"""Income arithmetic of domain.md §1.1, one definition for services, importer and reports."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def net_income(*, wage: Decimal, business: Decimal, property_: Decimal, transfer: Decimal, cost: Decimal) -> Decimal:
    """家庭纯收入 = 工资性 + 生产经营性 + 财产性 + 转移性 − 生产经营性支出."""
    return (wage + business + property_ + transfer - cost).quantize(CENT, ROUND_HALF_UP)


def per_capita(net: Decimal, persons: int) -> Decimal:
    """人均纯收入 = 纯收入 ÷ 家庭人口数 (0 for an empty household)."""
    if persons <= 0:
        return Decimal("0.00")
    return (net / persons).quantize(CENT, ROUND_HALF_UP)
