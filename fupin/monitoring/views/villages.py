"""Village and district exit: incidence per village against the threshold, what holds a
village back, and the district office's upkeep of each village's rural population."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fupin.monitoring import rules
from fupin.monitoring.choices import ExitCaseStatus
from fupin.monitoring.forms import PopulationForm
from fupin.monitoring.incidence import PERM, incidence_table, poor_households, village_row, villages_for
from fupin.monitoring.models import ExitAssessment, ExitCase
from fupin.monitoring.services.villages import village_population_set
from fupin.monitoring.views.common import form_context, need, run_service, scoped_get, user_can

SET_POPULATION = "monitoring.set_rural_population"


@login_required
@require_GET
def village_list(request: HttpRequest) -> HttpResponse:
    need(request.user, PERM)
    table = incidence_table(user=request.user)
    meeting = [r for r in table.rows if r.meets]
    held = [r for r in table.rows if not r.meets]
    return render(request, "monitoring/village_list.html", {"table": table, "meeting": meeting, "held": held})


@login_required
@require_GET
def village_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need(request.user, PERM)
    village = scoped_get(villages_for(request.user), pk=pk)
    return render(request, "monitoring/village_detail.html", _context(request, village))


def _context(request: HttpRequest, village, form: PopulationForm | None = None) -> dict:
    row = village_row(user=request.user, village=village)
    if row is None:
        raise Http404
    homes = list(poor_households(village=village))
    ids = [h.pk for h in homes]
    latest: dict[int, ExitAssessment] = {}
    for found in ExitAssessment.objects.filter(household_id__in=ids).order_by("household_id", "-created", "-id"):
        latest.setdefault(found.household_id, found)
    cases = dict(
        ExitCase.objects.filter(household_id__in=ids, status=ExitCaseStatus.OPEN).values_list(
            "household_id", "next_step"
        )
    )
    rows = []
    for h in homes:
        a = latest.get(h.pk)
        rows.append(
            {
                "h": h,
                "assessment": a,
                "open_step": cases.get(h.pk),
                "blocking": [rules.explain(r) for r in a.results if r["outcome"] != rules.MET] if a else [],
            }
        )
    can_set = user_can(request.user, SET_POPULATION, village)
    if can_set and form is None:
        form = PopulationForm(initial={"rural_population": village.rural_population})
    return {"row": row, "village": village, "homes": rows, "form": form if can_set else None}


@login_required
@require_POST
def village_population(request: HttpRequest, pk: int) -> HttpResponse:
    need(request.user, SET_POPULATION)
    village = scoped_get(villages_for(request.user), pk=pk)
    form = PopulationForm(request.POST)
    if form.is_valid():
        value = form.cleaned_data["rural_population"]
        if (
            run_service(
                form, lambda: village_population_set(ctx=form_context(request), village=village, population=value)
            )
            is not None
        ):
            messages.success(request, _("已更新{village}的农村户籍人口").format(village=village.name))
            return redirect("monitoring:village_detail", pk=village.pk)
    return render(request, "monitoring/village_detail.html", _context(request, village, form), status=400)
