"""Yearly facts: income components in, per-capita net income computed (never typed in)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from fupin.core.changelog import Context, log_create, log_update, snapshot
from fupin.registry.income import net_income, per_capita
from fupin.registry.models import Household, HouseholdYear, Member
from fupin.registry.services.common import assign, check_scope

YEAR_FIELDS = (
    "wage_income",
    "business_income",
    "property_income",
    "transfer_income",
    "production_cost",
    "claims_income",
    "compliant_out_of_pocket",
    "stated_per_capita",
    "arable_land",
    "irrigated_land",
    "forest_land",
    "housing_area",
    "road_distance",
    "road_type",
    "electricity_living",
    "electricity_production",
    "tv",
    "dangerous_house",
    "house_grade",
    "water_safe",
    "water_difficult",
    "fuel",
    "toilet",
    "cooperative",
    "relocation",
    "relocation_mode",
    "resettlement",
)


def _compute(y: HouseholdYear, persons: int) -> None:
    y.persons = persons
    y.net_income = net_income(
        wage=Decimal(y.wage_income),
        business=Decimal(y.business_income),
        property_=Decimal(y.property_income),
        transfer=Decimal(y.transfer_income),
        cost=Decimal(y.production_cost),
    )
    y.per_capita_net_income = per_capita(y.net_income, persons)


@transaction.atomic
def household_year_save(*, ctx: Context, household: Household, year: int, data: dict[str, Any]) -> HouseholdYear:
    """Create or update the facts of `household` in `year` and recompute the income figures."""
    h = Household.objects.select_related("region").get(pk=household.pk)
    y = HouseholdYear.objects.select_for_update().filter(household=h, year=year).first()
    created = y is None
    check_scope(ctx, "registry.add_householdyear" if created else "registry.change_householdyear", h.region)
    if y is None:
        y = HouseholdYear(household=h, year=year)
    before = {} if created else snapshot(y)
    assign(y, data, YEAR_FIELDS)
    _compute(y, Member.objects.active().filter(household=h).count())
    y.full_clean(exclude=["household"])
    y.save()
    if created:
        log_create(ctx, y, related=h)
    else:
        log_update(ctx, y, before, related=h)
    return y


def household_year_refresh(*, ctx: Context, household: Household, year: int) -> None:
    """After a member change, recompute that year's per-capita figures (if the year exists)."""
    y = HouseholdYear.objects.select_for_update().filter(household=household, year=year).first()
    if y is None:
        return
    before = snapshot(y)
    _compute(y, Member.objects.active().filter(household=household).count())
    y.save()
    log_update(ctx, y, before, related=household)
