"""A household's identification page: the explained assessment, the 不愁吃穿 record, its
cases and findings, and the forms to assess, record and propose."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fupin.accounts.scoping import user_can
from fupin.core.errors import ApplicationError
from fupin.identification import rules
from fupin.identification.choices import ApplicationKind
from fupin.identification.forms import ApplicationForm, AssessForm, NeedsForm
from fupin.identification.models import Application, Finding
from fupin.identification.selectors import workflow as read
from fupin.identification.selectors.policy import assessment_default_year, latest_policy_year
from fupin.identification.services.applications import application_propose
from fupin.identification.services.assessments import assessment_run, needs_check_record
from fupin.identification.views.common import form_context, run_service, scoped_get
from fupin.registry.models import Household


def _household(request: HttpRequest, pk: int) -> Household:
    return scoped_get(lambda: Household.objects.for_user(request.user, "view").select_related("region").get(pk=pk))


def _default_year() -> int | None:
    try:
        return latest_policy_year()
    except ApplicationError:
        return None


def _page(
    request: HttpRequest,
    h: Household,
    *,
    assess: AssessForm | None = None,
    needs: NeedsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    assessments = list(read.household_assessments(user=user, household=h)[:20])
    for a in assessments:
        vars(a).update(
            sentences=[(r.get("outcome"), rules.explain(r)) for r in a.results], summary=rules.summary(a.results)
        )
    # The latest year the household can be assessed in, not this calendar year (the seeded
    # poverty lines stop at 2020): a default that fails on the first click is no default.
    year = assessment_default_year(household=h)
    applications = list(Application.objects.for_user(user, "view").filter(household=h).order_by("-created"))
    return render(
        request,
        "identification/household.html",
        {
            "h": h,
            "latest": assessments[0] if assessments else None,
            "assessments": assessments,
            "needs": list(read.household_needs(user=user, household=h)[:10]),
            "applications": applications,
            # A household has one open case at a time (the service refuses a second): the page
            # links to it instead of offering a proposal that would fail.
            "open_application": next((a for a in applications if a.is_open), None),
            "findings": Finding.objects.for_user(user, "view").filter(household=h).order_by("-created")[:20],
            "assess_form": assess or AssessForm(initial={"year": year}),
            "needs_form": needs or NeedsForm(initial={"year": year}),
            "allowed": {
                "assess": user_can(user, "identification.add_assessment", h.region),
                "needs": user_can(user, "identification.add_needscheck", h.region),
                "propose": user_can(user, "identification.add_application", h.region) and not h.is_closed,
            },
        },
        status=status,
    )


@login_required
@require_GET
def household(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _household(request, pk))


@login_required
@require_POST
def household_assess(request: HttpRequest, pk: int) -> HttpResponse:
    h = _household(request, pk)
    form = AssessForm(request.POST)
    if form.is_valid():
        a = run_service(
            form, lambda: assessment_run(ctx=form_context(request), household=h, year=form.cleaned_data["year"])
        )
        if a is not None:
            messages.success(request, rules.summary(a.results))
            return redirect("identification:household", pk=h.pk)
    return _page(request, h, assess=form, status=200)


@login_required
@require_POST
def household_needs(request: HttpRequest, pk: int) -> HttpResponse:
    h = _household(request, pk)
    form = NeedsForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        n = run_service(
            form,
            lambda: needs_check_record(
                ctx=form_context(request),
                household=h,
                year=d["year"],
                food_secure=d["food_secure"],
                clothing_secure=d["clothing_secure"],
                checked_on=d["checked_on"],
                note=d["note"],
            ),
        )
        if n is not None:
            messages.success(request, _("已记录 {year} 年吃穿情况核实").format(year=n.year))
            return redirect("identification:household", pk=h.pk)
    return _page(request, h, needs=form)


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest, pk: int) -> HttpResponse:
    h = _household(request, pk)
    if not user_can(request.user, "identification.add_application", h.region):
        raise Http404
    # A registered household can only be removed, another only admitted: a link with the
    # other kind (or none, or a made-up one) opens the form the household needs, not one
    # whose every submit the service refuses.
    kind = ApplicationKind.REMOVAL if h.registered else ApplicationKind.ADMISSION
    initial: dict[str, Any] = {
        "kind": kind,
        "year": _default_year(),
        "attribute": h.attribute,
        "main_cause": h.main_cause,
        "standard": h.standard or "1",
    }
    open_app = Application.objects.for_user(request.user, "view").open().filter(household=h).first()
    if open_app is not None:
        messages.info(
            request,
            _("户 {code} 已有未办结的申请（#{pk}，{step}）").format(
                code=h.code, pk=open_app.pk, step=open_app.get_step_display()
            ),
        )
        return redirect("identification:application_detail", pk=open_app.pk)
    form = ApplicationForm(request.POST or None, initial=initial, kind=kind)
    if request.method == "POST" and form.is_valid():
        d = form.service_data()
        app = run_service(
            form,
            lambda: application_propose(ctx=form_context(request), household=h, kind=kind, year=d["year"], data=d),
        )
        if app is not None:
            messages.success(request, _("已提交申请 #{pk}，待村民主评议").format(pk=app.pk))
            return redirect("identification:application_detail", pk=app.pk)
    return render(
        request,
        "identification/application_form.html",
        {
            "h": h,
            "form": form,
            "kind": kind,
            "kind_label": ApplicationKind(kind).label,
        },
    )
