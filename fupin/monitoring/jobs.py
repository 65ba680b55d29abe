"""Background jobs of monitoring: the yearly screening (`fupin monitor`, the dashboard button)."""

from __future__ import annotations

from typing import Any

from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource
from fupin.core.jobs import Progress, runner
from fupin.core.models import Job
from fupin.monitoring.screening.run import screening_run


@runner("monitor")
def run_monitor(job: Job, progress: Progress) -> dict[str, Any]:
    ctx = Context(actor=job.actor, source=ChangeSource.JOB, batch_id=job.pk)
    return screening_run(ctx=ctx, year=int(job.params["year"]), progress=progress)
