"""The household's plan page (一户一法): pairing, gaps, measures by category, visits."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fupin.assistance import forms
from fupin.assistance.choices import MeasureKind
from fupin.assistance.models import Measure, Visit, Wish
from fupin.assistance.policy import floor_schedule
from fupin.assistance.selectors.organisation import pairing_history
from fupin.assistance.selectors.plans import measures_by_category, plan_gaps, plan_get, plan_measures
from fupin.assistance.services import measure_create, measure_update, plan_save
from fupin.assistance.views.common import form_context, needs, run_service, scoped_get, scoped_household, user_can
from fupin.core.errors import ApplicationError
from fupin.registry.choices import Attribute, Relation
from fupin.registry.models import Member

FIRST_YEAR = 2014


def _year(year: int) -> int:
    if not FIRST_YEAR <= year <= timezone.localdate().year + 1:
        raise Http404
    return year


@needs("assistance.view_plan")
@require_GET
def household_plan(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    year = _year(year)
    h = scoped_household(request, pk, "assistance.view_plan")
    measures = list(plan_measures(user=request.user, household=h, year=year))
    head = Member.objects.filter(household=h, relation=Relation.HEAD, ended_on__isnull=True).first()
    schedule = error = None
    if h.attribute in (Attribute.DIBAO, Attribute.TEKUN) or any(m.item.kind == MeasureKind.FLOOR for m in measures):
        try:
            schedule = floor_schedule(h, year)
        except ApplicationError as exc:
            error = exc.message
    user = request.user
    return render(
        request,
        "assistance/household_plan.html",
        {
            "household": h,
            "head": head,
            "year": year,
            "years": range(timezone.localdate().year + 1, FIRST_YEAR - 1, -1),
            "plan": plan_get(household=h, year=year),
            "groups": measures_by_category(measures),
            "measure_count": len(measures),
            "gaps": plan_gaps(h, year),
            "pairings": pairing_history(user=user, household=h),
            "visits": Visit.objects.filter(household=h, visited_on__year=year).select_related("cadre")[:10],
            "wishes": Wish.objects.filter(household=h).order_by("-created")[:10],
            "schedule": schedule,
            "schedule_error": error,
            "can": {
                "add_measure": user_can(user, "assistance.add_measure", h.region),
                "change_measure": user_can(user, "assistance.change_measure", h.region),
                "edit_plan": user_can(user, "assistance.change_plan", h.region),
                "assign": user_can(user, "assistance.add_pairing", h.region),
                "end_pairing": user_can(user, "assistance.change_pairing", h.region),
                "visit": user_can(user, "assistance.add_visit", h.region),
                "wish": user_can(user, "assistance.add_wish", h.region),
                "household": user_can(user, "registry.view_household", h.region),
            },
        },
    )


@needs("assistance.add_plan")
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    year = _year(year)
    h = scoped_household(request, pk, "assistance.add_plan")
    plan = plan_get(household=h, year=year)
    form = forms.PlanForm(request.POST or None, instance=plan)
    back = reverse("assistance:household_plan", args=[h.pk, year])
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form, lambda: plan_save(ctx=form_context(request), household=h, year=year, data=dict(form.cleaned_data))
        )
        if saved is not None:
            messages.success(request, _("已保存 {year} 年帮扶计划").format(year=year))
            return redirect(back)
    return render(
        request,
        "assistance/form.html",
        {"form": form, "back": back, "title": _("户 {code} {year} 年帮扶计划").format(code=h.code, year=year)},
    )


def _measure_page(request: HttpRequest, *, form, household, year: int, title: str) -> HttpResponse:
    return render(
        request,
        "assistance/measure_form.html",
        {
            "form": form,
            "household": household,
            "year": year,
            "title": title,
            "back": reverse("assistance:household_plan", args=[household.pk, year]),
            "kinds": {str(i.pk): i.kind for i in form.fields["item"].queryset},
        },
    )


@needs("assistance.add_measure")
@require_http_methods(["GET", "POST"])
def measure_create_view(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    year = _year(year)
    h = scoped_household(request, pk, "assistance.add_measure")
    form = forms.MeasureForm(request.POST or None, household=h, user=request.user)
    if request.method == "POST" and form.is_valid():
        m = run_service(
            form,
            lambda: measure_create(ctx=form_context(request), household=h, year=year, data=dict(form.cleaned_data)),
        )
        if m is not None:
            messages.success(request, _("已添加措施：{item}").format(item=m.item.name))
            return redirect("assistance:household_plan", pk=h.pk, year=year)
    return _measure_page(
        request,
        form=form,
        household=h,
        year=year,
        title=_("为户 {code} 添加 {year} 年帮扶措施").format(code=h.code, year=year),
    )


@needs("assistance.change_measure")
@require_http_methods(["GET", "POST"])
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    m = scoped_get(Measure.objects.for_user(request.user, "change").select_related("household__region", "item"), pk=pk)
    form = forms.MeasureForm(request.POST or None, instance=m, household=m.household, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form, lambda: measure_update(ctx=form_context(request), measure=m, data=dict(form.cleaned_data))
        )
        if saved is not None:
            messages.success(request, _("已保存措施"))
            return redirect("assistance:household_plan", pk=m.household_id, year=m.year)
    return _measure_page(
        request, form=form, household=m.household, year=m.year, title=_("修改措施：{item}").format(item=m.item.name)
    )
