"""Applications from an import: the recent batches with households to apply for, and one
batch's confirmation page (how many cases will open) whose button opens them."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fupin.core.errors import ApplicationError
from fupin.identification.forms import ImportApplicationsForm
from fupin.identification.selectors.imports import import_batches, import_preview, import_scope
from fupin.identification.selectors.policy import latest_policy_year
from fupin.identification.services.imports import application_create_from_import
from fupin.identification.views.common import form_context, run_service


def _require_scope(request: HttpRequest) -> None:
    # Deny by default: only those who may open cases for a whole import see these pages.
    if import_scope(request.user) == []:
        raise Http404


def _default_year() -> int | None:
    # The service's default (and the command's): the latest year with a poverty line, so the
    # three ways in open cases for the same year. None leaves the field for the user to fill.
    try:
        return latest_policy_year()
    except ApplicationError:
        return None


@login_required
@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    _require_scope(request)
    return render(request, "identification/import_list.html", {"batches": import_batches(user=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def import_applications(request: HttpRequest, batch: uuid.UUID) -> HttpResponse:
    _require_scope(request)
    preview = import_preview(user=request.user, batch=batch)
    if not preview.households:
        raise Http404  # unknown batch, or none of its households in the user's scope
    form = ImportApplicationsForm(request.POST or None, initial={"year": _default_year()})
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: application_create_from_import(
                ctx=form_context(request), batch=batch, year=form.cleaned_data["year"]
            ),
        )
        if done is not None:
            messages.success(request, _("已为导入批次中的 {n} 户创建识别申请（候选，待村确认）").format(n=done.created))
            return redirect(reverse("identification:application_list") + "?step=candidate")
    return render(request, "identification/import_confirm.html", {"p": preview, "form": form})
