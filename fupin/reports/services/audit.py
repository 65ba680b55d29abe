"""Running the data-quality audit and keeping its snapshot (AuditRun, per-village scores,
findings). The rules only read; this service writes the result in one transaction."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from fupin.core.changelog import Context, log_create
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.registry.services.common import check_scope
from fupin.reports.audit.rules import RULES, AuditContext, Row, Skip
from fupin.reports.models import AuditFinding, AuditRun, AuditVillageScore
from fupin.reports.scope import resolve_scope, village_of
from fupin.reports.selectors.visits import as_of_for

RUN_PERM = "reports.run_audit"


def audit_collect(ctx: AuditContext, progress: Any = None) -> dict[str, list[Row]]:
    """Every rule's findings (rule → rows); rules that cannot run land in `ctx.skipped`."""
    found: dict[str, list[Row]] = {}
    if progress is not None:
        progress.start(len(RULES), _("数据质量检查"))
    for code, rule in RULES.items():
        try:
            found[code] = list(rule(ctx))
        except Skip as exc:
            ctx.skipped[code] = exc.as_json()
            found[code] = []
        if progress is not None:
            progress.advance(1)
    return found


def audit_run(
    *, ctx: Context, region: Region, year: int, as_of: dt.date | None = None, progress: Any = None
) -> AuditRun:
    """Run every rule over `region` for `year` and store the run, its village scores and its
    findings; earlier runs of the same region keep their scores (the trend) but drop their
    findings (the latest list is the one to work through)."""
    check_scope(ctx, RUN_PERM, region)
    started = time.perf_counter()
    scope = resolve_scope(region=region)
    actx = AuditContext(scope=scope, year=year, as_of=as_of or as_of_for(year))
    found = audit_collect(actx, progress)

    regions = {r.pk: r for r in Region.objects.filter(scope.region_q("")).only("pk", "path", "level", "name")}
    villages = {r.path: r for r in regions.values() if r.level == RegionLevel.VILLAGE}
    households: dict[int, int] = defaultdict(int)
    for region_id, n in actx.households().values_list("region_id").annotate(n=Count("pk")).order_by():
        village = village_of(regions[region_id], villages)
        if village is not None:
            households[village.pk] += n
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    flagged: dict[int, set[int]] = defaultdict(set)
    for code, rows in found.items():
        for household_id, region_id, *_rest in rows:
            village = village_of(regions[region_id], villages)
            if village is not None:
                counts[village.pk][code] += 1
                flagged[village.pk].add(household_id)

    with transaction.atomic():
        check_scope(ctx, RUN_PERM, region)
        run = AuditRun.objects.create(
            region=region,
            year=year,
            as_of=actx.as_of,
            actor=ctx.actor if ctx.actor is not None else None,
            households=sum(households.values()),
            flagged=sum(len(s) for s in flagged.values()),
            counts={code: len(rows) for code, rows in found.items()},
            skipped=actx.skipped,
        )
        AuditVillageScore.objects.bulk_create(
            [
                AuditVillageScore(
                    run=run,
                    region_id=pk,
                    households=households.get(pk, 0),
                    flagged=len(flagged.get(pk, ())),
                    counts=dict(counts.get(pk, {})),
                )
                for pk in sorted(set(households) | set(flagged))
            ],
            batch_size=1000,
        )
        AuditFinding.objects.filter(run__region=region).exclude(run=run).delete()
        AuditFinding.objects.bulk_create(
            (
                AuditFinding(run=run, rule=code, household_id=hid, member_id=mid, message=message, params=params)
                for code, rows in found.items()
                for hid, _r, mid, message, params in rows
            ),
            batch_size=2000,
        )
        run.seconds = Decimal(str(round(time.perf_counter() - started, 2)))
        run.save(update_fields=["seconds"])
        log_create(ctx, run)
    return run
