"""Reading applications, findings, lists and re-checks — always through the user's scope."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from fupin.accounts.scoping import region_q, scope_paths
from fupin.core.choices import JobStatus
from fupin.core.models import Job
from fupin.identification.models import (
    Application,
    Assessment,
    ComparisonList,
    Finding,
    NeedsCheck,
    PolicyVersion,
    Recheck,
)
from fupin.identification.models.workflow import CLOSED_STEPS, NOTICE_STEPS
from fupin.identification.selectors.policy import policies_for_regions
from fupin.regions.models import Region
from fupin.registry.models import Member

DEFAULT_OVERDUE_DAYS = 15


def holds(user: Any, perm: str) -> bool:
    """Whether the user holds `perm` on any region (for pages that are not about one object)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return bool(scope_paths(user, perm))


def _head_name() -> Subquery:
    head = Member.objects.filter(household=OuterRef("household_id"), relation="01", ended_on__isnull=True)
    return Subquery(head.values("name")[:1])


def application_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Application]:
    filters = filters or {}
    qs = (
        Application.objects.for_user(user, "view")
        .select_related("household__region", "proposed_by")
        .annotate(head_name=_head_name())
    )
    if step := filters.get("step"):
        qs = qs.filter(step=step) if step != "open" else qs.exclude(step__in=CLOSED_STEPS)
    if kind := filters.get("kind"):
        qs = qs.filter(kind=kind)
    if region := filters.get("region"):
        qs = qs.filter(household__region__path__startswith=region.path)
    if filters.get("overdue"):
        qs = qs.filter(overdue_q(qs))
    return qs.order_by("step_since", "pk")


def overdue_days_by_region(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """(region id, year) → the policy's `step_overdue_days` (a default when no policy applies)."""
    by_year: dict[int, set[int]] = defaultdict(set)
    for region_id, year in pairs:
        by_year[year].add(region_id)
    out: dict[tuple[int, int], int] = {}
    for year, region_ids in by_year.items():
        policies = policies_for_regions(regions=Region.objects.filter(pk__in=region_ids), year=year)
        for region_id, p in policies.items():
            out[(region_id, year)] = p.step_overdue_days if p else DEFAULT_OVERDUE_DAYS
    return out


def overdue_q(qs: QuerySet[Application]) -> Q:
    """Open applications whose notice period is over, or whose step has waited longer than the
    policy's limit for their region and year."""
    today, now = timezone.localdate(), timezone.now()
    open_apps = qs.exclude(step__in=CLOSED_STEPS)
    pairs = set(open_apps.values_list("household__region_id", "year").distinct())
    by_days: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pair, days in overdue_days_by_region(pairs).items():
        by_days[days].append(pair)
    q = Q(step__in=NOTICE_STEPS, notice_until__lt=today)
    for days, group in by_days.items():
        # Whole days, as `mark_overdue` counts them: overdue once more than `days` full days
        # have passed, i.e. from the (days + 1)-th day of waiting.
        since = now - dt.timedelta(days=days + 1)
        for region_id, year in group:
            q |= Q(household__region_id=region_id, year=year, step_since__lte=since)
    return q & ~Q(step__in=CLOSED_STEPS)


def mark_overdue(apps: list[Application]) -> None:
    """Set `notice_over`, `waiting_days` and `overdue` on each open application of a page."""
    today, now = timezone.localdate(), timezone.now()
    limits = overdue_days_by_region({(a.household.region_id, a.year) for a in apps if a.is_open})
    for a in apps:
        waiting = (now - a.step_since).days
        notice_over = bool(a.in_notice and a.notice_until and a.notice_until < today)
        limit = limits.get((a.household.region_id, a.year), DEFAULT_OVERDUE_DAYS)
        # Annotations for the page (like a queryset annotation, computed in Python).
        vars(a).update(
            waiting_days=waiting,
            notice_over=notice_over,
            overdue_limit=limit,
            overdue=a.is_open and (notice_over or waiting > limit),
        )


def application_get(*, user: Any, pk: int) -> Application:
    return (
        Application.objects.for_user(user, "view")
        .select_related("household__region", "proposed_by", "comparison", "member")
        .annotate(head_name=_head_name())
        .get(pk=pk)
    )


def notice_applications(*, user: Any, region: Region, stage: str) -> QuerySet[Application]:
    """Applications of `region` (a village) in a notice stage, for the printable notice."""
    qs = (
        Application.objects.for_user(user, "view")
        .filter(household__region__path__startswith=region.path)
        .select_related("household__region")
        .annotate(head_name=_head_name())
    )
    if stage == "announcement":
        recent = timezone.localdate() - dt.timedelta(days=30)
        return qs.filter(Q(step="announcement") | Q(step="done", announced_on__gte=recent)).order_by("kind", "pk")
    return qs.filter(step=stage).order_by("kind", "pk")


def finding_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Finding]:
    filters = filters or {}
    qs = Finding.objects.for_user(user, "view").select_related(
        "region", "household", "member", "other_member__household", "comparison"
    )
    status = filters.get("status", "open")
    if status and status != "all":
        qs = qs.filter(status=status)
    for name in ("kind", "list_kind"):
        if value := filters.get(name):
            qs = qs.filter(**{name: value})
    if region := filters.get("region"):
        qs = qs.filter(region__path__startswith=region.path)
    if recheck := filters.get("recheck"):
        qs = qs.filter(recheck_id=recheck)
    if comparison := filters.get("comparison"):
        qs = qs.filter(comparison_id=comparison)
    return qs.order_by("region__path", "household_id", "pk")


def finding_get(*, user: Any, pk: int) -> Finding:
    return (
        Finding.objects.for_user(user, "view")
        .select_related(
            "region",
            "household__region",
            "member",
            "other_member__household",
            "comparison",
            "row",
            "application",
            "decided_by",
            "recheck",
        )
        .get(pk=pk)
    )


def comparison_list(*, user: Any) -> QuerySet[ComparisonList]:
    return ComparisonList.objects.for_user(user, "view").select_related("region", "uploaded_by", "job")


RECHECK_VIEW = "identification.view_recheck"


def _ancestor_paths(paths: list[str]) -> set[str]:
    """Every path that is a prefix (ancestor or self) of one of `paths`."""
    step = Region.steplen
    return {p[:i] for p in paths for i in range(step, len(p) + 1, step)}


def recheck_list(*, user: Any) -> QuerySet[Recheck]:
    """Re-checks run within the user's scope, and those run over a larger region that covers
    it (a district campaign is the township's campaign too; its detail shows only the
    township's rows, see `recheck_townships`)."""
    qs = Recheck.objects.select_related("region", "started_by", "job")
    if getattr(user, "is_superuser", False) and user.is_active:
        return qs
    paths = scope_paths(user, RECHECK_VIEW)
    if not paths:
        return qs.none()
    return qs.filter(Q(region__path__in=_ancestor_paths(paths)) | region_q(paths, "region"))


def recheck_covers_scope(*, user: Any, recheck: Recheck) -> bool:
    """Whether the whole campaign lies within the user's scope (so its totals may be shown)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return any(recheck.region.path.startswith(p) for p in scope_paths(user, RECHECK_VIEW))


def recheck_townships(*, user: Any, recheck: Recheck) -> list[dict[str, Any]]:
    """The campaign's per-township rows the user may see (their findings' scope)."""
    return _visible_townships(user, [recheck])[recheck.pk]


def _visible_townships(user: Any, rechecks: list[Recheck]) -> dict[int, list[dict[str, Any]]]:
    """`recheck_townships` for several campaigns at once: one query for all their townships."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return {r.pk: list(r.summary.get("townships", [])) for r in rechecks}
    paths = scope_paths(user, "identification.view_finding")
    ids = {t["id"] for r in rechecks for t in r.summary.get("townships", [])}
    by_id = dict(Region.objects.filter(pk__in=ids).values_list("pk", "path")) if ids and paths else {}

    def visible(t: dict[str, Any]) -> bool:
        # Township rows are the finest grain of the summary; the queue behind each link scopes itself again.
        return any(by_id.get(t["id"], "\0").startswith(p) for p in paths)

    return {r.pk: [t for t in r.summary.get("townships", []) if visible(t)] for r in rechecks}


def recheck_summaries(*, user: Any, rechecks: list[Recheck]) -> dict[int, dict[str, Any]]:
    """Each campaign's summary as its detail page shows it to `user`: only the township rows
    in their scope, and the campaign-wide totals only when the whole campaign region is theirs
    (a township reviewer reading a district campaign sees their own row, not the district's)."""
    townships = _visible_townships(user, rechecks)
    out: dict[int, dict[str, Any]] = {}
    for r in rechecks:
        summary = dict(r.summary)
        if "townships" in summary:
            summary["townships"] = townships[r.pk]
        if not recheck_covers_scope(user=user, recheck=r):
            summary.pop("totals", None)
        out[r.pk] = summary
    return out


def household_assessments(*, user: Any, household: Any) -> QuerySet[Assessment]:
    return (
        Assessment.objects.for_user(user, "view")
        .filter(household=household)
        .select_related("policy", "created_by")
        .order_by("-created", "-id")
    )


def household_needs(*, user: Any, household: Any) -> QuerySet[NeedsCheck]:
    return NeedsCheck.objects.for_user(user, "view").filter(household=household).select_related("checked_by")


def policy_versions() -> QuerySet[PolicyVersion]:
    return PolicyVersion.objects.select_related("created_by", "supersedes")


def pending_uploads(*, user: Any) -> list[Job]:
    """The user's own uploads of the last week that have not become a list: queued, running
    or failed. The upload lands on this page, so a list still being compared (or one that
    failed) is named here with a link to its progress and log rather than simply missing."""
    since = timezone.now() - dt.timedelta(days=7)
    jobs = list(
        Job.objects.filter(kind="compare", actor=user, created__gte=since)
        .exclude(status=JobStatus.DONE)
        .defer("log")
        .order_by("-created")[:10]
    )
    done = set(ComparisonList.objects.filter(job__in=jobs).values_list("job_id", flat=True))
    return [j for j in jobs if j.pk not in done]
