"""Background jobs of the exchange: preview and load of an uploaded batch, and large exports.
Each re-resolves its starter's scope when it runs."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.core.files import File
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.core.jobs import Progress, runner
from fupin.core.models import Job
from fupin.exchange.models import ImportBatch
from fupin.exchange.services.batches import IMPORT_JOB, PREVIEW_JOB, batch_load, batch_preview
from fupin.exchange.services.summary import summary_lines

EXPORT_JOB = "exchange.export"
# Queued by the identification queue page (fupin.identification.views.review.FINDINGS_EXPORT_JOB).
FINDINGS_JOB = "exchange.findings"


@runner(PREVIEW_JOB)
def run_preview(job: Job, progress: Progress) -> dict[str, Any]:
    batch = ImportBatch.objects.get(pk=job.params["batch"])
    result = batch_preview(batch=batch, actor=job.actor, progress=progress)
    for line in summary_lines(result):
        progress.log(line)
    return {"status": str(batch.get_status_display()), "errors": result.issues.error_count}


@runner(IMPORT_JOB)
def run_import(job: Job, progress: Progress) -> dict[str, Any]:
    batch = ImportBatch.objects.get(pk=job.params["batch"])
    result = batch_load(batch=batch, actor=job.actor, progress=progress, job=job)
    for line in summary_lines(result):
        progress.log(line)
    totals = result.totals()
    return {
        "status": str(batch.get_status_display()),
        **{_("户：{k}").format(k=k): v for k, v in totals.get("households", {}).items()},
        **{_("人员：{k}").format(k=k): v for k, v in totals.get("members", {}).items()},
        "errors": result.issues.error_count,
    }


@runner(EXPORT_JOB)
def run_export(job: Job, progress: Progress) -> dict[str, Any]:
    from fupin.exchange.services.exports import export_households
    from fupin.exchange.views import selected_households

    query = QueryDict(mutable=True)
    for key, values in job.params.get("query", {}).items():
        query.setlist(key, values)
    fmt = job.params.get("format", "xlsx")
    ids = selected_households(job.actor, query)
    progress.start(len(ids), _("导出人员明细"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"export.{fmt}"
        rows = export_households(
            path,
            household_ids=ids,
            fmt=fmt,
            user=job.actor,
            year=int(str(query["year"])) if str(query.get("year", "")).isdigit() else None,
            progress=progress.advance,
        )
        with path.open("rb") as fh:
            job.result_file.save(_("人员明细.{ext}").format(ext=fmt), File(fh), save=False)
    return {"households": len(ids), "rows": rows}


@runner(FINDINGS_JOB, label=gettext_lazy("导出核查清单"))
def run_findings_export(job: Job, progress: Progress) -> dict[str, Any]:
    """The verification queue's export, started from its page: the starter's filters and scope
    read again now (a cadre whose scope changed meanwhile exports only what is theirs now)."""
    from fupin.exchange.services.findings import findings_export, findings_title
    from fupin.identification.selectors.queue import finding_filters
    from fupin.identification.selectors.workflow import finding_list

    query = QueryDict(mutable=True)
    for key, values in job.params.get("query", {}).items():
        query.setlist(key, values)
    fmt = "csv" if job.params.get("format") == "csv" else "xlsx"
    filters = finding_filters(user=job.actor, query=query)
    findings = finding_list(user=job.actor, filters=filters)
    progress.start(findings.count(), _("导出核查清单"))
    title = findings_title(user=job.actor, region=filters["region"])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"findings.{fmt}"
        rows = findings_export(path, findings=findings, fmt=fmt, title=title, progress=progress.advance)
        with path.open("rb") as fh:
            job.result_file.save(f"{title}.{fmt}", File(fh), save=False)
    return {"rows": rows, "format": fmt}
