"""The review queue, one case with its ledger and the form of its current step, objections,
and the printable public notice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from fupin.accounts.scoping import regions_for_user, user_can
from fupin.identification.choices import ApplicationKind, ObjectionOutcome, Step, decision_label
from fupin.identification.forms import (
    AnnounceForm,
    AnswerForm,
    AppraisalForm,
    DecisionForm,
    ObjectionForm,
    ReviewForm,
    SubmitForm,
    WithdrawForm,
)
from fupin.identification.models import Objection
from fupin.identification.selectors.workflow import (
    application_get,
    application_list,
    comparison_list,
    mark_overdue,
    notice_applications,
)
from fupin.identification.services import applications as svc
from fupin.identification.views.common import filter_chips, form_context, require, run_service, scoped_get
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region

VIEW = "identification.view_application"
# Which permission, form and service the current step needs.
STEP_FORMS: dict[str, tuple[str, type[forms.Form]]] = {
    Step.CANDIDATE: (svc.PROPOSE, SubmitForm),
    Step.APPLIED: (svc.VILLAGE, AppraisalForm),
    Step.VILLAGE_NOTICE: (svc.VILLAGE, DecisionForm),
    Step.TOWNSHIP_REVIEW: (svc.TOWNSHIP, ReviewForm),
    Step.TOWNSHIP_NOTICE: (svc.TOWNSHIP, DecisionForm),
    Step.DISTRICT_APPROVAL: (svc.APPROVE, DecisionForm),
    Step.ANNOUNCEMENT: (svc.APPROVE, AnnounceForm),
}
WITHDRAWABLE = (Step.CANDIDATE, Step.APPLIED, Step.VILLAGE_NOTICE, Step.TOWNSHIP_REVIEW, Step.TOWNSHIP_NOTICE)


def _call_step(request: HttpRequest, app: Any, d: dict[str, Any]) -> Any:
    ctx, step = form_context(request), app.step
    if step == Step.CANDIDATE:
        d = {**d, "other_causes": ",".join(d.get("other_causes") or [])}
        return svc.application_submit(ctx=ctx, application=app, data=d)
    if step == Step.APPLIED:
        return svc.appraisal_record(ctx=ctx, application=app, **d)
    if step in (Step.VILLAGE_NOTICE, Step.TOWNSHIP_NOTICE):
        return svc.notice_close(ctx=ctx, application=app, passed=d["passed"], comment=d["comment"])
    if step == Step.TOWNSHIP_REVIEW:
        return svc.township_review(
            ctx=ctx, application=app, passed=d["passed"], comment=d["comment"], notice_from=d.get("notice_from")
        )
    if step == Step.DISTRICT_APPROVAL:
        return svc.district_approve(ctx=ctx, application=app, passed=d["passed"], comment=d["comment"])
    return svc.application_announce(ctx=ctx, application=app, announced_on=d["announced_on"], comment=d["comment"])


def _may_act(user: Any, app: Any) -> bool:
    entry = STEP_FORMS.get(app.step)
    if entry is None or not user_can(user, entry[0], app.household.region):
        return False
    return app.step == Step.CANDIDATE or app.proposed_by_id != user.pk


@login_required
@require_GET
def application_list_view(request: HttpRequest) -> HttpResponse:
    require(request, VIEW)
    filters: dict[str, Any] = {
        "step": request.GET.get("step", "open"),
        "kind": request.GET.get("kind", ""),
        "overdue": request.GET.get("overdue") == "1",
    }
    if region_pk := request.GET.get("region"):
        filters["region"] = (
            regions_for_user(request.user, VIEW).filter(pk=region_pk).first() if region_pk.isdigit() else None
        )
    qs = application_list(user=request.user, filters=filters)
    # The candidates a department list brought in (linked from the list's page): the list is
    # named on the page only when the user may open it.
    comparison_pk = int(cp) if (cp := request.GET.get("comparison", "")).isdigit() else None
    if comparison_pk is not None:
        qs = qs.filter(comparison_id=comparison_pk)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    mark_overdue(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "identification/application_list.html",
        {
            "page": page,
            "filters": filters,
            "comparison_pk": comparison_pk,
            "chips": _list_chips(request, filters.get("region"), comparison_pk),
            "steps": Step.choices,
            "kinds": ApplicationKind.choices,
            "query": query.urlencode(),
        },
    )


def _list_chips(request: HttpRequest, region: Region | None, comparison_pk: int | None) -> list[dict[str, Any]]:
    items: list[tuple[str, str, str | None]] = []
    if region is not None:
        items.append(("region", region.name, None))
    if comparison_pk is not None:
        c = comparison_list(user=request.user).filter(pk=comparison_pk).first()
        label = _("比对名单 #{pk}").format(pk=comparison_pk) + (f" · {c.file_name}" if c else "")
        items.append(("comparison", label, reverse("identification:comparison_detail", args=[c.pk]) if c else None))
    return filter_chips(request, items)


def _detail(
    request: HttpRequest,
    app: Any,
    *,
    step_form: forms.Form | None = None,
    objection_form: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    mark_overdue([app])
    entry = STEP_FORMS.get(app.step)
    may_act = _may_act(user, app)
    village = user_can(user, svc.VILLAGE, app.household.region)
    objections = list(app.objections.select_related("recorded_by", "answered_by"))
    for o in objections:
        o.may_answer = (
            o.outcome == ObjectionOutcome.OPEN and o.step == app.step and village and app.proposed_by_id != user.pk
        )
    return render(
        request,
        "identification/application_detail.html",
        {
            "app": app,
            "decisions": _ledger_rows(app),
            "objections": objections,
            "step_form": step_form or (entry[1]() if entry and may_act else None),
            "may_act": may_act,
            "is_proposer": app.proposed_by_id == user.pk and app.step != Step.CANDIDATE,
            "objection_form": objection_form or (ObjectionForm() if app.in_notice and village else None),
            "answer_form": AnswerForm(),
            "withdraw_form": WithdrawForm()
            if app.step in WITHDRAWABLE and user_can(user, svc.PROPOSE, app.household.region)
            else None,
            "list_rows": _list_rows(app),
        },
        status=status,
    )


# The data a step records in the ledger (services/applications.py), labelled as its form asks it.
LEDGER_LABELS = {
    "meeting_date": gettext_lazy("评议日期"),
    "representatives": gettext_lazy("应到代表人数"),
    "present": gettext_lazy("实到人数"),
    "votes_for": gettext_lazy("赞成票"),
    "votes_against": gettext_lazy("反对票"),
    "notice_from": gettext_lazy("公示开始"),
    "notice_until": gettext_lazy("公示截止"),
    "objections": gettext_lazy("异议件数"),
    "announced_on": gettext_lazy("公告日期"),
}


def _ledger_value(value: Any) -> str:
    """Dates as the page shows them elsewhere (the ledger keeps ISO text), yes/no in words,
    numbers as they are."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, str):
        try:
            return date_format(dt.date.fromisoformat(value), "Y-m-d")
        except ValueError:
            return value
    return str(value)


def _ledger_rows(app: Any) -> list[Any]:
    """The ledger with each step's label and its data as (label, formatted value) pairs."""
    order = {key: i for i, key in enumerate(LEDGER_LABELS)}
    decisions = list(app.decisions.select_related("actor"))
    for d in decisions:
        # In the form's order: PostgreSQL's jsonb does not keep the order the keys were written in.
        data = sorted((d.data or {}).items(), key=lambda kv: order.get(kv[0], len(order)))
        vars(d).update(
            step_label=Step(d.step).label if d.step in Step.values else d.step,
            decision_label=decision_label(d.decision, d.data),
            facts=[(str(LEDGER_LABELS.get(k, k)), _ledger_value(v)) for k, v in data],
        )
    return decisions


def _list_rows(app: Any) -> list[Any]:
    if not (app.comparison_id and app.member_id):
        return []
    return list(app.comparison.rows.filter(id_number=app.member.id_number)[:5])


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, scoped_get(lambda: application_get(user=request.user, pk=pk)))


@login_required
@require_POST
def application_step(request: HttpRequest, pk: int) -> HttpResponse:
    app = scoped_get(lambda: application_get(user=request.user, pk=pk))
    entry = STEP_FORMS.get(app.step)
    if entry is None or not user_can(request.user, entry[0], app.household.region):
        raise Http404
    form = entry[1](request.POST)
    if form.is_valid():
        done = run_service(form, lambda: _call_step(request, app, dict(form.cleaned_data)))
        if done is not None:
            messages.success(
                request, _("已办理：申请 #{pk} 现处于“{step}”").format(pk=done.pk, step=Step(done.step).label)
            )
            return redirect("identification:application_detail", pk=app.pk)
    return _detail(request, app, step_form=form)


@login_required
@require_POST
def objection_add(request: HttpRequest, pk: int) -> HttpResponse:
    app = scoped_get(lambda: application_get(user=request.user, pk=pk))
    if not user_can(request.user, svc.VILLAGE, app.household.region):
        raise Http404
    form = ObjectionForm(request.POST)
    if form.is_valid():
        o = run_service(
            form, lambda: svc.objection_record(ctx=form_context(request), application=app, **form.cleaned_data)
        )
        if o is not None:
            messages.success(request, _("已登记异议，请在公示期内核实答复"))
            return redirect("identification:application_detail", pk=app.pk)
    return _detail(request, app, objection_form=form)


@login_required
@require_POST
def objection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    o = scoped_get(
        lambda: Objection.objects.select_related("application").get(
            pk=pk, application__in=application_list(user=request.user)
        )
    )
    app = application_get(user=request.user, pk=o.application_id)
    if not user_can(request.user, svc.VILLAGE, app.household.region):
        raise Http404
    form = AnswerForm(request.POST)
    if form.is_valid():
        done = run_service(
            form, lambda: svc.objection_answer(ctx=form_context(request), objection=o, **form.cleaned_data)
        )
        if done is not None:
            messages.success(request, _("已答复异议"))
            return redirect("identification:application_detail", pk=app.pk)
    _flash_errors(request, form)
    return redirect("identification:application_detail", pk=app.pk)


@login_required
@require_POST
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    app = scoped_get(lambda: application_get(user=request.user, pk=pk))
    if not user_can(request.user, svc.PROPOSE, app.household.region):
        raise Http404
    form = WithdrawForm(request.POST)
    if form.is_valid():
        done = run_service(
            form,
            lambda: svc.application_withdraw(
                ctx=form_context(request), application=app, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(request, _("申请 #{pk} 已撤回").format(pk=app.pk))
            return redirect("identification:application_detail", pk=app.pk)
    _flash_errors(request, form)
    return redirect("identification:application_detail", pk=app.pk)


def _flash_errors(request: HttpRequest, form: forms.Form) -> None:
    """A small form posted from the detail page: its errors come back as messages there."""
    for name, errors in form.errors.as_data().items():
        label = form.fields[name].label if name in form.fields else ""
        for e in errors:
            text = _("；").join(str(m) for m in e.messages)
            messages.error(request, _("{label}：{text}").format(label=label, text=text) if label else text)


# Lazy: the table is built once at import, the title is read in the reader's language.
NOTICE_TITLES = {
    Step.VILLAGE_NOTICE: gettext_lazy("精准识别第一次公示"),
    Step.TOWNSHIP_NOTICE: gettext_lazy("精准识别第二次公示（乡镇审核后）"),
    "announcement": gettext_lazy("精准识别结果公告"),
}


@login_required
@require_GET
def notice(request: HttpRequest, region_pk: int) -> HttpResponse:
    """A printable notice for one village: name, village, attribute, main cause and the
    decision — never an ID number, phone, bank account or health detail (domain.md §4)."""
    region = scoped_get(lambda: regions_for_user(request.user, VIEW).get(pk=region_pk))
    stage = request.GET.get("stage", Step.VILLAGE_NOTICE)
    if stage not in NOTICE_TITLES:
        raise Http404
    # A notice hangs on the village board and is signed by the villagers' committee: printed
    # from a case of a group (村民小组), it is the whole village's notice.
    village = Region.objects.get(path=region.path[: -Region.steplen]) if region.level == RegionLevel.GROUP else region
    apps = list(notice_applications(user=request.user, region=village, stage=stage))
    rows = [
        {
            "name": vars(a).get("head_name") or "",
            "village": a.household.region.name,
            "kind": a.get_kind_display(),
            "attribute": a.get_attribute_display() if a.kind == ApplicationKind.ADMISSION else "",
            "cause": a.get_main_cause_display() if a.kind == ApplicationKind.ADMISSION else "",
            "reason": _("不符合识别条件") if a.kind == ApplicationKind.REMOVAL else "",
            "until": a.notice_until,
            "announced_on": a.announced_on,
        }
        for a in apps
    ]
    period = next(((a.notice_from, a.notice_until) for a in apps if a.notice_from), (None, None))
    return render(
        request,
        "identification/notice.html",
        {
            "region": village,
            "stage": stage,
            "title": NOTICE_TITLES[stage],
            "rows": rows,
            "period": period,
            "township": Region.objects.filter(path=village.path[: Region.steplen * RegionLevel.TOWNSHIP]).first(),
        },
    )
