"""Household exit pages: a household's assessment and proposal, the cases, one case with its
steps, its notice, and the derived list of stably exited households."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fupin.core.errors import ApplicationError
from fupin.identification.selectors.policy import assessment_default_year
from fupin.monitoring import rules, selectors
from fupin.monitoring.choices import ExitCaseStatus, ExitStage
from fupin.monitoring.forms import ExitProposeForm, ExitStepForm
from fupin.monitoring.models import ExitAssessment, ExitCase
from fupin.monitoring.services.exits import STEP_PERMS, exit_assess, exit_propose, exit_step
from fupin.monitoring.views.common import form_context, need, run_service, scoped_get, user_can
from fupin.monitoring.views.notices import notice_context
from fupin.registry.models import Household


def explained(a: ExitAssessment | None) -> list[dict]:
    if a is None:
        return []
    return [
        {"label": rules.label(r["criterion"]), "outcome": r["outcome"], "text": rules.explain(r)} for r in a.results
    ]


@login_required
@require_http_methods(["GET", "POST"])
def household_exit(request: HttpRequest, pk: int) -> HttpResponse:
    need(request.user, "monitoring.view_exitassessment")
    h = scoped_get(Household.objects.for_user(request.user, "view").select_related("region"), pk=pk)
    region = h.region
    can_assess = user_can(request.user, "monitoring.add_exitassessment", region)
    can_propose = user_can(request.user, "monitoring.add_exitcase", region)
    # Assessing and proposing default to the latest year the policy covers for the household
    # (or its latest facts' year), not this calendar year, for which no policy may exist.
    default_year = assessment_default_year(household=h)
    form = ExitProposeForm(request.POST if request.POST.get("action") == "propose" else None, year=default_year)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "assess" and can_assess:
            year = _year(request.POST.get("year"), default=default_year)
            try:
                exit_assess(ctx=form_context(request), household=h, year=year)
                return redirect("monitoring:household_exit", pk=h.pk)
            except ApplicationError as exc:
                error = exc.message
        elif action == "propose" and can_propose and form.is_valid():
            d = form.cleaned_data
            case = run_service(
                form,
                lambda: exit_propose(
                    ctx=form_context(request),
                    household=h,
                    year=d["year"],
                    meeting_on=d["meeting_on"],
                    votes_for=d["votes_for"],
                    votes_against=d["votes_against"],
                    needs=(d["food_secure"], d["clothing_secure"]),
                    comment=d["comment"],
                ),
            )
            if case is not None:
                messages.success(request, _("已提出退出，等待核实"))
                return redirect("monitoring:exit_detail", pk=case.pk)
        elif action not in ("assess", "propose"):
            raise Http404
    latest = selectors.latest_assessment(household=h)
    open_case = selectors.open_exit_case(household=h)
    return render(
        request,
        "monitoring/exit_household.html",
        {
            "h": h,
            "latest": latest,
            "results": explained(latest),
            "open_case": open_case,
            "form": form if can_propose and open_case is None and h.registered and h.status != "exited" else None,
            "can_assess": can_assess,
            # Registering an alert is another role's job (a leader would get a 404).
            "can_alert": user_can(request.user, "monitoring.add_alert", region),
            "error": error,
            # The assess form's default year (the template's name predates the policy-aware default).
            "this_year": default_year or timezone.localdate().year,
            "monitoring": selectors.household_monitoring(user=request.user, household=h),
        },
        status=400 if request.method == "POST" else 200,
    )


def _year(raw: str | None, *, default: int | None = None) -> int:
    fallback = default or timezone.localdate().year
    try:
        return int(raw or fallback)
    except ValueError:
        return fallback


@login_required
@require_GET
def exit_list(request: HttpRequest) -> HttpResponse:
    need(request.user, "monitoring.view_exitcase")
    status = request.GET.get("status", "")
    filters = {"status": status} if status in ExitCaseStatus.values else {}
    page = Paginator(selectors.exit_case_list(user=request.user, filters=filters), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/exit_list.html",
        {
            "page": page,
            "status": status,
            "statuses": ExitCaseStatus.choices,
            "query": f"status={status}" if status else "",
        },
    )


def _case(request: HttpRequest, pk: int) -> ExitCase:
    try:
        return selectors.exit_case_get(user=request.user, pk=pk)
    except ExitCase.DoesNotExist:
        raise Http404 from None


def _case_context(request: HttpRequest, c: ExitCase, form: ExitStepForm | None = None) -> dict:
    region = c.household.region
    can_step = (
        c.status == ExitCaseStatus.OPEN
        and bool(c.next_step)
        and user_can(request.user, STEP_PERMS[ExitStage(c.next_step)], region)
    )
    if can_step and form is None:
        form = ExitStepForm(initial={"step": c.next_step, "on": timezone.localdate()})
    return {
        "c": c,
        "steps": list(c.steps.all()),
        "results": explained(c.assessment),
        "form": form if can_step else None,
        "order": [(s.value, s.label) for s in ExitStage],
        "done_steps": {s.step for s in c.steps.all()},
    }


@login_required
@require_GET
def exit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "monitoring/exit_detail.html", _case_context(request, _case(request, pk)))


@login_required
@require_POST
def exit_step_view(request: HttpRequest, pk: int) -> HttpResponse:
    c = _case(request, pk)
    form = ExitStepForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        if (
            run_service(
                form,
                lambda: exit_step(
                    ctx=form_context(request),
                    case=c,
                    step=d["step"],
                    decision=d["decision"],
                    on=d["on"],
                    comment=d["comment"],
                    notice_starts=d["notice_starts"],
                    notice_ends=d["notice_ends"],
                    objections=d["objections"],
                ),
            )
            is not None
        ):
            messages.success(
                request,
                _("已办理“{step}”").format(
                    step=ExitStage(d["step"]).label if d["step"] in ExitStage.values else d["step"]
                ),
            )
            return redirect("monitoring:exit_detail", pk=c.pk)
    return render(request, "monitoring/exit_detail.html", _case_context(request, _case(request, pk), form), status=400)


@login_required
@require_GET
def exit_notice(request: HttpRequest, pk: int) -> HttpResponse:
    c = _case(request, pk)
    return render(
        request,
        "monitoring/notice.html",
        notice_context(
            title=_("拟退出贫困户公示"),
            households=[c.household],
            starts=c.notice_starts,
            ends=c.notice_ends,
            category=_("拟于 {year} 年退出").format(year=c.year),
            region=c.household.region,
        ),
    )


@login_required
@require_GET
def stable_list(request: HttpRequest) -> HttpResponse:
    need(request.user, "monitoring.view_exitcase")
    year = _year(request.GET.get("year"))
    page = Paginator(selectors.stably_exited(user=request.user, year=year), 50).get_page(request.GET.get("page"))
    return render(request, "monitoring/stable_list.html", {"page": page, "year": year, "query": f"year={year}"})
