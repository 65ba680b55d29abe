"""Admin for users (with their role assignments) and roles. Every save is logged."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import Role, RoleAssignment, User
from fupin.core.admin import LoggedAdminMixin, admin_context
from fupin.core.changelog import change_row
from fupin.core.choices import ChangeAction


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    can_delete = False  # an assignment ends with a 失效日期; the row stays for the record
    fields = ("role", "region", "valid_from", "valid_to")
    autocomplete_fields = ("region",)


@admin.register(User)
class UserAdmin(LoggedAdminMixin, BaseUserAdmin):
    # The password hash and login times are never copied into the change log.
    log_exclude = ("password", "last_login")
    inlines = (RoleAssignmentInline,)
    list_display = ("username", "first_name", "phone", "is_active", "is_staff", "is_superuser", "roles")
    list_filter = ("is_active", "is_staff", "is_superuser", "assignments__role")
    search_fields = ("username", "first_name", "last_name", "phone")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("first_name", "last_name", "email", "phone")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).prefetch_related("assignments__role", "assignments__region")

    @admin.display(description=_("角色"))
    def roles(self, obj: User) -> str:
        return "；".join(f"{a.role.name}·{a.region.name}" for a in obj.assignments.all())


@admin.register(Role)
class RoleAdmin(LoggedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code")
    filter_horizontal = ("permissions",)
    search_fields = ("name", "code")

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        if change:
            request._fupin_role_perms = _perm_names(Role.objects.get(pk=form.instance.pk))  # type: ignore[attr-defined]
        return super().save_form(request, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Permissions are a many-to-many set, invisible to the row snapshot: log the set.
        before = getattr(request, "_fupin_role_perms", []) if change else []
        after = _perm_names(form.instance)
        if before != after:
            change_row(
                admin_context(request),
                obj=form.instance,
                action=ChangeAction.UPDATE,
                before={"permissions": before},
                after={"permissions": after},
            ).save()


def _perm_names(role: Role) -> list[str]:
    return sorted(f"{p.content_type.app_label}.{p.codename}" for p in role.permissions.select_related("content_type"))
