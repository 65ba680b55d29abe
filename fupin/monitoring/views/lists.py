"""Department lists (upload and results) and the monitoring thresholds (versions)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fupin.accounts.scoping import regions_for_user
from fupin.core.jobs import job_enqueue
from fupin.monitoring import selectors
from fupin.monitoring.forms import ListUploadForm, PolicyForm
from fupin.monitoring.models import Alert, MonitoringPolicy
from fupin.monitoring.services.lists import department_list_upload
from fupin.monitoring.services.policy import POLICY_FIELDS, monitoring_policy_create
from fupin.monitoring.views.common import can_any, form_context, need, run_service, scoped_get

UPLOAD = "monitoring.add_departmentlist"


def _upload_region(user):
    """The widest region in which `user` may upload (their district, usually)."""
    return regions_for_user(user, UPLOAD).order_by("depth", "path").first()


@login_required
@require_http_methods(["GET", "POST"])
def list_list(request: HttpRequest) -> HttpResponse:
    need(request.user, "monitoring.view_departmentlist")
    can_upload = can_any(request.user, UPLOAD)
    form = ListUploadForm(request.POST or None, request.FILES or None) if can_upload else None
    warnings: list[str] = []
    if request.method == "POST":
        need(request.user, UPLOAD)
        if form is not None and form.is_valid():
            d = form.cleaned_data
            region = _upload_region(request.user)
            result = run_service(
                form,
                lambda: department_list_upload(
                    ctx=form_context(request),
                    region=region,
                    kind=d["kind"],
                    year=d["year"],
                    upload=d["file"],
                    filename=d["file"].name,
                    title=d["title"],
                ),
            )
            if result is not None:
                dl, warnings = result
                for w in warnings:
                    messages.warning(request, w)
                if can_any(request.user, "monitoring.run_screening"):
                    job = job_enqueue(kind="monitor", actor=request.user, params={"year": dl.year})
                    messages.success(request, _("已登记名单“{t}”（{n} 行），正在筛查").format(t=dl.title, n=dl.rows))
                    return redirect("core:job_detail", pk=job.pk)
                messages.success(request, _("已登记名单“{t}”（{n} 行），待区扶贫办筛查").format(t=dl.title, n=dl.rows))
                return redirect("monitoring:list_detail", pk=dl.pk)
    lists = selectors.department_lists(user=request.user)[:100]
    return render(
        request,
        "monitoring/list_list.html",
        {"form": form, "lists": lists},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dl = scoped_get(selectors.department_lists(user=request.user), pk=pk)
    alerts = (
        Alert.objects.for_user(request.user, "view")
        .filter(department_list=dl)
        .select_related("region", "household")
        .annotate(head_name=selectors.head_name())
        .order_by("id")[:200]
    )
    return render(request, "monitoring/list_detail.html", {"dl": dl, "alerts": alerts})


@login_required
@require_http_methods(["GET", "POST"])
def policy_list(request: HttpRequest) -> HttpResponse:
    need(request.user, "monitoring.view_monitoringpolicy")
    can_edit = can_any(request.user, "monitoring.edit_monitoringpolicy")
    versions = list(MonitoringPolicy.objects.select_related("created_by", "supersedes").order_by("-created", "-id"))
    current = MonitoringPolicy.objects.current().order_by("-year_from").first()
    initial = {name: getattr(current, name) for name in POLICY_FIELDS} if current else {}
    form = PolicyForm(request.POST or None, initial=initial, user=request.user) if can_edit else None
    if request.method == "POST":
        need(request.user, "monitoring.edit_monitoringpolicy")
        if form is not None and form.is_valid():
            d = form.cleaned_data
            region = d.pop("region")
            same = MonitoringPolicy.objects.current().filter(region_id=region.code, year_from=d["year_from"]).first()
            if (
                run_service(
                    form,
                    lambda: monitoring_policy_create(ctx=form_context(request), region=region, data=d, supersedes=same),
                )
                is not None
            ):
                messages.success(request, _("已新增监测参数版本"))
                return redirect("monitoring:policy_list")
    superseded = set(MonitoringPolicy.objects.filter(supersedes__isnull=False).values_list("supersedes", flat=True))
    return render(
        request,
        "monitoring/policy_list.html",
        {"versions": versions, "form": form, "superseded": superseded},
        status=400 if request.method == "POST" else 200,
    )
