"""The monitoring dashboard: objects by type and risk, alerts by age and channel, overdue
procedures, eliminations this year. A fixed number of grouped queries, whatever the size."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from fupin.monitoring.choices import AlertSource, AlertStatus, EliminationMethod, ObjectStatus, ObjectType, RiskKind
from fupin.monitoring.models import Alert, MonitoringObject, Risk
from fupin.monitoring.selectors import head_name

# Age bands of open alerts in days since the clue; the last band is past the 15-day limit.
AGE_BANDS = ((0, 5), (6, 10), (11, 15), (16, None))


def _labelled(choices: Any, counts: dict[str, int]) -> list[dict[str, Any]]:
    total = max(counts.values(), default=0) or 1
    return [{"code": c.value, "label": c.label, "n": counts.get(c.value, 0),
             "pct": round(100 * counts.get(c.value, 0) / total)} for c in choices]


def dashboard(*, user: Any, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    objects = MonitoringObject.objects.for_user(user, "view")
    monitored = objects.filter(status=ObjectStatus.MONITORED)
    by_type = dict(monitored.values_list("object_type").annotate(n=Count("id")).order_by())
    risks = Risk.objects.for_user(user, "view").filter(monitoring_object__status=ObjectStatus.MONITORED)
    by_risk = dict(risks.values_list("kind").annotate(n=Count("id")).order_by())
    year_start = dt.date(today.year, 1, 1)
    eliminated = dict(objects.filter(status=ObjectStatus.ELIMINATED, eliminated_on__gte=year_start)
                      .values_list("elimination_method").annotate(n=Count("id")).order_by())
    alerts = Alert.objects.for_user(user, "view")
    open_alerts = alerts.filter(status=AlertStatus.OPEN)
    bands = {}
    for low, high in AGE_BANDS:
        q = Q(created__date__lte=today - dt.timedelta(days=low))
        if high is not None:
            q &= Q(created__date__gte=today - dt.timedelta(days=high))
        bands[f"b{low}"] = Count("id", filter=q)
    band_counts = open_alerts.aggregate(**bands, overdue=Count("id", filter=Q(deadline__lt=today)),
                                        unmatched=Count("id", filter=Q(household__isnull=True)))
    by_source = dict(open_alerts.values_list("source").annotate(n=Count("id")).order_by())
    overdue = list(open_alerts.filter(deadline__lt=today).select_related("region", "household")
                   .annotate(head_name=head_name()).order_by("deadline", "id")[:20])
    for a in overdue:
        a.days_over = (today - a.deadline).days
    band_max = max([band_counts[f"b{low}"] for low, _high in AGE_BANDS], default=0) or 1
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
        "age_bands": [{"low": low, "high": high, "n": band_counts[f"b{low}"],
                       "pct": round(100 * band_counts[f"b{low}"] / band_max)} for low, high in AGE_BANDS],
        "overdue_count": band_counts["overdue"],
        "unmatched": band_counts["unmatched"],
        "overdue": overdue,
    }
