"""Explainable identification rules: pure functions over a household snapshot.

No database here. A selector builds `HouseholdSnapshot` from the registry (one household, or
a whole district in bulk); `evaluate` applies the criteria of a `PolicyParams` and returns one
`RuleResult` per criterion; `outcome` folds them; `explain` turns a stored result back into a
sentence ("人均纯收入 2,950 元，低于 2017 年扶贫标准 3,335 元"). Results are stored as JSON
(`RuleResult.as_json`) and explained at display time, so the sentence follows the reader's
language and an old assessment reads the same years later.

Identification (domain.md §2.1–2.2): a household is poor when its per-capita net income is
below the year's line, or when one of 两不愁三保障 (+ 饮水安全) is not assured. It is not poor
when income reaches the line and every applied guarantee holds; anything else lacks facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

from fupin.identification.choices import AssessmentOutcome, Criterion, RuleOutcome
from fupin.utils.money import fmt

MET, NOT_MET, UNKNOWN = RuleOutcome.MET.value, RuleOutcome.NOT_MET.value, RuleOutcome.UNKNOWN.value

# 在校生状况 codes that mean "not in school" (01 非在校生) — with 文化程度 filled instead of
# 在校生状况 a child is not in school either.
NOT_IN_SCHOOL = {"01", ""}
# 健康状况 codes that excuse a child from school (domain.md §2.2: "except for health reasons").
HEALTH_EXCUSES = {"03", "04"}
SAFE_GRADES = {"A", "B"}
DANGEROUS_GRADES = {"C", "D"}
COMPULSORY_AGES = (6, 15)


class MemberFacts(NamedTuple):
    # NamedTuples rather than dataclasses: a re-check builds a million of these.
    member_id: int
    name: str
    birth_date: dt.date
    school_status: str = ""
    health: str = "01"
    ins_medical: bool = False
    ins_serious_illness: bool = False

    def age_in(self, year: int) -> int:
        """Age on 1 September of `year`, the school-entry reference date."""
        ref = dt.date(year, 9, 1)
        return ref.year - self.birth_date.year - ((ref.month, ref.day) < (self.birth_date.month, self.birth_date.day))


# Member facts are stored in the inputs as rows of these fields (one row per member, no
# names or ID numbers): a re-check stores one inputs document per registered household.
MEMBER_INPUT_FIELDS = ("id", "birth_date", "school_status", "health", "ins_medical", "ins_serious_illness")


class HouseholdSnapshot(NamedTuple):
    household_id: int
    year: int
    per_capita_net_income: Decimal | None = None  # None: no yearly facts for the year
    persons: int = 0
    food_secure: bool | None = None
    clothing_secure: bool | None = None
    house_grade: str = ""
    dangerous_house: bool | None = None
    water_safe: bool | None = None
    water_difficult: bool | None = None
    members: tuple[MemberFacts, ...] = ()

    def as_inputs(self) -> dict[str, Any]:
        """The facts the rules read, JSON-ready, stored with the assessment; members as rows
        of MEMBER_INPUT_FIELDS."""
        return {
            "year": self.year,
            "per_capita_net_income": None if self.per_capita_net_income is None else str(self.per_capita_net_income),
            "persons": self.persons,
            "food_secure": self.food_secure,
            "clothing_secure": self.clothing_secure,
            "house_grade": self.house_grade,
            "dangerous_house": self.dangerous_house,
            "water_safe": self.water_safe,
            "water_difficult": self.water_difficult,
            "members": [
                [m.member_id, m.birth_date.isoformat(), m.school_status, m.health, m.ins_medical, m.ins_serious_illness]
                for m in self.members
            ],
        }


@dataclass(frozen=True)
class PolicyParams:
    """What the rules need from a PolicyVersion (kept apart so the rules stay pure)."""

    version_id: int | None
    year: int
    poverty_line: Decimal | None
    criteria: tuple[str, ...]


class RuleResult(NamedTuple):
    criterion: str
    outcome: str
    detail: dict[str, Any] = {}

    def as_json(self) -> dict[str, Any]:
        """The stored form: the criterion's detail keys in a fixed order, those without a value
        left out, so that a result reads the same whether one household or a whole district
        was assessed (rules_bulk writes the same shape)."""
        keys = DETAIL_KEYS[self.criterion]
        detail = {k: self.detail[k] for k in keys if self.detail.get(k) is not None}
        return {"criterion": str(self.criterion), "outcome": str(self.outcome), **detail}


# The detail keys each criterion stores (see RuleResult.as_json and rules_bulk).
DETAIL_KEYS: dict[str, tuple[str, ...]] = {
    "income": ("year", "line", "value", "reason"),
    "food": ("reason",),
    "clothing": ("reason",),
    "education": ("out_of_school", "excused"),
    "medical": ("uninsured", "reason"),
    "housing": ("grade", "reason"),
    "water": ("reason",),
}


def rule_income(s: HouseholdSnapshot, p: PolicyParams) -> RuleResult:
    if p.poverty_line is None:
        return RuleResult(Criterion.INCOME, UNKNOWN, {"year": p.year, "reason": "no_line"})
    detail: dict[str, Any] = {"year": p.year, "line": str(p.poverty_line)}
    if s.per_capita_net_income is None:
        return RuleResult(Criterion.INCOME, UNKNOWN, {**detail, "reason": "no_income"})
    detail["value"] = str(s.per_capita_net_income)
    return RuleResult(Criterion.INCOME, MET if s.per_capita_net_income >= p.poverty_line else NOT_MET, detail)


def _recorded(criterion: str, value: bool | None) -> RuleResult:
    if value is None:
        return RuleResult(criterion, UNKNOWN, {"reason": "not_recorded"})
    return RuleResult(criterion, MET if value else NOT_MET)


def rule_food(s: HouseholdSnapshot, p: PolicyParams) -> RuleResult:
    return _recorded(Criterion.FOOD, s.food_secure)


def rule_clothing(s: HouseholdSnapshot, p: PolicyParams) -> RuleResult:
    return _recorded(Criterion.CLOTHING, s.clothing_secure)


def rule_education(s: HouseholdSnapshot, p: PolicyParams) -> RuleResult:
    """No child aged 6–15 out of school, except for health reasons."""
    low, high = COMPULSORY_AGES
    out, excused = [], []
    for m in s.members:
        if low <= m.age_in(s.year) <= high and m.school_status in NOT_IN_SCHOOL:
            if set(m.health.split(",")) & HEALTH_EXCUSES:
                excused.append(m.name)
            else:
                out.append(m.name)
    detail: dict[str, Any] = {"out_of_school": out, "excused": excused}
    return RuleResult(Criterion.EDUCATION, NOT_MET if out else MET, detail)


def rule_medical(s: HouseholdSnapshot, p: PolicyParams) -> RuleResult:
    """Every member in 城乡居民基本医疗保险 and 大病保险."""
    if not s.members:
        return RuleResult(Criterion.MEDICAL, UNKNOWN, {"uninsured": [], "reason": "no_members"})
    missing = [m.name for m in s.members if not (m.ins_medical and m.ins_serious_illness)]
    return RuleResult(Criterion.MEDICAL, NOT_MET if missing else MET, {"uninsured": missing})


def rule_housing(s: HouseholdSnapshot, p: PolicyParams) -> RuleResult:
    """House rated A/B, or not a dangerous house; C/D or a dangerous house fails."""
    grade = s.house_grade
    if grade in DANGEROUS_GRADES or s.dangerous_house is True:
        return RuleResult(Criterion.HOUSING, NOT_MET, {"grade": grade})
    if grade in SAFE_GRADES or s.dangerous_house is False:
        return RuleResult(Criterion.HOUSING, MET, {"grade": grade})
    return RuleResult(Criterion.HOUSING, UNKNOWN, {"grade": grade, "reason": "not_recorded"})


def rule_water(s: HouseholdSnapshot, p: PolicyParams) -> RuleResult:
    if s.water_safe is False or s.water_difficult is True:
        return RuleResult(Criterion.WATER, NOT_MET)
    if s.water_safe is True:
        return RuleResult(Criterion.WATER, MET)
    return RuleResult(Criterion.WATER, UNKNOWN, {"reason": "not_recorded"})


RULES: dict[str, Callable[[HouseholdSnapshot, PolicyParams], RuleResult]] = {
    Criterion.INCOME: rule_income,
    Criterion.FOOD: rule_food,
    Criterion.CLOTHING: rule_clothing,
    Criterion.EDUCATION: rule_education,
    Criterion.MEDICAL: rule_medical,
    Criterion.HOUSING: rule_housing,
    Criterion.WATER: rule_water,
}


def evaluate(s: HouseholdSnapshot, p: PolicyParams) -> list[RuleResult]:
    """One result per criterion the policy applies, in the canonical order."""
    return [RULES[c](s, p) for c in RULES if c in p.criteria]


def outcome(results: list[RuleResult] | list[dict[str, Any]]) -> str:
    outcomes = [r.outcome if isinstance(r, RuleResult) else r["outcome"] for r in results]
    if NOT_MET in outcomes:
        return AssessmentOutcome.ELIGIBLE.value
    if outcomes and all(o == MET for o in outcomes):
        return AssessmentOutcome.NOT_ELIGIBLE.value
    return AssessmentOutcome.INCOMPLETE.value


def _names(names: list[str]) -> str:
    return _("、").join(names)


def explain(result: dict[str, Any]) -> str:
    """One Chinese sentence for one stored rule result."""
    c, o = result.get("criterion"), result.get("outcome")
    if c == Criterion.INCOME:
        if result.get("reason") == "no_line":
            return _("{year} 年没有扶贫标准，未作收入判断").format(year=result.get("year"))
        if result.get("reason") == "no_income":
            return _("没有 {year} 年收入信息，无法与扶贫标准 {line} 元比较").format(
                year=result["year"], line=fmt(Decimal(result["line"]))
            )
        value, line = Decimal(result["value"]), Decimal(result["line"])
        args = {"value": fmt(value), "year": result["year"], "line": fmt(line)}
        if value < line:
            return _("人均纯收入 {value} 元，低于 {year} 年扶贫标准 {line} 元").format(**args)
        if value == line:
            return _("人均纯收入 {value} 元，达到 {year} 年扶贫标准 {line} 元").format(**args)
        return _("人均纯收入 {value} 元，高于 {year} 年扶贫标准 {line} 元").format(**args)
    if c in (Criterion.FOOD, Criterion.CLOTHING):
        label = _("不愁吃") if c == Criterion.FOOD else _("不愁穿")
        if o == UNKNOWN:
            return _("{label}：尚未入户核实").format(label=label)
        return (
            _("{label}：已核实达标").format(label=label) if o == MET else _("{label}：核实未达标").format(label=label)
        )
    if c == Criterion.EDUCATION:
        if result.get("out_of_school"):
            return _("义务教育：适龄儿童 {names} 失学辍学").format(names=_names(result["out_of_school"]))
        if result.get("excused"):
            return _("义务教育有保障（{names} 因健康原因未入学）").format(names=_names(result["excused"]))
        return _("义务教育有保障：无 6–15 周岁失学辍学儿童")
    if c == Criterion.MEDICAL:
        if o == UNKNOWN:
            return _("基本医疗：家庭没有在册成员")
        if result.get("uninsured"):
            return _("基本医疗：{names} 未参加城乡居民基本医疗保险或大病保险").format(names=_names(result["uninsured"]))
        return _("基本医疗有保障：全家参加城乡居民基本医疗保险和大病保险")
    if c == Criterion.HOUSING:
        if o == UNKNOWN:
            return _("住房安全：未登记危房等级")
        grade = result.get("grade") or ""
        if o == NOT_MET:
            return _("住房不安全：危房等级 {grade}").format(grade=grade) if grade else _("住房不安全：危房户")
        return _("住房安全有保障（{grade}级）").format(grade=grade) if grade else _("住房安全有保障：非危房户")
    if c == Criterion.WATER:
        if o == UNKNOWN:
            return _("饮水安全：未登记")
        return _("饮水安全有保障") if o == MET else _("饮水不安全或饮水困难")
    return str(result)


def summary(results: list[dict[str, Any]]) -> str:
    """The sentence a household page shows: the income finding, then what fails or is missing."""
    parts = [explain(r) for r in results if r.get("criterion") == Criterion.INCOME]
    parts += [explain(r) for r in results if r.get("criterion") != Criterion.INCOME and r.get("outcome") != MET]
    if not parts:
        parts = [explain(r) for r in results]
    elif all(r.get("outcome") == MET for r in results if r.get("criterion") != Criterion.INCOME) and len(results) > 1:
        parts.append(_("两不愁三保障均已达标"))
    return _("；").join(parts)
