"""Building the rule snapshots of `rules.py` from the database (kept in one place so that
the rules stay pure)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fupin.assistance.models import Measure
from fupin.core.errors import ApplicationError
from fupin.identification.selectors.snapshots import household_snapshot
from fupin.monitoring.choices import AlertStatus
from fupin.monitoring.models import Alert, MonitoringObject
from fupin.monitoring.policy import lines_for
from fupin.monitoring.rules import LABOUR_CODES, EliminationFacts, MeasureFacts, RiskFacts
from fupin.registry.income import CENT
from fupin.registry.models import Household, HouseholdYear, Member


def has_labour(household: Household) -> bool:
    return Member.objects.active().filter(household=household, labour_skill__in=LABOUR_CODES).exists()


def household_measures(household: Household) -> tuple[MeasureFacts, ...]:
    """The household's assistance measures, every year (摘帽不摘帮扶: help carries on)."""
    rows = Measure.objects.filter(household=household).values_list("category", "status", "item__name")
    return tuple(MeasureFacts(category=c, status=s, label=n) for c, s, n in rows)


def monitoring_income(y: HouseholdYear) -> Decimal | None:
    """Per-capita net income after 合规自付支出 (the monitoring reference income)."""
    if not y.persons:
        return None
    net = Decimal(y.net_income) - Decimal(y.compliant_out_of_pocket or 0)
    return (net / y.persons).quantize(CENT)


def elimination_facts(obj: MonitoringObject, *, on: dt.date) -> EliminationFacts:
    """Facts for the elimination rules: the latest yearly facts up to `on`, that year's line."""
    h = obj.household
    y = HouseholdYear.objects.filter(household=h, year__lte=on.year).order_by("-year").first()
    year = y.year if y is not None else on.year
    line, criteria = None, ()
    try:
        lines = lines_for(region=h.region, year=year)
        line, criteria = lines.monitoring_line, tuple(lines.policy.criteria or ())
    except ApplicationError:
        pass
    return EliminationFacts(
        on=on,
        identified_on=obj.identified_on,
        has_labour=has_labour(h),
        snapshot=household_snapshot(household=h, year=year),
        criteria=criteria,
        risks=tuple(RiskFacts(kind=r.kind, label=str(r)) for r in obj.risks.all()),
        measures=household_measures(h),
        income_year=y.year if y is not None else None,
        monitoring_income=monitoring_income(y) if y is not None else None,
        monitoring_line=line,
        open_alerts=Alert.objects.filter(household=h, status=AlertStatus.OPEN).count(),
    )
