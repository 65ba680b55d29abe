"""Pages of the exchange: upload a workbook, preview what it will do, confirm, follow the
load's progress, download the problem report; and export the household list's selection."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fupin.accounts.scoping import scope_paths
from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource
from fupin.core.errors import ApplicationError, ScopeError
from fupin.core.jobs import job_enqueue, job_progress
from fupin.exchange.choices import BatchStatus, ExportLayout
from fupin.exchange.forms import UploadForm
from fupin.exchange.issues import INFO, KIND_LABELS, WARNING
from fupin.exchange.models import ImportBatch
from fupin.exchange.services.batches import batch_confirm, batch_preview_start, batch_upload, can_import, may_confirm
from fupin.exchange.services.exports import EXPORT, export_households, export_scope
from fupin.identification.selectors.imports import eligible_households, import_scope

EXPORT_INLINE_LIMIT = 5000
VIEW_PERM = "exchange.view_importbatch"


def _batch(request: HttpRequest, pk: Any, action: str = "view") -> ImportBatch:
    try:
        return ImportBatch.objects.for_user(request.user, action).select_related("job", "actor").get(pk=pk)
    except ImportBatch.DoesNotExist:
        raise Http404 from None


def _may_view(user: Any) -> bool:
    return bool(user.is_superuser or scope_paths(user, VIEW_PERM))


def _job_url(job: Any) -> str:
    try:
        return reverse("core:job_detail", args=[job.pk])
    except NoReverseMatch:
        return ""


@login_required
@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    if not _may_view(request.user):
        raise PermissionDenied
    batches = ImportBatch.objects.for_user(request.user, "view").select_related("actor")
    page = Paginator(batches, 25).get_page(request.GET.get("page"))
    return render(request, "exchange/import_list.html", {"page": page, "can_import": can_import(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    if not can_import(request.user):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        ctx = Context(actor=request.user, source=ChangeSource.FORM)
        try:
            batch = batch_upload(
                ctx=ctx,
                upload=form.cleaned_data["file"],
                year=form.cleaned_data["year"],
                valid_only=form.cleaned_data["valid_only"],
            )
        except ApplicationError as exc:
            form.add_error("file", exc.message)
        else:
            job = batch_preview_start(batch=batch, actor=request.user)
            if job is not None:
                messages.info(request, _("文件较大，正在后台预检，完成后本页会自动刷新。"))
            return redirect("exchange:batch_detail", pk=batch.pk)
    return render(request, "exchange/import_upload.html", {"form": form})


def _sheet_rows(sheets: list[dict]) -> list[dict]:
    """The summary's sheets with their layout named in the reader's language (the summary
    stores the layout's Chinese title; the sheet's own name is the user's and stays)."""
    labels = dict(ExportLayout.choices)
    return [{**s, "title": str(labels.get(s.get("layout", ""), s.get("title", "")))} for s in sheets]


def _issue_rows(items: list[dict]) -> list[dict]:
    return [{**i, "kind_label": str(KIND_LABELS.get(i.get("kind", ""), i.get("kind", "")))} for i in items]


def _warnings_and_notes(issues: dict[str, Any]) -> dict[str, Any]:
    """Warnings and notes (ignored columns, skipped sheets) apart, each with its own count: a
    note under a heading counting warnings read "提醒 0 处" above a list. A summary stored
    before notes were counted apart finds its notes among its warnings."""
    first = issues.get("first_warnings", [])
    warnings = [i for i in first if i.get("severity") == WARNING]
    notes = issues.get("first_notes", [i for i in first if i.get("severity") == INFO])
    return {
        "warnings": _issue_rows(warnings[:50]),
        "warning_count": max(issues.get("warnings", 0), len(warnings)),
        "notes": _issue_rows(notes[:50]),
        "note_count": max(issues.get("notes", 0), len(notes)),
    }


@login_required
@require_GET
def batch_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    batch = _batch(request, pk)
    summary = batch.summary or {}
    issues = summary.get("issues", {})
    job = batch.job
    context = {
        "batch": batch,
        "summary": summary,
        "sheets": _sheet_rows(summary.get("sheets", [])),
        "errors": _issue_rows(issues.get("first", [])[:50]),
        **_warnings_and_notes(issues),
        "by_kind": issues.get("by_kind", []),
        "ended": summary.get("ended", []),
        "job": job,
        "job_url": _job_url(job) if job else "",
        "progress": job_progress(job) if job else None,
        "can_confirm": can_import(request.user) and may_confirm(batch),
        "applications_url": _applications_url(request, batch),
    }
    return render(request, "exchange/batch_detail.html", context)


def _applications_url(request: HttpRequest, batch: ImportBatch) -> str:
    """The page that opens identification cases for the batch's unregistered households, when
    the loaded batch brought some in within the reader's scope and the reader may open them."""
    if batch.status != BatchStatus.LOADED:
        return ""
    paths = import_scope(request.user)
    if paths == [] or not eligible_households(batch=batch.pk, paths=paths).exists():
        return ""
    return reverse("identification:import_applications", args=[batch.pk])


@login_required
@require_POST
def batch_confirm_view(request: HttpRequest, pk: Any) -> HttpResponse:
    batch = _batch(request, pk, "add")
    ctx = Context(actor=request.user, source=ChangeSource.FORM)
    try:
        batch_confirm(ctx=ctx, batch=batch, valid_only=request.POST.get("valid_only") == "1")
    except ScopeError:
        raise Http404 from None
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已开始导入，可在本页查看进度。"))
    return redirect("exchange:batch_detail", pk=batch.pk)


@login_required
@require_GET
def batch_report(request: HttpRequest, pk: Any) -> FileResponse:
    batch = _batch(request, pk)
    if not batch.report:
        raise Http404
    try:
        handle = batch.report.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=(batch.report.name or "report.xlsx").rsplit("/", 1)[-1])


# ------------------------------------------------------------------------------ export


def selected_households(user: Any, query: QueryDict) -> list[int]:
    """The household list's selection (its filters and the user's scope), narrowed to where
    the user may export, as ids in code order."""
    from fupin.registry.forms import HouseholdFilterForm
    from fupin.registry.selectors import household_list

    form = HouseholdFilterForm(query or None, user=user)
    households = export_scope(user, household_list(user=user, filters=form.selector_filters()))
    return list(households.order_by("code").values_list("id", flat=True))


@login_required
@require_GET
def household_export(request: HttpRequest) -> HttpResponse:
    if not (request.user.is_superuser or scope_paths(request.user, EXPORT)):
        raise PermissionDenied
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    ids = selected_households(request.user, request.GET)
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else None
    if len(ids) > EXPORT_INLINE_LIMIT:
        job = job_enqueue(
            kind="exchange.export",
            actor=request.user,
            params={"query": {k: request.GET.getlist(k) for k in request.GET}, "format": fmt},
        )
        messages.info(request, _("共 {n} 户，导出在后台进行，完成后可下载。").format(n=len(ids)))
        return redirect(_job_url(job) or reverse("exchange:import_list"))
    buffer = io.BytesIO()
    export_households(buffer, household_ids=ids, fmt=fmt, user=request.user, year=year)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    content_type = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    filename = f"roster-{stamp}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
