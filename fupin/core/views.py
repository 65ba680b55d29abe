"""Home, health check and the pages of background jobs.

A job belongs to whoever started it. Superusers and holders of `core.view_job` (the district
office) see every job's status; the result file, which may hold personal data of the
starter's scope, downloads only for its starter and superusers.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from fupin.core.joblabels import labelled_items
from fupin.core.jobresults import job_result_url
from fupin.core.jobs import job_progress as progress_of
from fupin.core.models import Job

JOB_OVERSIGHT = "core.view_job"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each person lands where their work is: a cadre on their own page, a donor on theirs.

    The reverse one-to-one names (`cadre`, `donor`) keep core free of imports from the apps above."""
    if getattr(request.user, "cadre", None) is not None:
        return redirect("assistance:me")
    if getattr(request.user, "donor", None) is not None:
        return redirect("assistance:donor_home")
    return redirect("registry:household_list")


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"ok": True})


def oversees_jobs(user: Any) -> bool:
    """Superusers, and users whose valid role grants core.view_job (see RoleBackend)."""
    return user.is_superuser or user.has_perm(JOB_OVERSIGHT)


def jobs_for_user(user: Any) -> QuerySet[Job]:
    qs = Job.objects.select_related("actor")
    return qs if oversees_jobs(user) else qs.filter(actor=user)


def may_view_job(user: Any, job: Job | None) -> bool:
    """Whether `user` may open the page of `job` (the same rule as `jobs_for_user`)."""
    if job is None or not getattr(user, "is_authenticated", False):
        return False
    return job.actor_id == user.pk or oversees_jobs(user)


def may_download(user: Any, job: Job) -> bool:
    return bool(job.result_file) and (user.is_superuser or job.actor_id == user.pk)


def _job(request: HttpRequest, pk: Any) -> Job:
    try:
        return jobs_for_user(request.user).get(pk=pk)
    except Job.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(jobs_for_user(request.user).defer("log", "params"), 25).get_page(request.GET.get("page"))
    return render(request, "core/job_list.html", {"page": page})


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    job = _job(request, pk)
    return render(
        request,
        "core/job_detail.html",
        {
            "job": job,
            "progress": progress_of(job),
            "can_download": may_download(request.user, job),
            "result_url": job_result_url(job=job, user=request.user),
            "result_items": labelled_items(job.result),
            "param_items": labelled_items(job.params),
        },
    )


@login_required
@require_GET
def job_progress(request: HttpRequest, pk: Any) -> HttpResponse:
    job = _job(request, pk)
    response = render(request, "core/_job_progress.html", {"job": job, "progress": progress_of(job)})
    if job.is_finished and request.headers.get("HX-Request"):
        # Reload the page once so that the log, result and download link appear; the
        # finished page has no polling, so this happens exactly once.
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def job_download(request: HttpRequest, pk: Any) -> FileResponse:
    job = _job(request, pk)
    if not may_download(request.user, job):
        raise Http404
    try:
        handle = job.result_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=(job.result_file.name or "result").rsplit("/", 1)[-1])
