"""The data-quality audit pages: scores and counts of the latest run, the trend, each
rule's list, and starting a new run (a background job)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fupin.core.jobs import job_enqueue
from fupin.regions.models import Region
from fupin.reports.choices import AuditRule
from fupin.reports.forms import YearForm
from fupin.reports.jobs import AUDIT
from fupin.reports.scope import Scope
from fupin.reports.selectors.audit import audit_view, rule_findings
from fupin.reports.views.common import region_options, region_param, require_scope

VIEW, RUN = "reports.view_auditrun", "reports.run_audit"


def _focus(request: HttpRequest, perm: str) -> tuple[Scope, Region | None]:
    scope = require_scope(request.user, perm)
    region = region_param(request, perm)
    if region is None:
        roots = scope.roots()
        region = roots[0] if len(roots) == 1 else None
    return scope, region


@login_required
@require_GET
def audit(request: HttpRequest) -> HttpResponse:
    scope, region = _focus(request, VIEW)
    view = audit_view(region=region) if region is not None else None
    can_run = bool(require_scope_or_none(request, RUN))
    return render(
        request,
        "reports/audit.html",
        {
            "view": view,
            "region": region,
            "regions": region_options(scope),
            "can_run": can_run,
            "run_form": YearForm(),
            "run_regions": region_options(require_scope(request.user, RUN)) if can_run else [],
        },
    )


def require_scope_or_none(request: HttpRequest, perm: str) -> Scope | None:
    try:
        return require_scope(request.user, perm)
    except Http404:
        return None


@login_required
@require_GET
def audit_rule(request: HttpRequest, rule: str) -> HttpResponse:
    if rule not in AuditRule.values:
        raise Http404
    _scope, region = _focus(request, VIEW)
    if region is None:
        raise Http404
    view = audit_view(region=region)
    if view.run is None:
        raise Http404
    page = Paginator(rule_findings(run=view.run, rule=rule, region=region), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/audit_rule.html",
        {
            "view": view,
            "region": region,
            "rule": AuditRule(rule),
            "page": page,
            "count": dict((c, n) for c, _l, n in view.counts).get(rule, 0),
            "query": f"region={region.pk}",
        },
    )


@login_required
@require_POST
def audit_start(request: HttpRequest) -> HttpResponse:
    _scope, region = _focus(request, RUN)
    if region is None:
        messages.error(request, _("请选择检查范围"))
        return redirect("reports:audit")
    form = YearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("；").join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("reports:audit")
    job = job_enqueue(
        kind=AUDIT, actor=request.user, params={"region_id": region.pk, "year": form.cleaned_data["year"]}
    )
    messages.success(request, _("{name} 的数据质量检查已开始").format(name=region.name))
    return redirect("core:job_detail", pk=job.pk)
