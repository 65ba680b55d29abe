"""Policy pages: the history of every version, and a form that inserts a new one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fupin.identification.choices import Criterion
from fupin.identification.forms import PolicyForm
from fupin.identification.models import PolicyVersion
from fupin.identification.selectors.workflow import holds, policy_versions
from fupin.identification.services.policy import policy_version_create
from fupin.identification.views.common import form_context, require, run_service
from fupin.regions.models import Region

VIEW, EDIT = "identification.view_policyversion", "identification.edit_policy"


@login_required
@require_GET
def policy_list(request: HttpRequest) -> HttpResponse:
    require(request, VIEW)
    versions = list(policy_versions().order_by("-year", "region_id", "-created", "-id"))
    superseded = {v.supersedes_id for v in versions if v.supersedes_id}
    names = dict(
        Region.objects.filter(code__in={v.region_id for v in versions if v.region_id}).values_list("code", "name")
    )
    years: dict[int, list[PolicyVersion]] = {}
    for v in versions:
        vars(v).update(
            is_current=v.pk not in superseded,
            criteria_list=[str(Criterion(c).label) for c in v.criteria or [] if c in Criterion.values],
            region_name=names.get(v.region_id, v.region_id) if v.region_id else _("全国默认"),
        )
        years.setdefault(v.year, []).append(v)
    return render(
        request,
        "identification/policy_list.html",
        {
            "years": sorted(years.items(), reverse=True),
            "can_edit": holds(request.user, EDIT),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy_create(request: HttpRequest) -> HttpResponse:
    require(request, EDIT)
    base = None
    if pk := request.GET.get("from") or request.POST.get("from"):
        base = PolicyVersion.objects.filter(pk=pk).first()
        if base is None:
            raise Http404
    initial = {"effective_from": timezone.localdate(), "criteria": None}
    if base is not None:
        initial.update(
            {
                name: getattr(base, name)
                for name in (
                    "year",
                    "poverty_line",
                    "floor_standard_monthly",
                    "monitoring_line",
                    "criteria",
                    "notice_days",
                    "step_overdue_days",
                    "note",
                    "verified",
                )
            }
        )
        initial["effective_from"] = base.effective_from
        initial["region"] = Region.objects.filter(code=base.region_id).first() if base.region_id else None
    # Editing a version of another region than one's own makes a new version for one's own
    # region (the most specific wins), so the year stays fixed but the region may change.
    form = PolicyForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        region = d["region"]
        same = base is not None and base.year == d["year"] and base.region_id == (region.code if region else None)
        data = {
            k: d[k]
            for k in (
                "poverty_line",
                "floor_standard_monthly",
                "monitoring_line",
                "criteria",
                "notice_days",
                "step_overdue_days",
                "note",
                "verified",
            )
        }
        v = run_service(
            form,
            lambda: policy_version_create(
                ctx=form_context(request),
                year=d["year"],
                region=region,
                effective_from=d["effective_from"],
                data=data,
                supersedes=base if same else None,
            ),
        )
        if v is not None:
            messages.success(request, _("已新增 {year} 年政策参数版本（原版本保留在历史中）").format(year=v.year))
            return redirect("identification:policy_list")
    return render(request, "identification/policy_form.html", {"form": form, "base": base})
