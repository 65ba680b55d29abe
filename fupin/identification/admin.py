"""Read-only admin for identification: policy versions, cases, findings, lists and re-checks
change only through the services (pages, API, commands), which check scope, keep history
and log every change."""

from __future__ import annotations

from django.contrib import admin

from fupin.core.admin import ReadOnlyAdmin
from fupin.identification.models import Application, ComparisonList, Finding, PolicyVersion, Recheck


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "year",
        "region_id",
        "effective_from",
        "poverty_line",
        "floor_standard_monthly",
        "monitoring_line",
        "verified",
        "supersedes",
        "created",
    )
    list_filter = ("year", "verified")


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("id", "household", "kind", "origin", "year", "step", "step_since", "proposed_by")
    list_filter = ("kind", "step", "origin")
    list_select_related = ("household", "proposed_by")


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "list_kind", "household", "status", "created")
    list_filter = ("kind", "status", "list_kind")
    list_select_related = ("household",)
    exclude = ("evidence",)


@admin.register(ComparisonList)
class ComparisonListAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind_name", "file_name", "rows_valid", "invalid_count", "matched", "findings", "created")


@admin.register(Recheck)
class RecheckAdmin(ReadOnlyAdmin):
    list_display = ("id", "year", "region", "created", "finished")
