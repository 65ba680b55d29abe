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

import datetime as dt
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.accounts.scoping import scope_paths
from fupin.core.changelog import Context, log_create
from fupin.core.choices import JobStatus
from fupin.core.errors import ApplicationError
from fupin.core.jobs import Progress
from fupin.identification.bulk import db_datetime, insert_frame, table
from fupin.identification.choices import FindingKind, FindingStatus, Step
from fupin.identification.models import Application, Assessment, ComparisonList, Finding, PolicyVersion, Recheck
from fupin.identification.rules_bulk import CRITERIA, evaluate_frame
from fupin.identification.selectors.policy import latest_policy_year, policies_for_regions
from fupin.identification.selectors.snapshots import open_members_frame, registered_frames
from fupin.identification.services.comparison import comparisons_match
from fupin.identification.services.duplicates import duplicates_find, sounds_preload
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.registry.choices import PovertyStatus
from fupin.registry.models import Household
from fupin.registry.services.common import check_scope

RUN = "identification.run_recheck"
STILL_POOR = (PovertyStatus.NOT_EXITED, PovertyStatus.RETURNED)


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
    years = _policy_years(region)
    if year not in years:
        # A run without a poverty line assesses nobody: refused here, before any row or job exists.
        raise ApplicationError(
            _("{year} 年没有适用于{region}的扶贫标准，不能开展回头看；有扶贫标准的年度：{years}").format(
                year=year, region=region.name, years=_("、").join(map(str, years)) or _("无")
            )
        )
    _refuse_empty(region)
    _refuse_overlap(region)
    r = Recheck.objects.create(
        region=region, year=year, started_by=ctx.actor if ctx.actor is not None and ctx.actor.pk else None
    )
    log_create(ctx, r)
    return r


# A campaign whose job has not finished after this long lost its worker (a run over a million
# persons takes about a minute): it no longer blocks a new one.
STALE_AFTER = dt.timedelta(hours=12)


def _refuse_empty(region: Region) -> None:
    """A region without a single open household has nothing to assess, match or compare."""
    if not Household.objects.filter(closed_on__isnull=True, region__path__startswith=region.path).exists():
        raise ApplicationError(_("{region}没有在册农户，无需开展回头看").format(region=region.name))


def _refuse_overlap(region: Region) -> None:
    """One campaign at a time over the same households: two runs over one region would both
    file the same rule leads (unique fingerprints) and the second would fail at its end.
    Refused with the running one's number instead. The region tree's root row is locked for
    the check so that two requests at once cannot both pass it (PostgreSQL; SQLite writes one
    transaction at a time anyway)."""
    list(Region.objects.select_for_update().filter(path=region.path[: Region.steplen]).values_list("pk"))
    running = (
        Recheck.objects.filter(
            finished__isnull=True,
            job__status__in=(JobStatus.QUEUED, JobStatus.RUNNING),
            created__gte=timezone.now() - STALE_AFTER,
        )
        .select_related("region")
        .order_by("pk")
    )
    for other in running:
        if other.region.path.startswith(region.path) or region.path.startswith(other.region.path):
            raise ApplicationError(
                _("回头看 #{pk}（{region}，{year} 年）正在进行，请等它完成后再发起").format(
                    pk=other.pk, region=other.region.name, year=other.year
                )
            )


def _policy_years(region: Region) -> list[int]:
    """The years with a poverty line that can apply somewhere in `region`: national, set for
    one of its ancestors, or for a place inside it (a village's own version counts)."""
    ancestors = [region.path[:i] for i in range(Region.steplen, len(region.path) + 1, Region.steplen)]
    within = Q(region__isnull=True) | Q(region__path__in=ancestors) | Q(region__path__startswith=region.path)
    versions = PolicyVersion.objects.current().filter(
        within, poverty_line__isnull=False, effective_from__lte=timezone.localdate()
    )
    return sorted(set(versions.values_list("year", flat=True)))


def _policy_frame(recheck: Recheck) -> tuple[pl.DataFrame, dict[int, PolicyVersion]]:
    """region id → the applicable version, as a frame for rules_bulk (villages and groups)."""
    places = Region.objects.filter(path__startswith=recheck.region.path, level__gte=RegionLevel.VILLAGE)
    chosen = {pk: p for pk, p in policies_for_regions(regions=places, year=recheck.year).items() if p is not None}
    rows = [
        {
            "region_id": pk,
            "policy_id": p.pk,
            "line": None if p.poverty_line is None else str(p.poverty_line),
            **{f"c_{c}": p.applies(c) for c in CRITERIA},
        }
        for pk, p in chosen.items()
    ]
    schema = {
        "region_id": pl.Int64,
        "policy_id": pl.Int64,
        "line": pl.String,
        **{f"c_{c}": pl.Boolean for c in CRITERIA},
    }
    return pl.DataFrame(rows, schema=schema), chosen


class _RuleStage:
    """Assess every registered household in columns and load the assessments in bulk."""

    def __init__(self, recheck: Recheck, progress: Progress, people: pl.DataFrame) -> None:
        self.recheck, self.progress, self.people = recheck, progress, people
        self.outcomes: dict[int, Counter] = defaultdict(Counter)  # region id → outcome counts
        self.no_policy = 0
        self.findings = 0

    def run(self) -> int:
        r, now = self.recheck, db_datetime(timezone.now())
        households, members = registered_frames(region=r.region, year=r.year, people=self.people)
        policies, _chosen = _policy_frame(r)
        self.progress.step(_("评估识别条件：{n} 户").format(n=households.height))
        result = evaluate_frame(households, members, policies, year=r.year)
        self.no_policy = households.height - result.height
        for region_id, outcome, n in result.group_by("region_id", "outcome").len().iter_rows():
            self.outcomes[region_id][outcome] += n
        missing = households.join(policies.select("region_id"), on="region_id", how="anti")
        for region_id, n in missing.group_by("region_id").len().iter_rows():
            self.outcomes[region_id]["no_policy"] += n
        self.progress.step(_("保存评估结果"))
        assessed = insert_frame(
            table(Assessment),
            result.select(
                "household_id",
                pl.lit(r.year).alias("year"),
                "policy_id",
                "inputs",
                "results",
                "outcome",
                pl.lit(r.pk).alias("recheck_id"),
                pl.lit(r.started_by_id, pl.Int64).alias("created_by_id"),
                pl.lit(now).alias("created"),
            ),
        )
        self.progress.advance(households.height)
        self._findings(result, now)
        return assessed

    def _findings(self, result: pl.DataFrame, now: str) -> None:
        """Still counted poor, yet income reaches the line and nothing else fails: a lead."""
        r = self.recheck
        # Rule leads are few (the other kinds are the bulk): read them, not a prefix index.
        prefix = f"R{r.year}:"
        existing = {
            fp
            for fp in Finding.objects.filter(kind=FindingKind.RULE).values_list("fingerprint", flat=True)
            if fp.startswith(prefix)
        }
        leads = result.filter(pl.col("rule_finding")).with_columns(
            (pl.lit(f"R{r.year}:") + pl.col("household_id").cast(pl.String)).alias("fingerprint")
        )
        leads = leads.filter(~pl.col("fingerprint").is_in(sorted(existing)))
        null_int = pl.lit(None, pl.Int64)
        self.findings = insert_frame(
            table(Finding),
            leads.select(
                "region_id",
                pl.lit(FindingKind.RULE.value).alias("kind"),
                "household_id",
                null_int.alias("member_id"),
                null_int.alias("other_member_id"),
                pl.lit("").alias("list_kind"),
                null_int.alias("comparison_id"),
                null_int.alias("row_id"),
                pl.lit(r.pk).alias("recheck_id"),
                pl.struct(year=pl.lit(r.year), value=pl.col("value"), line=pl.col("line"), policy=pl.col("policy_id"))
                .struct.json_encode()
                .alias("evidence"),
                "fingerprint",
                pl.lit(FindingStatus.OPEN.value).alias("status"),
                pl.lit("").alias("note"),
                null_int.alias("decided_by_id"),
                pl.lit(None, pl.String).alias("decided_at"),
                null_int.alias("application_id"),
                pl.lit(now).alias("created"),
            ),
        )


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


@contextmanager
def _bulk_settings() -> Iterator[None]:
    """Memory for the run's joins and indexes, for its duration only (inside its transaction).
    PostgreSQL: hash joins of the whole registry in memory, not in batches on disk (the
    default work_mem is 4 MB); SQLite: a page cache large enough for the indexes it inserts
    into (findings, assessments) instead of the default 2 MB."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET LOCAL work_mem = '256MB'")  # reset at the end of the transaction
        yield
        return
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        before = cur.fetchone()[0]
        cur.execute("PRAGMA cache_size = -262144")  # KiB: 256 MB
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA cache_size = {int(before)}")


def recheck_run(*, recheck: Recheck, progress: Progress) -> dict[str, Any]:
    """Execute a recorded campaign; returns the totals (also stored on the Recheck)."""
    r = Recheck.objects.select_related("region").get(pk=recheck.pk)
    timings: dict[str, float] = {}
    households = Household.objects.filter(
        registered=True, closed_on__isnull=True, region__path__startswith=r.region.path
    ).count()
    lists = list(ComparisonList.objects.filter(region__path__startswith=r.region.path).order_by("pk"))
    with transaction.atomic(), _bulk_settings():
        t0 = time.monotonic()
        sounds_preload()
        progress.start(households, _("评估识别条件：{n} 户").format(n=households))
        progress.step(_("读取建档立卡户"))
        people = open_members_frame(region=r.region, year=r.year)
        stage = _RuleStage(r, progress, people)
        assessed = stage.run()
        timings["rules"] = round(time.monotonic() - t0, 2)

        t0 = time.monotonic()
        progress.start(len(lists), _("部门名单比对：{n} 份").format(n=len(lists)))
        progress.step(_("比对 {n} 份名单").format(n=len(lists)))
        matched = comparisons_match(comparisons=lists, recheck=r)
        progress.advance(len(lists))
        timings["comparisons"] = round(time.monotonic() - t0, 2)

        t0 = time.monotonic()
        progress.start(1, _("重复人员检查"))
        dups = duplicates_find(region=r.region, recheck=r, people=people)
        del people
        progress.advance(1)
        timings["duplicates"] = round(time.monotonic() - t0, 2)

        t0 = time.monotonic()
        summary = _summary(r, stage.outcomes)
        timings["summary"] = round(time.monotonic() - t0, 2)
        totals = {
            "households": households,
            "assessed": assessed,
            "no_policy": stage.no_policy,
            "rule_findings": stage.findings,
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
