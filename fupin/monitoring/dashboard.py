"""The monitoring dashboard: objects by type and risk, alerts by age and channel, overdue
procedures, eliminations this year. A fixed number of grouped queries, whatever the size."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from fupin.accounts.scoping import scope_paths
from fupin.monitoring.choices import AlertSource, AlertStatus, EliminationMethod, ObjectStatus, ObjectType, RiskKind
from fupin.monitoring.models import Alert, MonitoringObject, Risk
from fupin.monitoring.policy import procedure_days_within
from fupin.monitoring.selectors import head_name
from fupin.regions.models import Region

# The procedure limit when no policy applies yet (domain.md §4: from clue to decision ≤ 15 days).
DEFAULT_DAYS = 15


def age_bands(days: int) -> tuple[tuple[int, int | None], ...]:
    """Age bands of open alerts in days since the clue: thirds of the limit, then past it
    (15 days → 0–5, 6–10, 11–15, 16+)."""
    a, b = max(days // 3, 0), max(2 * days // 3, 1)
    bands: list[tuple[int, int | None]] = [(0, a), (a + 1, b), (b + 1, days)]
    return (*[(lo, hi) for lo, hi in bands if hi is not None and lo <= hi], (days + 1, None))


def in_time_bands(days: int) -> tuple[tuple[int, int], ...]:
    """The bands of age_bands before the limit."""
    return tuple((lo, hi) for lo, hi in age_bands(days) if hi is not None)


def _age_bands(bands_of: tuple[tuple[int, int], ...], counts: dict[str, int], limits: list[int]) -> list[dict]:
    """The in-time bands, then the alerts past their own deadline — the overdue count, whatever
    limit each alert runs under. Its label names the day it starts only when one limit applies."""
    rows: list[dict[str, Any]] = [
        {"low": low, "high": high, "n": counts[f"b{i}"], "overdue": False} for i, (low, high) in enumerate(bands_of)
    ]
    single = len(set(limits)) <= 1
    rows.append({"low": bands_of[-1][1] + 1 if single else None, "high": None, "n": counts["overdue"], "overdue": True})
    top = max([r["n"] for r in rows], default=0) or 1
    for r in rows:
        r["pct"] = round(100 * r["n"] / top)
    return rows


def procedure_days(*, user: Any, year: int, perm: str = "monitoring.view_monitoringobject") -> list[int]:
    """The distinct procedure limits (days) the policy sets over the user's scope for `perm`
    in `year`."""
    if getattr(user, "is_superuser", False) and user.is_active:
        roots = list(Region.objects.get_root_nodes())
    else:
        roots = list(Region.objects.filter(path__in=scope_paths(user, perm)))
    return procedure_days_within(roots=roots, year=year)


def _labelled(choices: Any, counts: dict[str, int]) -> list[dict[str, Any]]:
    total = max(counts.values(), default=0) or 1
    return [
        {
            "code": c.value,
            "label": c.label,
            "n": counts.get(c.value, 0),
            "pct": round(100 * counts.get(c.value, 0) / total),
        }
        for c in choices
    ]


def dashboard(*, user: Any, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    objects = MonitoringObject.objects.for_user(user, "view")
    monitored = objects.filter(status=ObjectStatus.MONITORED)
    by_type = dict(monitored.values_list("object_type").annotate(n=Count("id")).order_by())
    risks = Risk.objects.for_user(user, "view").filter(monitoring_object__status=ObjectStatus.MONITORED)
    by_risk = dict(risks.values_list("kind").annotate(n=Count("id")).order_by())
    year_start = dt.date(today.year, 1, 1)
    eliminated = dict(
        objects.filter(status=ObjectStatus.ELIMINATED, eliminated_on__gte=year_start)
        .values_list("elimination_method")
        .annotate(n=Count("id"))
        .order_by()
    )
    alerts = Alert.objects.for_user(user, "view")
    open_alerts = alerts.filter(status=AlertStatus.OPEN)
    limits = procedure_days(user=user, year=today.year)
    bands_of = in_time_bands(max(limits, default=DEFAULT_DAYS))
    bands = {}
    for i, (low, high) in enumerate(bands_of):
        # Within its own deadline, banded by age; past it, in the overdue band below. Under
        # mixed limits the longest one cuts the bands, so every alert still in time has one.
        q = Q(deadline__gte=today, created__date__lte=today - dt.timedelta(days=low))
        if i < len(bands_of) - 1:
            q &= Q(created__date__gte=today - dt.timedelta(days=high))
        bands[f"b{i}"] = Count("id", filter=q)
    band_counts = open_alerts.aggregate(
        **bands,
        overdue=Count("id", filter=Q(deadline__lt=today)),
        unmatched=Count("id", filter=Q(household__isnull=True)),
    )
    by_source = dict(open_alerts.values_list("source").annotate(n=Count("id")).order_by())
    overdue = list(
        open_alerts.filter(deadline__lt=today)
        .select_related("region", "household")
        .annotate(head_name=head_name())
        .order_by("deadline", "id")[:20]
    )
    for a in overdue:
        a.days_over = (today - a.deadline).days
    return {
        "today": today,
        "monitored": sum(by_type.values()),
        "by_type": _labelled(ObjectType, by_type),
        "by_risk": _labelled(RiskKind, by_risk),
        "eliminated": _labelled(EliminationMethod, eliminated),
        "eliminated_total": sum(eliminated.values()),
        "pending_elimination": monitored.exclude(proposed_method="").count(),
        "open_alerts": sum(by_source.values()),
        "by_source": _labelled(AlertSource, by_source),
        "age_bands": _age_bands(bands_of, band_counts, limits),
        "procedure_days": limits,
        "overdue_count": band_counts["overdue"],
        "unmatched": band_counts["unmatched"],
        "overdue": overdue,
    }
