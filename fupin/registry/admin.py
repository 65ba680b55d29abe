"""Read-only admin for the registry: households change only through the services (forms,
API, imports), which check scope and log every change. Personal data shows masked here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from fupin.core.admin import ReadOnlyAdmin, ReadOnlyInline
from fupin.registry.models import Household, HouseholdStatusEvent, HouseholdYear, Member
from fupin.utils.masking import mask_account, mask_id, mask_phone


class MemberInline(ReadOnlyInline):
    model = Member
    fields = (
        "name",
        "relation",
        "masked_id",
        "sex",
        "birth_date",
        "join_reason",
        "joined_on",
        "end_reason",
        "ended_on",
    )
    readonly_fields = fields
    ordering = ("ended_on", "relation", "birth_date")

    @admin.display(description=_("证件号码"))
    def masked_id(self, obj: Member) -> str:
        return mask_id(obj.id_number)


class YearInline(ReadOnlyInline):
    model = HouseholdYear
    fields = (
        "year",
        "wage_income",
        "business_income",
        "property_income",
        "transfer_income",
        "production_cost",
        "net_income",
        "persons",
        "per_capita_net_income",
    )
    readonly_fields = fields


class StatusEventInline(ReadOnlyInline):
    model = HouseholdStatusEvent
    fields = ("on", "kind", "year", "status_before", "status_after", "note", "actor")
    readonly_fields = fields


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ("code", "region", "registered", "attribute", "status", "main_cause", "closed_on")
    list_filter = ("registered", "status", "attribute", "main_cause")
    search_fields = ("code",)
    list_select_related = ("region",)
    inlines = (MemberInline, YearInline, StatusEventInline)
    fields = (
        "code",
        "region",
        "hamlet",
        "registered",
        "attribute",
        "main_cause",
        "other_causes",
        "standard",
        "identified_year",
        "status",
        "exit_year",
        "return_year",
        "military_family",
        "only_child",
        "two_daughters",
        "masked_phone",
        "bank_name",
        "masked_account",
        "closed_on",
        "close_reason",
        "created",
        "updated",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest):
        # Staff who are not superusers still see only their scope here.
        return Household.objects.for_user(request.user, "view").select_related("region")

    @admin.display(description=_("户联系电话"))
    def masked_phone(self, obj: Household) -> str:
        return mask_phone(obj.phone)

    @admin.display(description=_("银行账号"))
    def masked_account(self, obj: Household) -> str:
        return mask_account(obj.bank_account)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)
