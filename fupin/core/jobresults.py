"""Where a finished job's product lives: the import batch it loaded, the comparison list or
re-check it ran, the audit it wrote. The job page links there ("查看结果").

Core sits below the apps (see the import-linter layers), so the kinds are mapped here by data:
the URL name, where the job keeps the object's id, and the model by its label. The model is
looked up at run time and asked, through its region-scoped `for_user`, whether the reader may
see the object; the target view still answers 404 on its own. Jobs whose product is a file
(exports, ledgers, handbooks) have the download button instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import reverse

from fupin.core.choices import JobStatus
from fupin.core.models import Job


@dataclass(frozen=True)
class ResultTarget:
    url_name: str
    source: str  # "params" or "result": the JSON of the job that holds the id
    key: str
    model: str  # app_label.ModelName
    region_query: bool = False  # the page takes the object's region as ?region=, not its id


RESULT_TARGETS: dict[str, ResultTarget] = {
    "exchange.preview": ResultTarget("exchange:batch_detail", "params", "batch", "exchange.ImportBatch"),
    "exchange.import": ResultTarget("exchange:batch_detail", "params", "batch", "exchange.ImportBatch"),
    "compare": ResultTarget(
        "identification:comparison_detail", "result", "comparison_id", "identification.ComparisonList"
    ),
    "recheck": ResultTarget("identification:recheck_detail", "result", "recheck_id", "identification.Recheck"),
    "reports.audit": ResultTarget("reports:audit", "result", "audit_run", "reports.AuditRun", region_query=True),
}


def job_result_url(*, job: Job, user: Any) -> str:
    """The page of what `job` produced, or "" when it did not succeed, produced nothing to open,
    or produced something outside `user`'s scope."""
    target = RESULT_TARGETS.get(job.kind)
    if target is None or job.status != JobStatus.DONE:
        return ""
    data = getattr(job, target.source)
    pk = data.get(target.key) if isinstance(data, dict) else None
    if pk in (None, ""):
        return ""
    objects = apps.get_model(target.model).objects
    found = objects.for_user(user, "view").filter(pk=pk)
    if target.region_query:
        region_id = found.values_list("region_id", flat=True).first()
        return f"{reverse(target.url_name)}?region={region_id}" if region_id is not None else ""
    return reverse(target.url_name, args=[pk]) if found.exists() else ""
