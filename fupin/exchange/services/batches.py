"""The web path of an import: upload → preview (a dry run) → confirm → load as a job.

Every step re-checks that the actor may import (`exchange.add_importbatch`) and the import
itself checks every household against the actor's scope, so a district office cannot load
households of another district even with a crafted file.
"""

from __future__ import annotations

import contextlib
import hashlib
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.accounts.scoping import scope_paths
from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource
from fupin.core.errors import ApplicationError, ScopeError
from fupin.core.jobs import job_enqueue
from fupin.core.models import Job
from fupin.exchange.choices import BatchStatus
from fupin.exchange.models import ImportBatch
from fupin.exchange.report import write_report
from fupin.exchange.services.imports import IMPORT_PERM, ImportResult, apply_result, import_file
from fupin.regions.models import Region

ALLOWED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")
# A file up to this size (about 20,000 persons) is previewed while the user waits; a larger
# one is previewed by a background job with a progress bar.
INLINE_PREVIEW_BYTES = {".csv": 8 * 1024 * 1024}
INLINE_PREVIEW_DEFAULT = 2 * 1024 * 1024
PREVIEW_JOB, IMPORT_JOB = "exchange.preview", "exchange.import"


def _scope_root(user: Any) -> Region | None:
    paths = scope_paths(user, IMPORT_PERM)
    if not paths:
        return None
    return Region.objects.filter(path=paths[0]).first()


def can_import(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) or scope_paths(user, IMPORT_PERM))


def batch_upload(*, ctx: Context, upload: Any, year: int, valid_only: bool = False) -> ImportBatch:
    """Store an uploaded file as a batch waiting for its preview."""
    if not can_import(ctx.actor):
        raise ScopeError("out of scope")
    name = Path(getattr(upload, "name", "upload")).name
    if Path(name).suffix.lower() not in ALLOWED_SUFFIXES:
        raise ApplicationError(_("只能导入 .xlsx 或 .csv 文件"))
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    batch = ImportBatch(
        actor=ctx.actor,
        region=_scope_root(ctx.actor),
        file_name=name[:255],
        sha256=digest.hexdigest(),
        year=year,
        valid_only=valid_only,
    )
    batch.file.save(name, upload, save=False)
    batch.save()
    return batch


def previews_inline(batch: ImportBatch) -> bool:
    suffix = Path(batch.file_name).suffix.lower()
    return batch.file.size <= INLINE_PREVIEW_BYTES.get(suffix, INLINE_PREVIEW_DEFAULT)


@contextlib.contextmanager
def local_file(batch: ImportBatch) -> Iterator[Path]:
    """The uploaded file as a local path (copied when the storage is not a local disk)."""
    try:
        yield Path(batch.file.path)
        return
    except NotImplementedError:
        pass
    suffix = Path(batch.file_name).suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp, batch.file.open("rb") as src:
        for chunk in iter(lambda: src.read(1 << 20), b""):
            tmp.write(chunk)
        tmp.flush()
        yield Path(tmp.name)


def _save_report(batch: ImportBatch, result: ImportResult, source: Path) -> None:
    if not result.issues.items:
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.xlsx"
        write_report(path, issues=result.issues, source=source, file_name=batch.file_name)
        with path.open("rb") as fh:
            stem = Path(batch.file_name).stem[:60]
            batch.report.save(_("{name}-问题报告.xlsx").format(name=stem), File(fh), save=False)


def _context(actor: Any) -> Context:
    return Context(actor=actor, source=ChangeSource.IMPORT)


def batch_preview(*, batch: ImportBatch, actor: Any, progress: Any = None) -> ImportResult:
    """Dry-run the batch as `actor`: what would be created, updated, unchanged and rejected."""
    if not can_import(actor):
        raise ScopeError("out of scope")
    with local_file(batch) as path:
        result = import_file(
            path=path,
            ctx=_context(actor),
            year=batch.year,
            dry_run=True,
            valid_only=batch.valid_only,
            scope_user=actor,
            progress=progress,
            batch=batch,
            file_name=batch.file_name,
        )
        _save_report(batch, result, path)
    apply_result(batch, result)
    batch.status = BatchStatus.PREVIEWED if result.status != BatchStatus.REJECTED else BatchStatus.REJECTED
    if result.issues.fatal:
        batch.status = BatchStatus.REJECTED
    batch.save()
    return result


def batch_preview_start(*, batch: ImportBatch, actor: Any) -> Job | None:
    """Preview now when the file is small, else queue a preview job (returned)."""
    if previews_inline(batch):
        batch_preview(batch=batch, actor=actor)
        return None
    batch.status = BatchStatus.PREVIEWING
    job = job_enqueue(kind=PREVIEW_JOB, actor=actor, params={"batch": str(batch.pk)})
    batch.job = job
    batch.save(update_fields=["status", "job"])
    return job


def may_confirm(batch: ImportBatch) -> bool:
    """A previewed batch loads when it has no errors, or when only its valid households are asked for."""
    if batch.status not in (BatchStatus.PREVIEWED, BatchStatus.REJECTED):
        return False
    first = batch.summary.get("issues", {}).get("first") or []
    return not any(i.get("kind") in ("file", "header", "missing_column") for i in first)


@transaction.atomic
def batch_confirm(*, ctx: Context, batch: ImportBatch, valid_only: bool) -> Job:
    """Queue the load of a previewed batch."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if not can_import(ctx.actor):
        raise ScopeError("out of scope")
    if not may_confirm(batch):
        raise ApplicationError(_("该批次当前状态为“{status}”，不能导入").format(status=batch.get_status_display()))
    if batch.errors and not valid_only:
        raise ApplicationError(_("文件有 {n} 处错误：请改正后重新上传，或选择“只导入无误的户”").format(n=batch.errors))
    batch.valid_only = valid_only
    batch.status = BatchStatus.QUEUED
    job = job_enqueue(kind=IMPORT_JOB, actor=ctx.actor, params={"batch": str(batch.pk), "valid_only": valid_only})
    batch.job = job
    batch.save(update_fields=["valid_only", "status", "job"])
    return job


def batch_load(*, batch: ImportBatch, actor: Any, progress: Any = None, job: Any = None) -> ImportResult:
    """Load the batch (the job's work). A file that turns out to have errors is rejected whole."""
    if not can_import(actor):
        raise ScopeError("out of scope")
    with local_file(batch) as path:
        result = import_file(
            path=path,
            ctx=_context(actor),
            year=batch.year,
            valid_only=batch.valid_only,
            scope_user=actor,
            progress=progress,
            batch=batch,
            file_name=batch.file_name,
            job=job,
        )
        batch.refresh_from_db()
        _save_report(batch, result, path)
    if result.status != BatchStatus.LOADED:
        apply_result(batch, result)
        batch.status = BatchStatus.REJECTED
        batch.finished = timezone.now()
    batch.save()
    return result
