"""The monitoring dashboard and the screening button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fupin.core.jobs import job_enqueue
from fupin.monitoring.dashboard import dashboard as dashboard_data
from fupin.monitoring.forms import ScreeningForm
from fupin.monitoring.views.common import can_any, need

SCREEN = "monitoring.run_screening"


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    need(request.user, "monitoring.view_monitoringobject")
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "d": dashboard_data(user=request.user),
            "screening_form": ScreeningForm() if can_any(request.user, SCREEN) else None,
        },
    )


@login_required
@require_POST
def screening_start(request: HttpRequest) -> HttpResponse:
    need(request.user, SCREEN)
    form = ScreeningForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写正确的筛查年度"))
        return redirect("monitoring:dashboard")
    job = job_enqueue(kind="monitor", actor=request.user, params={"year": form.cleaned_data["year"]})
    messages.success(request, _("已开始 {year} 年防返贫筛查").format(year=form.cleaned_data["year"]))
    return redirect("core:job_detail", pk=job.pk)
