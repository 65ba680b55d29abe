"""Admin for the change log and jobs (read-only), and the mixins that keep every admin
write traceable: an admin edit is logged like a form or an import (source = 管理后台)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from fupin.core.changelog import Context, change_row, snapshot
from fupin.core.choices import ChangeAction, ChangeSource
from fupin.core.models import Job, ObjectChange
from fupin.core.templatetags.fupin_ui import pretty_json


def admin_context(request: HttpRequest) -> Context:
    return Context(actor=request.user, source=ChangeSource.ADMIN)


def log_admin_change(
    request: HttpRequest,
    obj: models.Model,
    before: dict | None,
    *,
    exclude: tuple[str, ...] = (),
    related: models.Model | None = None,
) -> None:
    """Write one change-log row for an admin save; nothing when no logged field changed."""
    after = snapshot(obj, exclude=exclude)
    if before is None:
        change_row(
            admin_context(request), obj=obj, action=ChangeAction.CREATE, before=None, after=after, related=related
        ).save()
        return
    changed = {k for k in after if after[k] != before.get(k)}
    if changed:
        change_row(
            admin_context(request),
            obj=obj,
            action=ChangeAction.UPDATE,
            before={k: before.get(k) for k in changed},
            after={k: after[k] for k in changed},
            related=related,
        ).save()


class LoggedAdminMixin:
    """Log the admin's saves of the main object and of its inlines. Deleting is refused:
    users are deactivated, assignments given an end date, regions kept for the history."""

    log_exclude: tuple[str, ...] = ()

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        # The "before" must be read before the form saves: treebeard's form writes the node
        # (and moves it) inside save_form already.
        if change:
            current = type(form.instance)._default_manager.get(pk=form.instance.pk)
            request._fupin_admin_before = snapshot(current, exclude=self.log_exclude)  # type: ignore[attr-defined]
        return super().save_form(request, form, change)  # type: ignore[misc]

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        log_admin_change(
            request, obj, getattr(request, "_fupin_admin_before", None) if change else None, exclude=self.log_exclude
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: BaseInlineFormSet, change: bool) -> None:
        instances = formset.save(commit=False)
        befores = {}
        for obj in instances:
            if obj.pk:
                befores[obj.pk] = snapshot(type(obj)._default_manager.get(pk=obj.pk))
        for obj in instances:
            before = befores.get(obj.pk)
            obj.save()
            log_admin_change(request, obj, before, related=form.instance)
        formset.save_m2m()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """A view-only admin: records change through services, never by hand here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ObjectChange)
class ObjectChangeAdmin(ReadOnlyAdmin):
    list_display = ("time", "action", "source", "content_type", "object_repr", "actor_name", "reason")
    list_filter = ("action", "source", "content_type")
    search_fields = ("object_repr", "actor_name", "reason")
    date_hierarchy = "time"
    list_select_related = ("content_type",)
    fields = (
        "time",
        "action",
        "source",
        "batch_id",
        "content_type",
        "object_id",
        "object_repr",
        "related_type",
        "related_id",
        "actor",
        "actor_name",
        "reason",
        "before_json",
        "after_json",
    )
    readonly_fields = fields

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The log spans every region, so only superusers read it whole; everyone else sees
        # a record's history on its own page, within their scope.
        return bool(request.user.is_active and request.user.is_superuser)

    @admin.display(description=_("修改前"))
    def before_json(self, obj: ObjectChange) -> str:
        return format_html("<pre>{}</pre>", pretty_json(obj.before))

    @admin.display(description=_("修改后"))
    def after_json(self, obj: ObjectChange) -> str:
        return format_html("<pre>{}</pre>", pretty_json(obj.after))


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ("kind", "status", "actor", "created", "finished", "total", "done")
    list_filter = ("status", "kind")
    search_fields = ("kind", "actor__username")
    date_hierarchy = "created"
    list_select_related = ("actor",)
    fields = (
        "id",
        "kind",
        "status",
        "actor",
        "params",
        "total",
        "done",
        "message",
        "result",
        "result_file",
        "input_file",
        "created",
        "started",
        "finished",
        "log",
    )
    readonly_fields = fields

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)
