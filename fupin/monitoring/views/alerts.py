"""Alert pages: the list, a cadre's report, one alert with its procedure, and its notice."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fupin.assistance.models import Visit
from fupin.monitoring import selectors
from fupin.monitoring.choices import AlertStatus, ListKind, ProcedureStep
from fupin.monitoring.dashboard import procedure_days
from fupin.monitoring.forms import AlertFilterForm, AlertMatchForm, AlertReportForm, AlertStepForm, find_household
from fupin.monitoring.models import Alert
from fupin.monitoring.policy import procedure_days_of
from fupin.monitoring.screening.lists import evidence_summary
from fupin.monitoring.services.alerts import alert_match, alert_report
from fupin.monitoring.services.procedure import STEP_PERMS, alert_step
from fupin.monitoring.views.common import can_any, form_context, need, run_service, user_can
from fupin.monitoring.views.notices import notice_context
from fupin.utils.masking import mask_phone

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class _Summary(TypedDict):
        """The evidence line the detail page shows for each further signal."""

        summary: str

    SignalRow = WithAnnotations[Alert, _Summary]

SENSITIVE = "registry.view_sensitive_household"


@login_required
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    need(request.user, "monitoring.view_alert")
    form = AlertFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = Paginator(selectors.alert_list(user=request.user, filters=filters), 25).get_page(request.GET.get("page"))
    today = timezone.localdate()
    overdue = {a.pk for a in page.object_list if a.status == AlertStatus.OPEN and a.deadline < today}
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "monitoring/alert_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "overdue": overdue,
            "can_add": can_any(request.user, "monitoring.add_alert"),
        },
    )


@login_required
def alert_create(request: HttpRequest) -> HttpResponse:
    need(request.user, "monitoring.add_alert")
    code = request.POST.get("household") or request.GET.get("household") or ""
    household = find_household(request.user, code) if code else None
    visits = list(Visit.objects.filter(household=household).order_by("-visited_on")[:20]) if household else []
    form = AlertReportForm(request.POST or None, initial={"household": code}, visits=visits)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if household is None:
            form.add_error("household", _("户编号 {code} 不存在或不在您的范围内").format(code=code))
        else:
            visit = next((v for v in visits if v.pk == d["visit"]), None)
            alert = run_service(
                form,
                lambda: alert_report(
                    ctx=form_context(request),
                    household=household,
                    source=d["source"],
                    description=d["description"],
                    risk_hint=d["risk_hint"],
                    visit=visit,
                ),
            )
            if alert is not None and alert.attached_to_id:
                message = _("该户已有在办预警 #{pk}，本次登记已并入该预警，识别程序须在 {d} 前完成")
                messages.success(request, message.format(pk=alert.attached_to_id, d=alert.deadline))
                return redirect("monitoring:alert_detail", pk=alert.attached_to_id)
            if alert is not None:
                messages.success(request, _("已登记风险预警，须在 {d} 前完成识别程序").format(d=alert.deadline))
                return redirect("monitoring:alert_detail", pk=alert.pk)
    # The limit is policy data: the household's own, or the ones in force where the user may report.
    year = timezone.localdate().year
    days = (
        procedure_days_of(region=household.region, year=year)
        if household is not None
        else procedure_days(user=request.user, year=year, perm="monitoring.add_alert")
    )
    return render(request, "monitoring/alert_form.html", {"form": form, "household": household, "procedure_days": days})


def _get(request: HttpRequest, pk: int, action: str = "view") -> Alert:
    try:
        return selectors.alert_get(user=request.user, pk=pk, action=action)
    except Alert.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = _get(request, pk)
    return render(request, "monitoring/alert_detail.html", _detail_context(request, a))


def _evidence(a: Alert, sensitive: bool) -> str:
    # Medical figures are health data: shown only to those who may see personal details.
    if a.evidence.get("kind") == ListKind.MEDICAL and not sensitive:
        return _("医疗费用结算名单预警（明细仅限有权查看个人信息的人员）")
    return evidence_summary(a.evidence) if a.evidence else ""


def _detail_context(
    request: HttpRequest, a: Alert, *, step_form: AlertStepForm | None = None, match_form: AlertMatchForm | None = None
) -> dict:
    user = request.user
    sensitive = user_can(user, SENSITIVE, a.region)
    evidence = _evidence(a, sensitive)
    signals = cast("list[SignalRow]", list(selectors.alert_signals(user=user, alert=a)))
    for s in signals:
        s.summary = _evidence(s, sensitive)
    can_step = bool(
        a.status == AlertStatus.OPEN
        and a.household_id
        and a.next_step
        and user_can(user, STEP_PERMS[ProcedureStep(a.next_step)], a.region)
    )
    if can_step and step_form is None:
        step_form = AlertStepForm(initial={"step": a.next_step, "on": timezone.localdate()})
    can_match = (
        a.household_id is None and a.status == AlertStatus.OPEN and user_can(user, "monitoring.change_alert", a.region)
    )
    today = timezone.localdate()
    return {
        "a": a,
        "signals": signals,
        "steps": list(a.steps.all()),
        "evidence": evidence,
        "phone": a.phone if sensitive else mask_phone(a.phone),
        "overdue": a.status == AlertStatus.OPEN and a.deadline < today,
        "days_left": (a.deadline - today).days,
        "step_form": step_form if can_step else None,
        "match_form": (match_form or AlertMatchForm()) if can_match else None,
        "next_label": ProcedureStep(a.next_step).label if a.next_step else "",
        "order": [(s.value, s.label) for s in ProcedureStep],
        "done_steps": {s.step for s in a.steps.all()},
    }


@login_required
@require_POST
def alert_match_view(request: HttpRequest, pk: int) -> HttpResponse:
    a = _get(request, pk, "change")
    form = AlertMatchForm(request.POST)
    if form.is_valid():
        household = find_household(request.user, form.cleaned_data["household"])
        if household is None:
            form.add_error(
                "household", _("户编号 {code} 不存在或不在您的范围内").format(code=form.cleaned_data["household"])
            )
        elif matched := run_service(form, lambda: alert_match(ctx=form_context(request), alert=a, household=household)):
            if matched.attached_to_id:
                messages.success(
                    request,
                    _("已对应到户 {code}；该户已有在办预警 #{pk}，本申报已并入该预警").format(
                        code=household.code, pk=matched.attached_to_id
                    ),
                )
                return redirect("monitoring:alert_detail", pk=matched.attached_to_id)
            messages.success(request, _("已对应到户 {code}").format(code=household.code))
            return redirect("monitoring:alert_detail", pk=a.pk)
    return render(request, "monitoring/alert_detail.html", _detail_context(request, a, match_form=form), status=400)


@login_required
@require_POST
def alert_step_view(request: HttpRequest, pk: int) -> HttpResponse:
    a = _get(request, pk)
    form = AlertStepForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        done = run_service(
            form,
            lambda: alert_step(
                ctx=form_context(request),
                alert=a,
                step=d["step"],
                decision=d["decision"],
                on=d["on"],
                comment=d["comment"],
                notice_starts=d["notice_starts"],
                notice_ends=d["notice_ends"],
                object_type=d["object_type"],
                risks=form.risk_entries(),
                votes_for=d["votes_for"],
                votes_against=d["votes_against"],
            ),
        )
        if done is not None:
            messages.success(request, _("已办理“{step}”").format(step=ProcedureStep(d["step"]).label))
            return redirect("monitoring:alert_detail", pk=a.pk)
    a = _get(request, pk)
    return render(request, "monitoring/alert_detail.html", _detail_context(request, a, step_form=form), status=400)


@login_required
@require_GET
def alert_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The village notice (村级公示) of a proposed monitoring object: the head's name, the
    village, the household size and the category; never an ID number, phone, bank account or
    any health detail (domain.md §4)."""
    a = _get(request, pk)
    if a.household is None:
        raise Http404
    return render(
        request,
        "monitoring/notice.html",
        notice_context(
            title=_("防返贫监测对象识别公示"),
            households=[a.household],
            starts=a.notice_starts,
            ends=a.notice_ends,
            category=_("拟纳入防返贫监测对象"),
            region=a.household.region,
        ),
    )
