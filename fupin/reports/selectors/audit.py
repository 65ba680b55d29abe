"""Reading audit results for a region: the latest run covering it, its per-rule counts and
score within the region, the trend over runs, and the findings of one rule."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet, Sum

from fupin.regions.models import Region
from fupin.reports.choices import AuditRule
from fupin.reports.models import AuditFinding, AuditRun, AuditVillageScore, score


def _covering(region: Region) -> QuerySet[AuditRun]:
    """Runs over the region or one of its ancestors."""
    paths = [region.path[:i] for i in range(Region.steplen, len(region.path) + 1, Region.steplen)]
    return AuditRun.objects.filter(region__path__in=paths)


def latest_run(region: Region) -> AuditRun | None:
    return _covering(region).select_related("region", "actor").order_by("-started", "-id").first()


@dataclass
class AuditView:
    region: Region
    run: AuditRun | None
    households: int = 0
    flagged: int = 0
    counts: list[tuple[str, str, int]] = field(default_factory=list)  # (code, label, findings)
    villages: list[AuditVillageScore] = field(default_factory=list)
    trend: list[dict[str, Any]] = field(default_factory=list)

    @property
    def score(self) -> float:
        return score(self.households, self.flagged)


def audit_view(*, region: Region, trend_limit: int = 24) -> AuditView:
    """The latest run's figures restricted to `region` (summed over its villages, so a
    township reader sees their township's part of a district run), and the trend."""
    run = latest_run(region)
    view = AuditView(region=region, run=run)
    if run is None:
        return view
    under = {"region__path__startswith": region.path}
    view.villages = list(
        AuditVillageScore.objects.filter(run=run, **under).select_related("region").order_by("region__path")
    )
    totals: dict[str, int] = {}
    for v in view.villages:
        view.households += v.households
        view.flagged += v.flagged
        for code, n in v.counts.items():
            totals[code] = totals.get(code, 0) + n
    view.counts = [(code, str(label), totals.get(code, 0)) for code, label in AuditRule.choices]
    runs = list(_covering(region).order_by("-started", "-id")[:trend_limit])
    sums: dict[int, Mapping[str, Any]] = {
        r["run_id"]: r
        for r in AuditVillageScore.objects.filter(run__in=runs, **under)
        .values("run_id")
        .annotate(h=Sum("households"), f=Sum("flagged"))
        .order_by()
    }
    view.trend = [
        {
            "run": r,
            "households": sums.get(r.pk, {}).get("h") or 0,
            "flagged": sums.get(r.pk, {}).get("f") or 0,
            "score": score(sums.get(r.pk, {}).get("h") or 0, sums.get(r.pk, {}).get("f") or 0),
        }
        for r in reversed(runs)
    ]
    return view


def rule_findings(*, run: AuditRun, rule: str, region: Region) -> QuerySet[AuditFinding]:
    return (
        AuditFinding.objects.filter(run=run, rule=rule, household__region__path__startswith=region.path)
        .select_related("household__region", "member")
        .order_by("household__code", "id")
    )
