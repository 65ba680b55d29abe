"""Layout 1 out: one row per active member, households in code order, labels not codes.

Rows are generated in chunks of households (three queries per chunk), so an export of a
whole province streams in constant memory. Personal fields are masked for households
outside the reader's `view_sensitive_household` scope.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from fupin.exchange import codes
from fupin.exchange.layouts.roster_columns import ROSTER_COLUMNS, YEAR_FIELDS
from fupin.exchange.regionindex import RegionIndex
from fupin.registry.models import Household, HouseholdYear, Member
from fupin.utils.masking import mask_account, mask_id, mask_phone

CHUNK = 2000
EXPORT_COLUMNS = [c for c in ROSTER_COLUMNS if c.export]
YESNO_TEXT = {True: "是", False: "否", None: None}
MEMBER_VALUES = (
    "household_id",
    "person_code",
    "name",
    "id_type",
    "id_number",
    "sex",
    "relation",
    "ethnicity",
    "political",
    "education",
    "school_status",
    "health",
    "disability_grade",
    "disability_category",
    "labour_skill",
    "work_status",
    "work_months",
    "welfare_post",
    "ins_medical",
    "ins_serious_illness",
    "ins_pension",
    "dibao",
    "tekun",
    "phone",
)
HH_VALUES = (
    "id",
    "code",
    "region_id",
    "hamlet",
    "attribute",
    "main_cause",
    "other_causes",
    "standard",
    "identified_year",
    "status",
    "exit_year",
    "return_year",
    "phone",
    "bank_name",
    "bank_account",
)
YEAR_VALUES = ("household_id", *YEAR_FIELDS)


def _money(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral() else float(value)


def _label(name: str, code: str | None) -> str | None:
    return codes.labels(name).get(code, code) if code else None


def header() -> list[str]:
    return [c.name for c in EXPORT_COLUMNS]


def roster_rows(
    household_ids: Sequence[int],
    *,
    year: int,
    sensitive: Callable[[str], bool],
    regions: RegionIndex | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[list[Any]]:
    """Rows of layout 1 for the given households (already scoped and filtered by the caller);
    `progress` is told of each household written (a job's `Progress.advance`, throttled)."""
    regions = regions or RegionIndex()
    for start in range(0, len(household_ids), CHUNK):
        chunk = list(household_ids[start : start + CHUNK])
        households = sorted(Household.objects.filter(pk__in=chunk).values(*HH_VALUES), key=lambda h: h["code"])
        members: dict[int, list[dict]] = {}
        for m in Member.objects.filter(household_id__in=chunk, ended_on__isnull=True).values(*MEMBER_VALUES):
            members.setdefault(m["household_id"], []).append(m)
        years = {
            y["household_id"]: y
            for y in HouseholdYear.objects.filter(household_id__in=chunk, year=year).values(*YEAR_VALUES)
        }
        for h in households:
            node = regions.by_id.get(h["region_id"])
            full = sensitive(node.path if node else "")
            county, township, village, group = regions.names(h["region_id"]) if node else ("", "", "", "")
            people = sorted(members.get(h["id"], []), key=lambda m: (m["relation"], str(m["id_number"])))
            hh_part = _household_values(h, years.get(h["id"]), len(people), full)
            # One 自然村 column for two things: the group when the household is in one (the
            # import then keeps its hamlet), else the hamlet (roster_match.settle_hamlet).
            hh_part.update(county=county, township=township, village=village, hamlet=group or h["hamlet"] or None)
            for m in people:
                values = {**hh_part, **_member_values(m, full)}
                yield [values.get(c.key) for c in EXPORT_COLUMNS]
            if progress is not None:
                progress(1)


def _household_values(h: dict, y: dict | None, persons: int, full: bool) -> dict[str, Any]:
    other = codes.codes_to_labels("cause", h["other_causes"], sep="、") if h["other_causes"] else None
    values: dict[str, Any] = {
        "code": h["code"],
        "household_size": persons,
        "attribute": _label("attribute", h["attribute"]),
        "main_cause": _label("cause", h["main_cause"]),
        "other_causes": other,
        "standard": _label("standard", h["standard"]),
        "identified_year": h["identified_year"],
        "status": _label("status", h["status"]),
        "exit_year": h["exit_year"],
        "return_year": h["return_year"],
        "household_phone": (h["phone"] if full else mask_phone(h["phone"])) or None,
        "bank_name": h["bank_name"] or None,
        "bank_account": (h["bank_account"] if full else mask_account(h["bank_account"])) or None,
    }
    if y is not None:
        for key in (
            "wage_income",
            "business_income",
            "property_income",
            "transfer_income",
            "production_cost",
            "stated_per_capita",
            "arable_land",
            "housing_area",
        ):
            values[key] = _money(y[key])
        for key in ("dangerous_house", "water_safe", "electricity_living", "toilet", "cooperative"):
            values[key] = YESNO_TEXT[y[key]]
        values["house_grade"] = _label("house_grade", y["house_grade"])
        values["road_type"] = _label("road", y["road_type"])
        values["fuel"] = _label("fuel", y["fuel"])
    return values


def _member_values(m: dict, full: bool) -> dict[str, Any]:
    return {
        "person_code": m["person_code"] or None,
        "name": m["name"],
        "id_type": _label("id_type", m["id_type"]),
        "id_number": m["id_number"] if full else mask_id(m["id_number"]),
        "sex": _label("sex", m["sex"]),
        "relation": _label("relation", m["relation"]),
        "ethnicity": _label("ethnicity", m["ethnicity"]),
        "political": _label("political", m["political"]),
        "education": _label("education", m["education"]),
        "school_status": _label("school", m["school_status"]),
        "health": codes.codes_to_labels("health", m["health"]) or None,
        "disability_grade": _label("disability_grade", m["disability_grade"]),
        "disability_category": _label("disability_category", m["disability_category"]),
        "labour_skill": _label("labour", m["labour_skill"]),
        "work_status": _label("work", m["work_status"]),
        "work_months": m["work_months"],
        "welfare_post": _label("welfare_post", m["welfare_post"]),
        "ins_medical": YESNO_TEXT[m["ins_medical"]],
        "ins_serious_illness": YESNO_TEXT[m["ins_serious_illness"]],
        "ins_pension": YESNO_TEXT[m["ins_pension"]],
        "dibao": YESNO_TEXT[m["dibao"]],
        "tekun": YESNO_TEXT[m["tekun"]],
        "phone": (m["phone"] if full else mask_phone(m["phone"])) or None,
    }
