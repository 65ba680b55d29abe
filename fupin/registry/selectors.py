"""Reading the registry, always through the acting user's scope."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from fupin.core.models import ObjectChange
from fupin.registry.choices import Relation
from fupin.registry.models import Household, HouseholdStatusEvent, HouseholdYear, Member
from fupin.utils import idno


def household_search_q(q: str) -> Q:
    """户编号 prefix, a member's full ID number, or a member's name (any member)."""
    q = q.strip()
    if not q:
        return Q()
    number = idno.normalize(q)
    if len(number) in (15, 18) and number[:6].isdigit():
        # A full ID number (a 15-digit one is searched in its 18-digit form) — or a code prefix.
        full = idno.upgrade_15(number) or number
        return Q(Exists(Member.objects.filter(household=OuterRef("pk"), id_number=full))) | Q(code__startswith=q)
    return Q(code__startswith=q) | Q(Exists(Member.objects.filter(household=OuterRef("pk"), name__contains=q)))


def household_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Household]:
    """Households the user may view, filtered, with the head's name and ID and the size
    annotated so that a page of any length costs a fixed number of queries."""
    filters = filters or {}
    qs = Household.objects.for_user(user, "view").select_related("region")
    if q := filters.get("q"):
        qs = qs.filter(household_search_q(q))
    if region := filters.get("region"):
        qs = qs.filter(region__path__startswith=region.path)
    for name in ("status", "attribute", "main_cause"):
        if value := filters.get(name):
            qs = qs.filter(**{name: value})
    if cause := filters.get("cause"):
        qs = qs.filter(Q(main_cause=cause) | Q(other_causes__contains=cause))
    if (registered := filters.get("registered")) not in (None, ""):
        qs = qs.filter(registered=registered in (True, "1", "true"))
    if not filters.get("include_closed"):
        qs = qs.filter(closed_on__isnull=True)
    head = Member.objects.filter(household=OuterRef("pk"), relation=Relation.HEAD, ended_on__isnull=True)
    return qs.annotate(
        head_name=Subquery(head.values("name")[:1]),
        head_id_number=Subquery(head.values("id_number")[:1]),
        size=Count("members", filter=Q(members__ended_on__isnull=True)),
    ).order_by("code")


def household_get(*, user: Any, pk: int, action: str = "view") -> Household:
    """One household in scope, with members and years prefetched; raises DoesNotExist (→ 404)."""
    return (
        Household.objects.for_user(user, action)
        .select_related("region")
        .prefetch_related(
            Prefetch("members", queryset=Member.objects.order_by("ended_on", "relation", "birth_date")),
            Prefetch("years", queryset=HouseholdYear.objects.order_by("-year")),
            Prefetch("status_events", queryset=HouseholdStatusEvent.objects.select_related("actor")),
        )
        .get(pk=pk)
    )


def household_history(*, household: Household, limit: int = 200) -> QuerySet[ObjectChange]:
    """Changes of the household and of everything that names it as related (members, years)."""
    ct = ContentType.objects.get_for_model(Household)
    return (
        ObjectChange.objects.filter(related_type=ct, related_id=household.pk)
        .select_related("content_type", "actor")
        .order_by("-time", "-id")[:limit]
    )


def member_list(*, user: Any) -> QuerySet[Member]:
    return Member.objects.for_user(user, "view").select_related("household__region")
