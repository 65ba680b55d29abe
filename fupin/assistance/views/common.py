"""What the assistance pages share: permission gates that answer 404 (never 403), scoped
lookups, and the service context of a form post."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from fupin.accounts.scoping import scope_paths, user_can
from fupin.registry.models import Household
from fupin.registry.views.common import form_context, run_service, scoped_get

__all__ = ["can_anywhere", "form_context", "needs", "run_service", "scoped_get", "scoped_household", "user_can"]


def can_anywhere(user: Any, perm: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or bool(scope_paths(user, perm))


def needs(perm: str) -> Callable:
    """Login required, then `perm` on some region; anybody else (a donor, say) gets 404."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kw: Any) -> HttpResponse:
            if not can_anywhere(request.user, perm):
                raise Http404
            return view(request, *args, **kw)

        return wrapped

    return decorator


def scoped_household(request: HttpRequest, pk: int, perm: str) -> Household:
    return scoped_get(Household.objects.for_user(request.user, perm).select_related("region"), pk=pk)


def page_of(request: HttpRequest, qs: Any, size: int = 50) -> Any:
    from django.core.paginator import Paginator

    return Paginator(qs, size).get_page(request.GET.get("page"))
