"""Assistance policy lookups and the pure computations that use them.

Policies are versioned rows (STYLE.md: policy is data): for a year, the row with the latest
effective year not after it applies. The 兜底 standard comes from the identification app's
`PolicyVersion` (region-specific, per year); see docs/decisions/0005-assistance-floor-standard.md.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from fupin.assistance.models import CreditPolicy, MaxWorkload, VisitPolicy
from fupin.core.errors import ApplicationError
from fupin.identification.selectors import policy_for
from fupin.registry.choices import MemberChangeReason
from fupin.registry.models import Household, Member

CENT = Decimal("0.01")


def _latest(model: Any, year: int, label: str) -> Any:
    row = model.objects.filter(effective_year__lte=year).order_by("-effective_year").first()
    if row is None:
        raise ApplicationError(_("{year} 年没有适用的{policy}，请区扶贫办先新增该政策").format(year=year, policy=label))
    return row


def visit_policy(year: int) -> VisitPolicy:
    return _latest(VisitPolicy, year, _("走访频次"))


def workload_policy(year: int) -> MaxWorkload:
    return _latest(MaxWorkload, year, _("结对户数上限"))


def credit_policy(year: int) -> CreditPolicy:
    return _latest(CreditPolicy, year, _("小额信贷政策"))


def microcredit_interest_subsidy(
    principal: Decimal, annual_rate: Decimal, months: int, *, share: Decimal = Decimal(1)
) -> Decimal:
    """The interest subsidy of a microcredit loan: simple interest principal × rate × years,
    times the subsidised share (1 = 财政全额贴息), rounded to the fen.

    50,000 yuan at 4.75 % for 36 months, fully subsidised: 50000 × 0.0475 × 3 = 7,125.00."""
    if principal < 0 or annual_rate < 0 or months < 0:
        raise ValueError("principal, rate and months must not be negative")
    interest = Decimal(principal) * Decimal(annual_rate) / Decimal(100) * Decimal(months) / Decimal(12)
    return (interest * Decimal(share)).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class FloorPayment:
    month: int
    persons: int
    standard: Decimal
    amount: Decimal


@dataclass(frozen=True)
class FloorSchedule:
    year: int
    standard: Decimal  # yuan per person and month
    payments: list[FloorPayment]

    @property
    def total(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal(0))


def floor_standard(household: Household, year: int) -> Decimal:
    """The 兜底 (rural 低保) standard, yuan per person and month, for the household's region."""
    version = policy_for(region=household.region, year=year, on=dt.date(year, 12, 31))
    if version.floor_standard_monthly is None:
        raise ApplicationError(
            _("{year} 年适用于{region}的政策参数没有兜底标准，请区扶贫办在“政策参数”中补充").format(
                year=year, region=household.region.name
            )
        )
    return version.floor_standard_monthly


def floor_schedule(household: Household, year: int) -> FloorSchedule:
    """Twelve monthly 兜底 payments: the year's standard × the persons of the household in
    that month. A member counts in a month when they belonged to the household on its first
    day (a newborn of 15 March counts from April; a member who died on 15 March still counts
    in March). A member recorded at registration (建档登记) belonged from the start: their
    `joined_on` is the day the record was made, not the day they joined.
    3 persons × 270 yuan = 810 yuan a month, 9,720 yuan a year."""
    standard = floor_standard(household, year)
    spans = [
        (None if reason == MemberChangeReason.INITIAL else joined, ended)
        for joined, reason, ended in Member.objects.filter(household=household).values_list(
            "joined_on", "join_reason", "ended_on"
        )
    ]
    payments = []
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        persons = sum(
            1 for joined, ended in spans if (joined is None or joined <= first) and (ended is None or ended >= first)
        )
        payments.append(
            FloorPayment(month=month, persons=persons, standard=standard, amount=(standard * persons).quantize(CENT))
        )
    return FloorSchedule(year=year, standard=standard, payments=payments)


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])
