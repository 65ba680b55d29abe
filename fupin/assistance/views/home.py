"""The cadre's home page: their households, overdue visits, open measures and wishes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from fupin.assistance.choices import WishStatus
from fupin.assistance.models import Wish
from fupin.assistance.policy import visit_policy
from fupin.assistance.selectors import visits as sel
from fupin.assistance.selectors.plans import open_measures
from fupin.assistance.views.visits import with_head_name

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from fupin.registry.models import Household

    class _VisitFlags(TypedDict):
        """What this page sets on each of the cadre's households for the template."""

        is_overdue: bool
        days_over: int | None

    HouseholdRow = WithAnnotations[Household, _VisitFlags]


@login_required
@require_GET
def me(request: HttpRequest) -> HttpResponse:
    user, on = request.user, timezone.localdate()
    cadre = sel.cadre_of(user)
    households = sel.my_households(user=user, cadre=cadre) if cadre else None
    context: dict[str, Any] = {"cadre": cadre, "on": on, "year": on.year}
    if households is not None:
        rows = cast("list[HouseholdRow]", list(with_head_name(sel.with_visit_dates(households))))
        overdue_ids = set(sel.with_visit_dates(households).filter(sel.overdue_q(on)).values_list("pk", flat=True))
        policy = visit_policy(on.year)
        for h in rows:
            h.is_overdue = h.pk in overdue_ids
            h.days_over = sel.overdue_days(h, on, policy) if h.is_overdue else None
        context.update(
            {
                "households": rows,
                "overdue": [h for h in rows if h.is_overdue],
                "measures": list(open_measures(user=user, households=households)[:50]),
                "wishes": list(
                    Wish.objects.for_user(user, "view")
                    .filter(
                        household__in=households.values("pk"),
                        status__in=(WishStatus.OPEN, WishStatus.CLAIMED, WishStatus.DELIVERED),
                    )
                    .select_related("household")
                    .order_by("-created")[:50]
                ),
            }
        )
    return render(request, "assistance/me.html", context)
