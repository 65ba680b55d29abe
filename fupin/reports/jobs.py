"""Background jobs of the reports: ledgers, village handbooks and the data-quality audit.
Each re-resolves the starter's scope when it runs, so a job queued before a role was
withdrawn cannot export more than its starter may still see."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.core.files import File
from django.utils.translation import gettext as _

from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource
from fupin.core.jobs import Progress, runner
from fupin.core.models import Job
from fupin.regions.models import Region
from fupin.reports.scope import resolve_scope

LEDGER, HANDBOOK, AUDIT = "reports.ledger", "reports.handbook", "reports.audit"


def _region(params: dict[str, Any]) -> Region | None:
    return Region.objects.get(pk=params["region_id"]) if params.get("region_id") else None


def _save(job: Job, path: Path, name: str) -> None:
    with path.open("rb") as fh:
        job.result_file.save(name, File(fh), save=False)


@runner(LEDGER)
def run_ledger(job: Job, progress: Progress) -> dict[str, Any]:
    from fupin.reports.ledgers.build import ledger_filename, ledger_write

    p = job.params
    region = _region(p)
    scope = resolve_scope(user=job.actor, region=region, perm="reports.export_ledger")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.xlsx"
        rows = ledger_write(kind=p["kind"], scope=scope, year=p["year"], user=job.actor, path=path, progress=progress)
        name = ledger_filename(p["kind"], region.code if region else "", p["year"])
        _save(job, path, name)
    progress.step(_("已生成 {rows} 行").format(rows=rows))
    return {"rows": rows, "file": name}


@runner(HANDBOOK)
def run_handbook(job: Job, progress: Progress) -> dict[str, Any]:
    from fupin.reports.services.handbook import village_handbook_pdf

    p = job.params
    region = Region.objects.get(pk=p["region_id"])
    pdf, count = village_handbook_pdf(user=job.actor, village=region, year=p["year"], progress=progress)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "handbook.pdf"
        path.write_bytes(pdf)
        name = _("扶贫手册_{name}_{year}.pdf").format(name=region.name, year=p["year"])
        _save(job, path, name)
    return {"households": count, "file": name}


@runner(AUDIT)
def run_audit(job: Job, progress: Progress) -> dict[str, Any]:
    from fupin.reports.services.audit import audit_run

    p = job.params
    ctx = Context(actor=job.actor, source=ChangeSource.JOB, batch_id=job.pk)
    run = audit_run(ctx=ctx, region=Region.objects.get(pk=p["region_id"]), year=p["year"], progress=progress)
    return {"audit_run": run.pk, "households": run.households, "flagged": run.flagged, "score": run.score}
