"""Explainable rules of exit and risk elimination: pure functions over snapshots.

The tests of 一超两不愁三保障 + 饮水安全 are identification's (`fupin.identification.rules`):
exit applies the same criteria as identification, read the other way round (a household
exits when every criterion the year's policy applies is met), so both apps always agree on
what "not poor" means. This module adds what only exit and monitoring know: the
registration-year rule, and the conditions of risk elimination. Results are stored as JSON
and explained at display time (`explain`), like identification's.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.identification import rules as idr
from fupin.identification.choices import Criterion
from fupin.monitoring.choices import EliminationMethod, RiskKind
from fupin.utils.money import fmt

MET, NOT_MET, UNKNOWN = idr.MET, idr.NOT_MET, idr.UNKNOWN


class Result(NamedTuple):
    """A result of one of this module's rules (identification's have their own type with the
    same shape: criterion, outcome, as_json())."""

    criterion: str
    outcome: str
    detail: dict[str, Any] = {}  # never mutated: a NamedTuple default is shared

    def as_json(self) -> dict[str, Any]:
        return {"criterion": self.criterion, "outcome": str(self.outcome), **self.detail}


RuleResult = Result | idr.RuleResult

# 劳动技能 codes that count as labour (普通, 技能, 弱/半劳动力); 丧失 and 无 do not.
LABOUR_CODES = frozenset({"1", "2", "5"})

# Assistance measure categories that answer each risk (domain.md §4 consistency rules);
# a risk not listed is answered by any measure.
RISK_MEASURES: dict[str, frozenset[str]] = {
    RiskKind.ILLNESS: frozenset({"health", "social"}),
    RiskKind.SCHOOLING: frozenset({"education", "social"}),
    RiskKind.HOUSING: frozenset({"housing", "relocation"}),
    RiskKind.WATER: frozenset({"water"}),
    RiskKind.DISABILITY: frozenset({"floor", "social"}),
}
# 开发式帮扶: what a household with labour must receive.
DEVELOPMENTAL = frozenset({"industry", "employment", "finance", "welfare_post"})
# A measure counts as applied once it is under way.
APPLIED_STATUSES = frozenset({"in_progress", "done"})
GUARANTEES = (Criterion.EDUCATION, Criterion.MEDICAL, Criterion.HOUSING, Criterion.WATER)

# Lazy: the table is built at import time, the label is read in the reader's language.
LABELS = {
    "registration": gettext_lazy("识别年度"),
    "labour": gettext_lazy("劳动能力"),
    "months": gettext_lazy("监测时长"),
    "monitoring_income": gettext_lazy("收入稳定"),
    "new_risk": gettext_lazy("新增风险"),
    "measures": gettext_lazy("帮扶措施"),
}


def label(criterion: str) -> str:
    if criterion in Criterion.values:
        return str(Criterion(criterion).label)
    return str(LABELS.get(criterion, criterion))


def passed(results: list[RuleResult] | list[dict[str, Any]]) -> bool:
    outcomes = [r["outcome"] if isinstance(r, dict) else r.outcome for r in results]
    return bool(outcomes) and all(o == MET for o in outcomes)


# ---------------------------------------------------------------- exit


def rule_registration(*, identified_year: int | None, year: int) -> Result:
    """A household identified in a year cannot exit in that same year."""
    if identified_year is None:
        return Result("registration", UNKNOWN, {"year": year})
    ok = identified_year < year
    return Result("registration", MET if ok else NOT_MET, {"identified_year": identified_year, "year": year})


def assess_exit(
    snapshot: idr.HouseholdSnapshot, params: idr.PolicyParams, *, identified_year: int | None
) -> list[RuleResult]:
    """The registration-year rule, then every criterion the year's policy applies."""
    return [rule_registration(identified_year=identified_year, year=params.year), *idr.evaluate(snapshot, params)]


# ---------------------------------------------------------------- measures


@dataclass(frozen=True)
class MeasureFacts:
    category: str
    status: str
    label: str = ""


@dataclass(frozen=True)
class RiskFacts:
    kind: str
    label: str


@dataclass(frozen=True)
class MeasureGap:
    key: str  # a risk code, or "developmental"
    message: str


def measure_gaps(
    risks: tuple[RiskFacts, ...], measures: tuple[MeasureFacts, ...], *, has_labour: bool, applied_only: bool = False
) -> list[MeasureGap]:
    """Risks without a measure that answers them, and a missing 开发式帮扶 for a household
    with labour. With `applied_only`, planned measures do not count."""
    usable = [m for m in measures if not applied_only or m.status in APPLIED_STATUSES]
    gaps = []
    for risk in risks:
        wanted = RISK_MEASURES.get(risk.kind)
        if not any(wanted is None or m.category in wanted for m in usable):
            gaps.append(MeasureGap(risk.kind, _("风险“{risk}”尚无对应帮扶措施").format(risk=risk.label)))
    if has_labour and risks and not any(m.category in DEVELOPMENTAL for m in usable):
        gaps.append(MeasureGap("developmental", _("有劳动能力的家庭须落实开发式帮扶（产业、就业、金融或公益岗位）")))
    return gaps


# ---------------------------------------------------------------- elimination


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (clamped to the month's end: 31 Aug + 6 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class EliminationFacts:
    on: dt.date
    identified_on: dt.date
    has_labour: bool
    snapshot: idr.HouseholdSnapshot  # the latest year's facts, for 三保障 + 饮水
    criteria: tuple[str, ...]  # what the year's policy applies (饮水 only from 2019)
    risks: tuple[RiskFacts, ...]
    measures: tuple[MeasureFacts, ...]
    income_year: int | None
    monitoring_income: Decimal | None  # per capita, net of 合规自付支出
    monitoring_line: Decimal | None
    open_alerts: int = 0


def rule_labour(has_labour: bool) -> Result:
    return Result("labour", MET if has_labour else NOT_MET, {"has_labour": has_labour})


def rule_months(*, identified_on: dt.date, on: dt.date, months: int) -> Result:
    since = add_months(identified_on, months)
    return Result(
        "months",
        MET if since <= on else NOT_MET,
        {"identified_on": identified_on.isoformat(), "months": months, "since": since.isoformat()},
    )


def rule_monitoring_income(*, year: int | None, income: Decimal | None, line: Decimal | None) -> Result:
    """Stably above the line: strictly above the monitoring line of the latest year."""
    if year is None or income is None:
        return Result("monitoring_income", UNKNOWN, {"reason": "no_income"})
    if line is None:
        return Result("monitoring_income", UNKNOWN, {"reason": "no_line", "year": year})
    return Result(
        "monitoring_income", MET if income > line else NOT_MET, {"year": year, "value": str(income), "line": str(line)}
    )


def rule_new_risk(open_alerts: int) -> Result:
    return Result("new_risk", NOT_MET if open_alerts else MET, {"open_alerts": open_alerts})


def rule_measures(gaps: list[MeasureGap]) -> Result:
    return Result("measures", NOT_MET if gaps else MET, {"gaps": [g.message for g in gaps]})


def check_elimination(facts: EliminationFacts, *, method: str, min_months: int) -> list[RuleResult]:
    """Whether a monitored household's risk may be marked eliminated (domain.md §4): labour,
    six months, income stably above the line, no new risk, a measure per risk (帮扶消除), and
    三保障 + 饮水 consolidated. A household without labour never passes: after 综合保障 it
    stays monitored."""
    results: list[RuleResult] = [
        rule_labour(facts.has_labour),
        rule_months(identified_on=facts.identified_on, on=facts.on, months=min_months),
        rule_monitoring_income(year=facts.income_year, income=facts.monitoring_income, line=facts.monitoring_line),
        rule_new_risk(facts.open_alerts),
    ]
    if method == EliminationMethod.ASSISTED:
        results.append(
            rule_measures(measure_gaps(facts.risks, facts.measures, has_labour=facts.has_labour, applied_only=True))
        )
    params = idr.PolicyParams(
        version_id=None,
        year=facts.snapshot.year,
        poverty_line=None,
        criteria=tuple(c for c in GUARANTEES if c in facts.criteria),
    )
    results.extend(idr.evaluate(facts.snapshot, params))
    return results


# ---------------------------------------------------------------- sentences


def explain(result: dict[str, Any]) -> str:
    """One Chinese sentence for a stored result (identification's criteria explained by it)."""
    c, o = result.get("criterion"), result.get("outcome")
    if c == "registration":
        if o == UNKNOWN:
            return _("缺少识别年度")
        if o == MET:
            return _("{y} 年识别，{year} 年可以退出").format(y=result["identified_year"], year=result["year"])
        return _("{y} 年新识别的贫困户当年不能退出").format(y=result["identified_year"])
    if c == "labour":
        if o == MET:
            return _("家中有劳动力")
        return _("整户无劳动能力：落实兜底保障后继续监测，不标注风险消除")
    if c == "months":
        if o == MET:
            return _("{d} 纳入监测，已满 {n} 个月").format(d=result["identified_on"], n=result["months"])
        return _("{d} 纳入监测，{since} 方满 {n} 个月").format(
            d=result["identified_on"], since=result["since"], n=result["months"]
        )
    if c == "monitoring_income":
        if result.get("reason") == "no_income":
            return _("缺少最近年度收入信息")
        if result.get("reason") == "no_line":
            return _("{year} 年未设定监测线").format(year=result["year"])
        args = {"year": result["year"], "value": fmt(Decimal(result["value"])), "line": fmt(Decimal(result["line"]))}
        if o == MET:
            return _("{year} 年人均纯收入（扣除合规自付支出）{value} 元，高于监测线 {line} 元").format(**args)
        return _("{year} 年人均纯收入（扣除合规自付支出）{value} 元，未高于监测线 {line} 元").format(**args)
    if c == "new_risk":
        if o == MET:
            return _("无新增风险")
        return _("尚有 {n} 条预警在核查中").format(n=result["open_alerts"])
    if c == "measures":
        if o == MET:
            return _("每项风险均已落实帮扶措施")
        return _("；").join(result.get("gaps") or [])
    return idr.explain(result)


def failed_sentences(results: list[RuleResult] | list[dict[str, Any]]) -> str:
    rows = [r if isinstance(r, dict) else r.as_json() for r in results]
    return _("；").join(explain(r) for r in rows if r["outcome"] != MET)
