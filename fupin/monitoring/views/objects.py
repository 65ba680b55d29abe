"""Monitoring objects: the list, one object with its risks, measures and elimination, and the
elimination notice."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fupin.assistance.choices import MeasureCategory, MeasureStatus
from fupin.monitoring import rules, selectors
from fupin.monitoring.choices import EliminationMethod, ObjectStatus
from fupin.monitoring.facts import has_labour, household_measures
from fupin.monitoring.forms import EliminationDecideForm, EliminationProposeForm, ObjectFilterForm
from fupin.monitoring.models import MonitoringObject
from fupin.monitoring.services.objects import elimination_check, elimination_decide, elimination_propose
from fupin.monitoring.views.common import form_context, need, run_service, user_can
from fupin.monitoring.views.notices import notice_context


@login_required
@require_GET
def object_list(request: HttpRequest) -> HttpResponse:
    need(request.user, "monitoring.view_monitoringobject")
    form = ObjectFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = Paginator(selectors.object_list(user=request.user, filters=filters), 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "monitoring/object_list.html", {"form": form, "page": page, "query": query.urlencode()})


def _get(request: HttpRequest, pk: int) -> MonitoringObject:
    try:
        return selectors.object_get(user=request.user, pk=pk)
    except MonitoringObject.DoesNotExist:
        raise Http404 from None


def _context(request: HttpRequest, o: MonitoringObject, *, propose_form=None, decide_form=None) -> dict:
    user, region = request.user, o.household.region
    today = timezone.localdate()
    labour = has_labour(o.household)
    risks = list(o.risks.all())
    measures = household_measures(o.household)
    gaps = rules.measure_gaps(tuple(rules.RiskFacts(r.kind, str(r)) for r in risks), measures, has_labour=labour)
    monitored = o.status == ObjectStatus.MONITORED
    checks = {}
    if monitored:
        for method in EliminationMethod:
            results = elimination_check(obj=o, method=method, on=today)
            checks[method.value] = {
                "label": method.label,
                "passed": rules.passed(results),
                "rows": [
                    {"label": rules.label(r.criterion), "outcome": r.outcome, "text": rules.explain(r.as_json())}
                    for r in results
                ],
            }
    can_propose = monitored and not o.proposed_method and user_can(user, "monitoring.propose_elimination", region)
    can_decide = (
        monitored
        and bool(o.proposed_method)
        and user_can(user, "monitoring.approve_elimination", region)
        and o.proposed_by_id != user.pk
    )
    return {
        "o": o,
        "risks": risks,
        "measures": [
            {"label": m.label, "category": MeasureCategory(m.category).label, "status": MeasureStatus(m.status).label}
            for m in measures
        ],
        "gaps": gaps,
        "has_labour": labour,
        "checks": checks,
        "events": list(o.events.all()),
        "propose_form": (propose_form or EliminationProposeForm(initial={"on": today})) if can_propose else None,
        "decide_form": (decide_form or EliminationDecideForm(initial={"on": today})) if can_decide else None,
    }


@login_required
@require_GET
def object_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "monitoring/object_detail.html", _context(request, _get(request, pk)))


@login_required
@require_POST
def object_propose(request: HttpRequest, pk: int) -> HttpResponse:
    o = _get(request, pk)
    form = EliminationProposeForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        if (
            run_service(
                form,
                lambda: elimination_propose(
                    ctx=form_context(request),
                    obj=o,
                    method=d["method"],
                    on=d["on"],
                    notice_starts=d["notice_starts"],
                    notice_ends=d["notice_ends"],
                    comment=d["comment"],
                ),
            )
            is not None
        ):
            messages.success(request, _("已提出风险消除，公示期满后由县级审定"))
            return redirect("monitoring:object_detail", pk=o.pk)
    return render(
        request, "monitoring/object_detail.html", _context(request, _get(request, pk), propose_form=form), status=400
    )


@login_required
@require_POST
def object_decide(request: HttpRequest, pk: int) -> HttpResponse:
    o = _get(request, pk)
    form = EliminationDecideForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        approve = d["decision"] == "pass"
        if (
            run_service(
                form,
                lambda: elimination_decide(
                    ctx=form_context(request), obj=o, approve=approve, on=d["on"], comment=d["comment"]
                ),
            )
            is not None
        ):
            messages.success(request, _("已标注风险消除") if approve else _("风险消除未通过，继续监测"))
            return redirect("monitoring:object_detail", pk=o.pk)
    return render(
        request, "monitoring/object_detail.html", _context(request, _get(request, pk), decide_form=form), status=400
    )


@login_required
@require_GET
def object_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The village notice of a monitoring object: its identification, or a proposed
    elimination while one is pending. No ID number, phone, bank account or health detail."""
    o = _get(request, pk)
    if o.proposed_method:
        title = _("防返贫监测对象风险消除公示")
        category = _("拟{method}").format(method=EliminationMethod(o.proposed_method).label)
        starts, ends = o.notice_starts, o.notice_ends
    else:
        title = _("防返贫监测对象公示")
        category = o.get_object_type_display()
        starts = o.alert.notice_starts if o.alert else None
        ends = o.alert.notice_ends if o.alert else None
    return render(
        request,
        "monitoring/notice.html",
        notice_context(
            title=title,
            households=[o.household],
            starts=starts,
            ends=ends,
            category=category,
            region=o.household.region,
        ),
    )
