"""The re-check campaign (回头看): one run over a region, as one background job.

1. the rules for every open registered household (snapshots built set-based, assessments
   loaded with COPY/executemany); a household still marked 未脱贫/返贫 whose income reaches the
   line with nothing else failing becomes a finding (识别条件不符);
2. every stored department list under the region matched again against today's registry;
3. the duplicate checks;
4. counts per township, stored on the Recheck for the results page.

The run is one transaction: a failure leaves nothing half-written.
"""

# ruff: noqa: S608 — SQL is built from model table names (_meta), never from input; values are parameters.

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.accounts.scoping import scope_paths
from fupin.core.changelog import Context, log_create
from fupin.core.errors import ApplicationError
from fupin.core.jobs import Progress
from fupin.identification import rules
from fupin.identification.bulk import insert_rows, table
from fupin.identification.choices import Criterion, FindingKind, FindingStatus, RuleOutcome, Step
from fupin.identification.models import Application, Assessment, ComparisonList, Finding, Recheck
from fupin.identification.selectors.policy import latest_policy_year, policies_for_regions
from fupin.identification.selectors.snapshots import policy_params, registered_snapshots
from fupin.identification.services.comparison import comparison_match
from fupin.identification.services.duplicates import duplicates_find
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.registry.choices import PovertyStatus
from fupin.registry.models import Household
from fupin.registry.services.common import check_scope

RUN = "identification.run_recheck"
STILL_POOR = (PovertyStatus.NOT_EXITED, PovertyStatus.RETURNED)
ASSESSMENT_COLUMNS = (
    "household_id",
    "year",
    "policy_id",
    "inputs",
    "results",
    "outcome",
    "recheck_id",
    "created_by_id",
    "created",
)
FINDING_COLUMNS = (
    "region_id",
    "kind",
    "household_id",
    "member_id",
    "other_member_id",
    "list_kind",
    "comparison_id",
    "row_id",
    "recheck_id",
    "evidence",
    "fingerprint",
    "status",
    "note",
    "decided_by_id",
    "decided_at",
    "application_id",
    "created",
)


def common_region() -> Region:
    """The smallest region holding every open registered household (the CLI's default scope)."""
    paths = list(
        Region.objects.filter(
            pk__in=Household.objects.filter(registered=True, closed_on__isnull=True).values("region_id").distinct()
        ).values_list("path", flat=True)
    )
    if not paths:
        root = Region.objects.filter(depth=1).order_by("path").first()
        if root is None:
            raise ApplicationError(_("尚未导入行政区划"))
        return root
    prefix = paths[0]
    for p in paths[1:]:
        while not p.startswith(prefix):
            prefix = prefix[: -Region.steplen]
    return Region.objects.get(path=prefix)


def _actor_region(ctx: Context) -> Region:
    paths = scope_paths(ctx.actor, RUN)
    if not paths:
        if getattr(ctx.actor, "is_superuser", False):
            return common_region()
        raise ApplicationError(_("您没有发起回头看的权限"))
    return Region.objects.get(path=paths[0])


@transaction.atomic
def recheck_create(*, ctx: Context, year: int | None = None, region: Region | None = None) -> Recheck:
    """Record a campaign run (the job then executes `recheck_run`)."""
    if region is None:
        region = common_region() if ctx.actor is None else _actor_region(ctx)
    check_scope(ctx, RUN, region)
    year = year or latest_policy_year()
    r = Recheck.objects.create(
        region=region, year=year, started_by=ctx.actor if ctx.actor is not None and ctx.actor.pk else None
    )
    log_create(ctx, r)
    return r


def _rule_finding(status: str, results: list[rules.RuleResult]) -> bool:
    """Still counted poor, yet income reaches the line and nothing else fails."""
    if status not in STILL_POOR:
        return False
    by = {r.criterion: r.outcome for r in results}
    return by.get(Criterion.INCOME) == RuleOutcome.MET and RuleOutcome.NOT_MET not in by.values()


class _RuleStage:
    """Assess every registered household; stream assessment rows to the loader."""

    def __init__(self, recheck: Recheck, progress: Progress) -> None:
        self.recheck, self.progress = recheck, progress
        self.outcomes: dict[int, Counter] = defaultdict(Counter)  # region id → outcome counts
        self.findings: list[tuple] = []
        self.no_policy = 0
        villages = Region.objects.filter(path__startswith=recheck.region.path, level__gte=RegionLevel.VILLAGE)
        self.policies = {
            pk: (p, policy_params(p)) if p else None
            for pk, p in policies_for_regions(regions=villages, year=recheck.year).items()
        }
        existing = Finding.objects.filter(fingerprint__startswith=f"R{recheck.year}:").values_list(
            "fingerprint", flat=True
        )
        self.existing = set(existing)

    def rows(self) -> Iterator[tuple]:
        r, now = self.recheck, timezone.now()
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode
        n = 0
        for region_id, status, snap in registered_snapshots(region=r.region, year=r.year):
            n += 1
            if n % 5000 == 0:
                self.progress.advance(5000)
            chosen = self.policies.get(region_id)
            if chosen is None:
                self.no_policy += 1
                self.outcomes[region_id]["no_policy"] += 1
                continue
            policy, params = chosen
            results = rules.evaluate(snap, params)
            outcome = rules.outcome(results)
            self.outcomes[region_id][outcome] += 1
            if _rule_finding(status, results):
                fp = f"R{r.year}:{snap.household_id}"
                if fp not in self.existing:
                    income = results[0].detail
                    self.findings.append(
                        (
                            region_id,
                            FindingKind.RULE,
                            snap.household_id,
                            None,
                            None,
                            "",
                            None,
                            None,
                            r.pk,
                            dumps(
                                {
                                    "year": r.year,
                                    "value": income.get("value"),
                                    "line": income.get("line"),
                                    "policy": policy.pk,
                                }
                            ),
                            fp,
                            FindingStatus.OPEN,
                            "",
                            None,
                            None,
                            None,
                            now,
                        )
                    )
            yield (
                snap.household_id,
                r.year,
                policy.pk,
                dumps(snap.as_inputs()),
                dumps([x.as_json() for x in results]),
                outcome,
                r.pk,
                r.started_by_id,
                now,
            )
        self.progress.advance(n % 5000)


def _townships(region: Region) -> list[Region]:
    if region.level >= RegionLevel.TOWNSHIP:
        return (
            [region]
            if region.level == RegionLevel.TOWNSHIP
            else list(Region.objects.filter(level=RegionLevel.TOWNSHIP, path=region.path[: Region.steplen * 4]))
        )
    return list(Region.objects.filter(path__startswith=region.path, level=RegionLevel.TOWNSHIP).order_by("code"))


def _summary(recheck: Recheck, outcomes: dict[int, Counter]) -> dict[str, Any]:
    """Counts per township: assessment outcomes, open findings by kind (new in this run and
    all open), candidates waiting for the village."""
    townships = _townships(recheck.region)
    paths = {r.pk: r.path for r in Region.objects.filter(path__startswith=recheck.region.path)}

    def township_of(region_id: int) -> Region | None:
        path = paths.get(region_id, "")
        return next((t for t in townships if path.startswith(t.path)), None)

    rows: dict[int, dict[str, Any]] = {
        t.pk: {
            "id": t.pk,
            "code": t.code,
            "name": t.name,
            "outcomes": Counter(),
            "new": Counter(),
            "open": Counter(),
            "candidates": 0,
        }
        for t in townships
    }
    for region_id, counts in outcomes.items():
        t = township_of(region_id)
        if t is not None:
            rows[t.pk]["outcomes"].update(counts)
    with connection.cursor() as cur:
        cur.execute(
            f"""SELECT f.region_id, f.kind, CASE WHEN f.recheck_id = %s THEN 1 ELSE 0 END, COUNT(*)
                FROM {table(Finding)} f JOIN {table(Region)} g ON g.id = f.region_id
                WHERE f.status = %s AND g.path LIKE %s GROUP BY f.region_id, f.kind, 3""",
            [recheck.pk, FindingStatus.OPEN, recheck.region.path + "%"],
        )
        for region_id, kind, new, count in cur.fetchall():
            t = township_of(region_id)
            if t is None:
                continue
            rows[t.pk]["open"][kind] += count
            if new:
                rows[t.pk]["new"][kind] += count
    candidates = Application.objects.filter(
        step=Step.CANDIDATE, household__region__path__startswith=recheck.region.path
    ).values_list("household__region_id", flat=True)
    for region_id in candidates:
        t = township_of(region_id)
        if t is not None:
            rows[t.pk]["candidates"] += 1
    out = []
    for row in rows.values():
        out.append(
            {
                **row,
                "outcomes": dict(row["outcomes"]),
                "new": dict(row["new"]),
                "open": dict(row["open"]),
                "new_total": sum(row["new"].values()),
                "open_total": sum(row["open"].values()),
            }
        )
    return {"townships": out}


def recheck_run(*, recheck: Recheck, progress: Progress) -> dict[str, Any]:
    """Execute a recorded campaign; returns the totals (also stored on the Recheck)."""
    r = Recheck.objects.select_related("region").get(pk=recheck.pk)
    timings: dict[str, float] = {}
    households = Household.objects.filter(
        registered=True, closed_on__isnull=True, region__path__startswith=r.region.path
    ).count()
    lists = list(ComparisonList.objects.filter(region__path__startswith=r.region.path).order_by("pk"))
    with transaction.atomic():
        t0 = time.monotonic()
        progress.start(households, _("评估识别条件：{n} 户").format(n=households))
        stage = _RuleStage(r, progress)
        assessed = insert_rows(table(Assessment), ASSESSMENT_COLUMNS, stage.rows())
        insert_rows(table(Finding), FINDING_COLUMNS, stage.findings)
        timings["rules"] = round(time.monotonic() - t0, 2)

        t0 = time.monotonic()
        progress.start(len(lists), _("部门名单比对：{n} 份").format(n=len(lists)))
        matched: dict[str, int] = Counter()
        for c in lists:
            progress.step(_("比对 {name}").format(name=c.kind_name))
            matched.update(comparison_match(comparison=c, recheck=r))
            progress.advance(1)
        timings["comparisons"] = round(time.monotonic() - t0, 2)

        t0 = time.monotonic()
        progress.start(1, _("重复人员检查"))
        dups = duplicates_find(region=r.region, recheck=r)
        progress.advance(1)
        timings["duplicates"] = round(time.monotonic() - t0, 2)

        t0 = time.monotonic()
        summary = _summary(r, stage.outcomes)
        timings["summary"] = round(time.monotonic() - t0, 2)
        totals = {
            "households": households,
            "assessed": assessed,
            "no_policy": stage.no_policy,
            "rule_findings": len(stage.findings),
            "lists": len(lists),
            "list_findings": matched.get("findings", 0),
            "candidates": matched.get("candidates", 0),
            "duplicates": dups,
        }
        summary["totals"] = totals
        Recheck.objects.filter(pk=r.pk).update(summary=summary, timings=timings, finished=timezone.now())
    return totals


@transaction.atomic
def recheck_start(*, ctx: Context, year: int | None = None, region: Region | None = None) -> Recheck:
    """Record a campaign and queue it as a background job (the district office's button)."""
    from fupin.core.jobs import job_enqueue

    r = recheck_create(ctx=ctx, year=year, region=region)
    job = job_enqueue(kind="recheck", actor=ctx.actor, params={"recheck_id": r.pk, "year": r.year})
    Recheck.objects.filter(pk=r.pk).update(job=job)
    r.job = job
    return r
