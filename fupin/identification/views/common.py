"""What every identification page needs: the form's service context, 404 out of scope, and
turning a service refusal into form errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest

from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource
from fupin.core.errors import ApplicationError, ScopeError
from fupin.identification.forms import add_service_errors
from fupin.identification.selectors.workflow import holds


def form_context(request: HttpRequest, *, reason: str = "") -> Context:
    return Context(actor=request.user, source=ChangeSource.FORM, reason=reason)


def require(request: HttpRequest, perm: str) -> None:
    """A page that is not about one object: 404 unless the user holds `perm` somewhere
    (deny by default, and a page the user may not use looks absent)."""
    if not holds(request.user, perm):
        raise Http404


def scoped_get(call: Callable[[], Any]) -> Any:
    """Run a scoped lookup; absent or out of scope is a 404."""
    try:
        return call()
    except (ObjectDoesNotExist, ValueError):
        raise Http404 from None


def run_service[T](form: forms.Form, call: Callable[[], T]) -> T | None:
    """Call a service; put a refusal on the form and return None. Out of scope is a 404."""
    try:
        return call()
    except ScopeError:
        raise Http404 from None
    except ValidationError as exc:
        add_service_errors(form, exc)
    except ApplicationError as exc:
        form.add_error(None, exc.message)
    return None


def filter_chips(request: HttpRequest, items: list[tuple[str, str, str | None]]) -> list[dict[str, Any]]:
    """The narrowing a queue was opened with from another page (a township, a list, a
    re-check), shown as chips: each names its scope, links back to where it came from when
    there is such a page, and has a link that drops it (keeping the other filters)."""
    chips = []
    for param, label, href in items:
        query = request.GET.copy()
        query.pop(param, None)
        query.pop("page", None)
        chips.append({"label": label, "href": href, "clear": "?" + query.urlencode()})
    return chips
