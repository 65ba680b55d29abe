"""Reading the organisation, always through the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Q, QuerySet

from fupin.assistance.models import Cadre, LeadingGroupMember, LinkedUnit, Pairing, WorkTeam


def linked_unit_list(*, user: Any) -> QuerySet[LinkedUnit]:
    return (
        LinkedUnit.objects.for_user(user, "view")
        .annotate(team_count=Count("teams", distinct=True), cadre_count=Count("cadres", distinct=True))
        .order_by("name")
    )


def group_member_list(*, user: Any) -> QuerySet[LeadingGroupMember]:
    return (
        LeadingGroupMember.objects.for_user(user, "view")
        .select_related("region", "unit")
        .order_by(F("ended_on").asc(nulls_first=True), "group_role", "name")
    )


def work_team_list(*, user: Any) -> QuerySet[WorkTeam]:
    return (
        WorkTeam.objects.for_user(user, "view")
        .select_related("region", "unit", "leader")
        .annotate(member_count=Count("members", filter=Q(members__ended_on__isnull=True)))
        .order_by(F("ended_on").asc(nulls_first=True), "name")
    )


def cadre_list(*, user: Any, q: str = "") -> QuerySet[Cadre]:
    qs = (
        Cadre.objects.for_user(user, "view")
        .select_related("unit", "team", "region")
        .annotate(held=Count("pairings", filter=Q(pairings__ended_on__isnull=True)))
    )
    if q.strip():
        qs = qs.filter(Q(name__contains=q.strip()) | Q(phone__startswith=q.strip()))
    return qs.order_by(F("ended_on").asc(nulls_first=True), "name", "pk")


def pairing_history(*, user: Any, household: Any) -> QuerySet[Pairing]:
    return (
        Pairing.objects.for_user(user, "view")
        .filter(household=household)
        .select_related("cadre__unit")
        .order_by(F("ended_on").asc(nulls_first=True), "-started_on", "-pk")
    )
