"""Pairing pages: coverage (target 100%), cadre workload, assigning and ending a pairing."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, TypedDict, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fupin.accounts.scoping import regions_for_user
from fupin.assistance import forms
from fupin.assistance.models import Cadre, Pairing
from fupin.assistance.selectors.coverage import cadre_workload, pairing_coverage, unpaired_households
from fupin.assistance.selectors.organisation import pairing_history
from fupin.assistance.services import pairing_assign, pairing_end
from fupin.assistance.views.common import (
    can_anywhere,
    form_context,
    needs,
    page_of,
    run_service,
    scoped_get,
    scoped_household,
)
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django_stubs_ext import WithAnnotations

    class _Held(TypedDict):
        """`cadre_workload` annotates each cadre with the households it holds now."""

        held: int

    WorkloadRow = WithAnnotations[Cadre, _Held]


def _within(request: HttpRequest) -> Region | None:
    code = request.GET.get("region", "")
    if not code:
        return None
    return (
        regions_for_user(request.user, "assistance.view_pairing")
        .filter(code=code, level__in=(RegionLevel.DISTRICT, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE))
        .first()
    )


def _on(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return timezone.localdate()


@needs("assistance.view_pairing")
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    within, on = _within(request), _on(request)
    cov = pairing_coverage(user=request.user, on=on, within=within)
    unpaired = page_of(request, unpaired_households(user=request.user, on=on, within=within), 25)
    query = "&".join(p for p in (f"region={within.code}" if within else "", f"on={on.isoformat()}") if p)
    return render(
        request,
        "assistance/coverage.html",
        {
            "cov": cov,
            "within": within,
            "on": on,
            "page": unpaired,
            "query": query,
            # The assign button only for those who may assign (others would get a 404).
            "can_assign": can_anywhere(request.user, "assistance.add_pairing"),
        },
    )


@needs("assistance.view_cadre")
@require_GET
def workload(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    workload_qs, limit = cadre_workload(user=request.user, year=year)
    cadres = cast("QuerySet[WorkloadRow]", workload_qs)  # typed with the selector's `held` annotation
    over = cadres.filter(held__gt=limit).count()
    return render(
        request,
        "assistance/workload.html",
        {
            "page": page_of(request, cadres),
            "limit": limit,
            "year": year,
            "over": over,
        },
    )


@needs("assistance.add_pairing")
@require_http_methods(["GET", "POST"])
def pairing_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    h = scoped_household(request, pk, "assistance.add_pairing")
    form = forms.PairingAssignForm(request.POST or None, user=request.user, household=h)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = run_service(
            form,
            lambda: pairing_assign(
                ctx=form_context(request),
                household=h,
                cadre=d["cadre"],
                started_on=d["started_on"],
                reason=d.get("reason", ""),
            ),
        )
        if done is not None:
            messages.success(
                request, _("已为户 {code} 指定帮扶责任人 {name}").format(code=h.code, name=d["cadre"].name)
            )
            return redirect("assistance:household_plan", pk=h.pk, year=timezone.localdate().year)
    return render(
        request,
        "assistance/pairing_form.html",
        {
            "household": h,
            "form": form,
            "history": pairing_history(user=request.user, household=h),
        },
    )


@needs("assistance.change_pairing")
@require_http_methods(["GET", "POST"])
def pairing_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = scoped_get(
        Pairing.objects.for_user(request.user, "change").select_related("household__region", "cadre"),
        pk=pk,
        ended_on__isnull=True,
    )
    form = forms.PairingEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = run_service(
            form,
            lambda: pairing_end(ctx=form_context(request), pairing=pairing, ended_on=d["ended_on"], reason=d["reason"]),
        )
        if done is not None:
            messages.success(request, _("已结束结对"))
            return redirect("assistance:household_plan", pk=pairing.household_id, year=timezone.localdate().year)
    return render(request, "assistance/pairing_end.html", {"pairing": pairing, "form": form})
