"""Background jobs of identification: comparing an uploaded list, and the re-check campaign."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource
from fupin.core.jobs import Progress, runner
from fupin.core.models import Job
from fupin.identification.models import Recheck
from fupin.identification.services.comparison import comparison_run_file
from fupin.identification.services.recheck import recheck_run
from fupin.regions.models import Region


@runner("compare")
def run_compare(job: Job, progress: Progress) -> dict[str, Any]:
    p = job.params
    ctx = Context(actor=job.actor, source=ChangeSource.JOB, batch_id=job.pk)
    path = Path(p["path"]) if p.get("path") else Path(job.input_file.path)
    c = comparison_run_file(
        ctx=ctx,
        path=path,
        file_name=p.get("file_name") or path.name,
        region=Region.objects.get(pk=p["region_id"]),
        kind=p["kind"],
        kind_name=p.get("kind_name", ""),
        job=job,
        progress=progress,
    )
    return {
        "comparison_id": c.pk,
        "rows_valid": c.rows_valid,
        "invalid": c.invalid_count,
        "matched": c.matched,
        "unmatched": c.unmatched,
        "findings": c.findings,
        "candidates": c.candidates,
    }


@runner("recheck")
def run_recheck(job: Job, progress: Progress) -> dict[str, Any]:
    recheck = Recheck.objects.get(pk=job.params["recheck_id"])
    return {"recheck_id": recheck.pk, **recheck_run(recheck=recheck, progress=progress)}
