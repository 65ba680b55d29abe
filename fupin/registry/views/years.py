"""Yearly facts of a household: record a new year, edit an existing one. Net and per-capita
income are computed by the service from the components and the active members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fupin.registry import services
from fupin.registry.forms import YEAR_FORM_FIELDS, HouseholdYearForm
from fupin.registry.models import Household, HouseholdYear
from fupin.registry.views.common import form_context, run_service, scoped_get


def _closed(request: HttpRequest, h: Household) -> HttpResponse | None:
    if h.is_closed:
        messages.error(request, _("户 {code} 已注销，不能修改").format(code=h.code))
        return redirect("registry:household_detail", pk=h.pk)
    return None


@login_required
def year_create(request: HttpRequest, pk: int) -> HttpResponse:
    qs = Household.objects.for_user(request.user, "registry.add_householdyear").select_related("region")
    h = scoped_get(qs, pk=pk)
    if closed := _closed(request, h):
        return closed
    taken = set(h.years.values_list("year", flat=True))
    form = HouseholdYearForm(request.POST or None, with_year=True, taken=taken)
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        y = run_service(
            form,
            lambda: services.household_year_save(
                ctx=form_context(request), household=h, year=year, data=form.service_data()
            ),
        )
        if y is not None:
            messages.success(request, _("已保存户 {code} 的 {year} 年度信息").format(code=h.code, year=year))
            return redirect("registry:household_detail", pk=h.pk)
    return render(request, "registry/year_form.html", {"form": form, "h": h, "creating": True})


@login_required
def year_edit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    qs = HouseholdYear.objects.for_user(request.user, "change").select_related("household__region")
    y = scoped_get(qs, household_id=pk, year=year)
    h = y.household
    if closed := _closed(request, h):
        return closed
    initial = {name: getattr(y, name) for name in YEAR_FORM_FIELDS}
    form = HouseholdYearForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.household_year_save(
                ctx=form_context(request), household=h, year=year, data=form.service_data()
            ),
        )
        if saved is not None:
            messages.success(request, _("已保存户 {code} 的 {year} 年度信息").format(code=h.code, year=year))
            return redirect("registry:household_detail", pk=h.pk)
    return render(request, "registry/year_form.html", {"form": form, "h": h, "y": y, "creating": False})
