"""What every registry page needs: the service context of a form post, scoped lookups that
answer 404 out of scope, and the permission flags that decide which buttons show."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from fupin.accounts.scoping import user_can
from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource
from fupin.core.errors import ApplicationError, ScopeError
from fupin.regions.models import Region
from fupin.registry.forms import add_service_errors

SENSITIVE = "registry.view_sensitive_household"


def form_context(request: HttpRequest, *, reason: str = "") -> Context:
    return Context(actor=request.user, source=ChangeSource.FORM, reason=reason)


def scoped_get(queryset: QuerySet[Any], **lookup: Any) -> Any:
    """One object of an already scoped queryset, or 404 (out of scope looks like absent)."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404 from None


def can(user: Any, region: Region) -> dict[str, bool]:
    """Which actions `user` may take on households of `region` (scope lookups are cached
    on the user, so this costs one query per permission at most)."""
    perms = {
        "change": "registry.change_household",
        "close": "registry.close_household",
        "add_member": "registry.add_member",
        "change_member": "registry.change_member",
        "add_year": "registry.add_householdyear",
        "change_year": "registry.change_householdyear",
        "sensitive": SENSITIVE,
    }
    return {key: user_can(user, perm, region) for key, perm in perms.items()}


def run_service[T](
    form: forms.BaseForm | Callable[[ValidationError], forms.BaseForm],
    call: Callable[[], T],
    *,
    rename: dict[str, str] | None = None,
) -> T | None:
    """Call a service; on a refusal put its message on the form (the field's error under the
    field) and return None. A scope refusal is a 404, as if the object were not there."""
    try:
        return call()
    except ScopeError:
        raise Http404 from None
    except ValidationError as exc:
        target = form(exc) if callable(form) else form
        add_service_errors(target, exc, rename)
    except ApplicationError as exc:
        target = form if isinstance(form, forms.BaseForm) else form(ValidationError(exc.message))
        target.add_error(None, exc.message)
    return None
