"""Yearly facts of a demo household: income components and production/living conditions.

Incomes are drawn so that the per-capita net income, computed exactly as
`fupin.registry.income` computes it, lands where the household's status says it should:
exited households mostly above the 2017 exit reference (~3,335 yuan), households not
exited (or returned) below ~3,300, ordinary households well above. Components are
plausible for their members: wages follow the migrant months, transfers follow the
低保/特困 flags and the elderly's basic pension.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from fupin.demo.people import Person
from fupin.registry.choices import Fuel, HouseGrade, PovertyStatus, RelocationMode, Resettlement, RoadType
from fupin.registry.choices import WorkStatus as WS
from fupin.registry.income import net_income, per_capita

PENSION_YEAR = 103 * 12  # 城乡居民基础养老金 (Hunan, 2017), yuan per person aged 60+
MONTHLY_WAGE = {
    WS.IN_TOWNSHIP: (1600, 2400),
    WS.IN_COUNTY: (2000, 2900),
    WS.IN_PROVINCE: (2400, 3400),
    WS.OUT_OF_PROVINCE: (2800, 4000),
    WS.OTHER: (1500, 2500),
}


def _yuan(x: float) -> Decimal:
    return Decimal(max(0, round(x)))


def _area(x: float) -> Decimal:
    return Decimal(f"{max(0.0, x):.2f}")


def target_per_capita(rng: random.Random, *, registered: bool, status: str) -> float:
    if not registered:
        return rng.triangular(4500, 24000, 8500)
    if status == PovertyStatus.EXITED:
        return rng.triangular(3450, 11000, 4800) if rng.random() < 0.97 else rng.uniform(3200, 3450)
    return rng.triangular(1500, 3280, 2900)


def income(
    rng: random.Random, people: list[Person], *, registered: bool, status: str, forest: Decimal, cooperative: bool
) -> dict[str, Any]:
    """Income components and computed totals for the household's year."""
    persons = len(people)
    target = target_per_capita(rng, registered=registered, status=status) * persons
    poor = registered and status != PovertyStatus.EXITED

    transfer = sum(rng.uniform(1200, 2600) for p in people if p.facts["dibao"])
    transfer += sum(rng.uniform(3300, 4300) for p in people if p.facts["tekun"])
    transfer += PENSION_YEAR * sum(1 for p in people if p.age >= 60 and p.facts["ins_pension"])
    transfer += float(forest) * rng.uniform(10, 18)  # 生态补偿
    property_ = (rng.uniform(300, 1000) if cooperative else 0) + (rng.uniform(0, 600) if rng.random() < 0.2 else 0)

    wage = 0.0
    for p in people:
        if p.facts["work_status"]:
            low, high = MONTHLY_WAGE[p.facts["work_status"]]
            wage += p.facts["work_months"] * rng.uniform(low, high)
        elif p.facts["welfare_post"]:
            wage += 12 * rng.uniform(400, 800)

    fixed = transfer + property_
    if poor:
        # A poor household's sources cannot exceed its (low) income: the 补差 transfers and
        # wages were smaller that year.
        if fixed > 0.85 * target:
            scale = 0.85 * target / fixed
            transfer, property_, fixed = transfer * scale, property_ * scale, fixed * scale
        if wage > target - fixed:
            wage = (target - fixed) * rng.uniform(0.6, 0.95)
    else:
        target = max(target, fixed + wage + rng.uniform(200, 1500))
    rest = max(0.0, target - fixed - wage)
    cost_ratio = rng.uniform(0.2, 0.45)
    business = rest / (1 - cost_ratio)

    values = {
        "wage_income": _yuan(wage),
        "business_income": _yuan(business),
        "property_income": _yuan(property_),
        "transfer_income": _yuan(transfer),
        "production_cost": _yuan(business - rest),
    }
    net = net_income(
        wage=values["wage_income"],
        business=values["business_income"],
        property_=values["property_income"],
        transfer=values["transfer_income"],
        cost=values["production_cost"],
    )
    return {**values, "persons": persons, "net_income": net, "per_capita_net_income": per_capita(net, persons)}


def conditions(rng: random.Random, *, registered: bool, status: str) -> dict[str, Any]:
    """Production and living conditions (生产生活条件) of domain.md §1.1."""
    exited = status == PovertyStatus.EXITED
    poor = registered and not exited
    arable = 0.0 if rng.random() < 0.06 else rng.triangular(0.2, 5.0, 1.3)
    forest = rng.uniform(0, 8) if rng.random() < 0.5 else 0.0
    if poor:
        grade = rng.choices(("A", "B", "C", "D"), weights=(25, 50, 17, 8))[0]
    elif registered:
        grade = rng.choices(("A", "B"), weights=(45, 55))[0]
    else:
        grade = rng.choices(("A", "B", "C", "D"), weights=(52, 44, 3, 1))[0]
    water_safe = True if exited else rng.random() < 0.88
    dangerous = grade in (HouseGrade.C, HouseGrade.D)
    relocation = registered and grade == HouseGrade.D and rng.random() < 0.35
    road_weights = (50, 30, 12, 8) if exited or not registered else (45, 10, 30, 15)
    return {
        "arable_land": _area(arable),
        "irrigated_land": _area(arable * rng.uniform(0.4, 1.0)),
        "forest_land": _area(forest),
        "housing_area": _area(rng.triangular(40, 200, 100)),
        "road_distance": _area(rng.triangular(0, 3, 0.3)),
        "road_type": rng.choices(
            (RoadType.CEMENT, RoadType.ASPHALT, RoadType.GRAVEL, RoadType.DIRT), weights=road_weights
        )[0],
        "electricity_living": True if exited else rng.random() < 0.99,
        "electricity_production": rng.random() < 0.92,
        "tv": rng.random() < 0.96,
        "dangerous_house": dangerous,
        "house_grade": grade,
        "water_safe": water_safe,
        "water_difficult": (not water_safe) and rng.random() < 0.7,
        "fuel": rng.choices((Fuel.FIREWOOD, Fuel.COAL, Fuel.CLEAN, Fuel.OTHER), weights=(38, 12, 48, 2))[0],
        "toilet": rng.random() < (0.8 if exited else 0.65),
        "cooperative": rng.random() < (0.3 if registered else 0.08),
        "relocation": relocation,
        "relocation_mode": RelocationMode.INDIVIDUAL if relocation else "",
        "resettlement": rng.choice((Resettlement.CENTRAL, Resettlement.SCATTERED)) if relocation else "",
    }
