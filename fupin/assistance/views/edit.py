"""One create/edit flow for the simple organisation records: a form of fields, a service
call, the service's errors under the fields, a redirect on success."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from fupin.assistance.views.common import form_context, run_service


def edit_page(
    request: HttpRequest,
    *,
    form_factory: Callable[..., Any],
    save: Callable[[Any, dict[str, Any]], Any],
    title: str,
    back: str,
    done: str,
    success: Callable[[Any], str] | None = None,
) -> HttpResponse:
    """GET shows the form; POST calls `save(ctx, cleaned_data)` and redirects to `success(obj)`
    or `back`."""
    form = form_factory(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        obj = run_service(form, lambda: save(form_context(request), dict(form.cleaned_data)))
        if obj is not None:
            messages.success(request, done)
            return redirect(success(obj) if success else back)
    return render(request, "assistance/form.html", {"form": form, "title": title, "back": back})
