"""台账 exports and handbook PDFs: one household's file is answered at once; a region's
ledger or a village's handbooks run as background jobs (the page links to the job)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fupin.core.errors import ValidationError
from fupin.core.jobs import job_enqueue
from fupin.core.models import Job
from fupin.regions.choices import RegionLevel
from fupin.registry.models import Household
from fupin.reports.forms import LedgerForm, YearForm
from fupin.reports.jobs import HANDBOOK, LEDGER
from fupin.reports.ledgers.build import household_ledger_bytes
from fupin.reports.scope import resolve_scope
from fupin.reports.views.common import parse_year, region_options, region_param, require_scope

EXPORT, PRINT = "reports.export_ledger", "reports.print_handbook"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _household(request: HttpRequest, pk: int, perm: str) -> Household:
    try:
        return Household.objects.for_user(request.user, perm).select_related("region").get(pk=pk)
    except Household.DoesNotExist:
        raise Http404 from None


def _year(request: HttpRequest) -> int:
    try:
        return parse_year(request.GET.get("year"))
    except ValidationError:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def ledgers(request: HttpRequest) -> HttpResponse:
    """The ledger page: pick a ledger, a region of one's scope and a year; the file is
    built by a job whose page shows progress and the download."""
    scope = require_scope(request.user, EXPORT)
    form = LedgerForm(request.POST or None)
    if request.method == "POST":
        region = region_param(request, EXPORT)
        if form.is_valid():
            job = job_enqueue(
                kind=LEDGER,
                actor=request.user,
                params={
                    "kind": form.cleaned_data["kind"],
                    "region_id": region.pk if region else None,
                    "year": form.cleaned_data["year"],
                },
            )
            messages.success(request, _("台账正在后台生成，完成后可在任务页下载"))
            return redirect("core:job_detail", pk=job.pk)
    return render(
        request,
        "reports/ledgers.html",
        {
            "form": form,
            "regions": region_options(scope),
            "villages": [
                r for r in region_options(require_scope(request.user, PRINT)) if r.level == RegionLevel.VILLAGE
            ]
            if _holds(request.user, PRINT)
            else [],
            "handbook_form": YearForm(),
            "jobs": Job.objects.filter(actor_id=request.user.pk, kind__in=[LEDGER, HANDBOOK]).order_by("-created")[:10],
        },
    )


def _holds(user: Any, perm: str) -> bool:
    try:
        require_scope(user, perm)
    except Http404:
        return False
    return True


@login_required
@require_GET
def household_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    h = _household(request, pk, EXPORT)
    year = _year(request)
    scope = resolve_scope(user=request.user, region=h.region, perm=EXPORT)
    data = household_ledger_bytes(household=h, scope=scope, year=year, user=request.user)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="household-{h.code}-{year}.xlsx"'
    return response


@login_required
@require_GET
def household_handbook(request: HttpRequest, pk: int) -> HttpResponse:
    from fupin.reports.services.handbook import household_handbook_pdf

    h = _household(request, pk, PRINT)
    year = _year(request)
    pdf = household_handbook_pdf(user=request.user, household=h, year=year)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="handbook-{h.code}-{year}.pdf"'
    return response


@login_required
@require_POST
def village_handbook(request: HttpRequest) -> HttpResponse:
    require_scope(request.user, PRINT)
    region = region_param(request, PRINT)
    if region is None or region.level != RegionLevel.VILLAGE:
        messages.error(request, _("请选择一个行政村"))
        return redirect("reports:ledgers")
    form = YearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("；").join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("reports:ledgers")
    job = job_enqueue(
        kind=HANDBOOK, actor=request.user, params={"region_id": region.pk, "year": form.cleaned_data["year"]}
    )
    messages.success(request, _("{name} 的扶贫手册正在后台排版").format(name=region.name))
    return redirect("core:job_detail", pk=job.pk)
