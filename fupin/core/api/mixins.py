"""Scoped viewsets: every queryset is narrowed to the acting user's regions, by default.

`get_queryset()` always starts from `Model.objects.for_user(user, action)`, where action is
`view` for safe methods and, for writes, `add` (create), `change` (others) or whatever
`scope_actions` names for a custom action (a dotted permission such as
`registry.add_member` is taken as is). A user without that permission in the object's region
gets an empty queryset, hence 404: deny by default, existence never leaks.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS

from fupin.core.api.permissions import IsAuthenticatedActive
from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource

# Token first so that an anonymous call answers 401 with a WWW-Authenticate header.
API_AUTHENTICATION = [TokenAuthentication, SessionAuthentication]


class ScopedViewSetMixin:
    """Put before the DRF viewset base. Subclasses set `scoped_model` and may refine the
    scoped queryset (select_related, annotations) in `refine_queryset`."""

    scoped_model: type[models.Model] | None = None
    scope_actions: dict[str, str] = {}
    authentication_classes = API_AUTHENTICATION
    permission_classes = [IsAuthenticatedActive]
    # Writes are JSON: nested bodies (a household with its head) have no form encoding.
    parser_classes = [JSONParser]

    request: Any
    action: str | None

    def scope_action(self) -> str:
        if self.request.method in SAFE_METHODS:
            return "view"
        if self.action in self.scope_actions:
            return self.scope_actions[self.action]
        return "add" if self.action == "create" else "change"

    def scoped(self, action: str) -> models.QuerySet:
        """`scoped_model` rows the acting user may touch with `action` (nothing if none)."""
        manager = getattr(self.scoped_model, "objects", None)
        if manager is None or not hasattr(manager, "for_user"):
            raise ImproperlyConfigured(f"{type(self).__name__} needs a scoped_model with a for_user() queryset")
        return manager.for_user(self.request.user, action)

    def get_queryset(self) -> models.QuerySet:
        return self.refine_queryset(self.scoped(self.scope_action()))

    def refine_queryset(self, qs: models.QuerySet) -> models.QuerySet:
        return qs

    def filter_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        # List filters narrow lists only: a detail URL names its object, and a list default
        # (e.g. hiding closed households) must not turn a detail or an action into a 404.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)  # type: ignore[misc]

    def service_context(self, *, reason: str = "") -> Context:
        """The change-log context of a write made through the API."""
        return Context(actor=self.request.user, source=ChangeSource.API, reason=reason)
