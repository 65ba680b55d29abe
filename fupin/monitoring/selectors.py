"""Reading monitoring data, always through the acting user's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, Count, DecimalField, Exists, F, OuterRef, Prefetch, QuerySet, Subquery, Value, When
from django.utils import timezone

from fupin.identification.selectors import policies_for_regions
from fupin.monitoring.choices import AlertStatus, ExitCaseStatus, ObjectStatus
from fupin.monitoring.models import (
    Alert,
    AlertStep,
    DepartmentList,
    ExitAssessment,
    ExitCase,
    ExitStep,
    MonitoringObject,
    ObjectEvent,
    Risk,
)
from fupin.monitoring.policy import monitoring_lines_for_regions
from fupin.regions.models import Region
from fupin.registry.choices import PovertyStatus, Relation
from fupin.registry.models import Household, HouseholdYear, Member


def head_name() -> Subquery:
    head = Member.objects.filter(household=OuterRef("household"), relation=Relation.HEAD, ended_on__isnull=True)
    return Subquery(head.values("name")[:1])


def _in_region(qs: QuerySet[Any], region: Region | None, field: str) -> QuerySet[Any]:
    return qs.filter(**{f"{field}__path__startswith": region.path}) if region is not None else qs


def alert_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Alert]:
    f = filters or {}
    qs = Alert.objects.for_user(user, "view").select_related("region", "household", "department_list")
    qs = _in_region(qs, f.get("region"), "region")
    for name in ("status", "source", "next_step"):
        if f.get(name):
            qs = qs.filter(**{name: f[name]})
    if f.get("overdue"):
        qs = qs.filter(status=AlertStatus.OPEN, deadline__lt=timezone.localdate())
    if f.get("unmatched"):
        qs = qs.filter(household__isnull=True)
    return qs.annotate(head_name=head_name()).order_by("status", "deadline", "-id")


def alert_get(*, user: Any, pk: int, action: str = "view") -> Alert:
    return (
        Alert.objects.for_user(user, action)
        .select_related(
            "region", "household__region", "department_list", "monitoring_object", "visit", "reported_by", "attached_to"
        )
        .prefetch_related(Prefetch("steps", queryset=AlertStep.objects.select_related("actor")))
        .get(pk=pk)
    )


def alert_signals(*, user: Any, alert: Alert) -> QuerySet[Alert]:
    """The further signals that joined `alert` (one procedure per household), oldest first."""
    return (
        Alert.objects.for_user(user, "view")
        .filter(attached_to=alert)
        .select_related("department_list", "reported_by", "visit")
        .order_by("created", "id")
    )


def object_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[MonitoringObject]:
    f = filters or {}
    qs = MonitoringObject.objects.for_user(user, "view").select_related("household__region")
    qs = _in_region(qs, f.get("region"), "household__region")
    for name in ("status", "object_type"):
        if f.get(name):
            qs = qs.filter(**{name: f[name]})
    if f.get("risk"):
        qs = qs.filter(risks__kind=f["risk"])
    if f.get("pending"):
        qs = qs.exclude(proposed_method="")
    return (
        qs.annotate(head_name=head_name())
        .prefetch_related(Prefetch("risks", queryset=Risk.objects.order_by("kind")))
        .order_by("status", "-identified_on", "-id")
    )


def object_get(*, user: Any, pk: int, action: str = "view") -> MonitoringObject:
    return (
        MonitoringObject.objects.for_user(user, action)
        .select_related("household__region", "alert", "proposed_by")
        .prefetch_related(
            Prefetch("risks", queryset=Risk.objects.order_by("kind")),
            Prefetch("events", queryset=ObjectEvent.objects.select_related("actor")),
        )
        .get(pk=pk)
    )


def exit_case_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[ExitCase]:
    f = filters or {}
    qs = ExitCase.objects.for_user(user, "view").select_related("household__region", "proposer")
    qs = _in_region(qs, f.get("region"), "household__region")
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    return qs.annotate(head_name=head_name()).order_by("status", "-created", "-id")


def exit_case_get(*, user: Any, pk: int, action: str = "view") -> ExitCase:
    return (
        ExitCase.objects.for_user(user, action)
        .select_related("household__region", "assessment__policy", "proposer")
        .prefetch_related(Prefetch("steps", queryset=ExitStep.objects.select_related("actor")))
        .get(pk=pk)
    )


def latest_assessment(*, household: Household) -> ExitAssessment | None:
    return (
        ExitAssessment.objects.filter(household=household).select_related("policy").order_by("-created", "-id").first()
    )


def department_lists(*, user: Any) -> QuerySet[DepartmentList]:
    return DepartmentList.objects.for_user(user, "view").select_related("region", "uploaded_by")


def stably_exited(*, user: Any, year: int) -> QuerySet[Household]:
    """稳定脱贫 (derived, never stored): an exited household, not monitored and without an open
    alert, whose per-capita net income in `year` is above the year's monitoring line (the
    poverty line where the year has no monitoring line)."""
    households = Household.objects.for_user(user, "view").filter(
        registered=True, status=PovertyStatus.EXITED, closed_on__isnull=True
    )
    region_ids = list(households.values_list("region_id", flat=True).distinct())
    regions = list(Region.objects.filter(pk__in=region_ids))
    lines = monitoring_lines_for_regions(regions=regions, year=year)
    if not any(v is not None for v in lines.values()):
        lines = {
            pk: (v.poverty_line if v is not None else None)
            for pk, v in policies_for_regions(regions=regions, year=year).items()
        }
    whens = [When(region_id=pk, then=Value(v)) for pk, v in lines.items() if v is not None]
    if not whens:
        return households.none()
    income = HouseholdYear.objects.filter(household=OuterRef("pk"), year=year).values("per_capita_net_income")[:1]
    money = DecimalField(max_digits=12, decimal_places=2)
    return (
        households.annotate(
            income=Subquery(income, output_field=money), line=Case(*whens, default=Value(None), output_field=money)
        )
        .filter(income__isnull=False, line__isnull=False, income__gt=F("line"))
        .exclude(Exists(MonitoringObject.objects.filter(household=OuterRef("pk"), status=ObjectStatus.MONITORED)))
        .exclude(Exists(Alert.objects.filter(household=OuterRef("pk"), status=AlertStatus.OPEN)))
        .select_related("region")
        .annotate(
            head_name=Subquery(
                Member.objects.filter(household=OuterRef("pk"), relation=Relation.HEAD, ended_on__isnull=True).values(
                    "name"
                )[:1]
            )
        )
        .order_by("region__path", "code")
    )


def open_exit_case(*, household: Household) -> ExitCase | None:
    return ExitCase.objects.filter(household=household, status=ExitCaseStatus.OPEN).first()


def household_monitoring(*, user: Any, household: Household) -> dict[str, Any]:
    """What the monitoring area knows about one household (for its exit page)."""
    return {
        "objects": list(
            MonitoringObject.objects.for_user(user, "view").filter(household=household).prefetch_related("risks")
        ),
        "alerts": list(Alert.objects.for_user(user, "view").filter(household=household).order_by("-created")[:20]),
        "cases": list(ExitCase.objects.for_user(user, "view").filter(household=household).order_by("-created")),
    }


def counts_by(qs: QuerySet[Any], field: str) -> dict[str, int]:
    return {row[field]: row["n"] for row in qs.values(field).annotate(n=Count("id")).order_by()}


def age_days(created: dt.datetime, today: dt.date) -> int:
    return (today - timezone.localtime(created).date()).days
