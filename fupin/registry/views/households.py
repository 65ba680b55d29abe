"""Household pages: list, detail, create, edit, close. Reads go through the selectors,
writes through the services; out-of-scope households answer 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fupin.accounts.scoping import scope_paths
from fupin.core.api.errors import raised_in_module
from fupin.registry import selectors, services
from fupin.registry.choices import IdType
from fupin.registry.forms import (
    DEFAULT_PAGE_SIZE,
    INCOME_FIELDS,
    YEAR_FORM_FIELDS,
    HouseholdCloseForm,
    HouseholdFilterForm,
    HouseholdForm,
    MemberForm,
    household_regions,
)
from fupin.registry.models import Household
from fupin.registry.views.common import can, form_context, run_service, scoped_get
from fupin.registry.views.history import display_value, history_entries
from fupin.utils.masking import mask_account, mask_id, mask_phone

EXPORT = "registry.export_household"


@login_required
@require_GET
def household_list(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy() if request.GET else None
    if data is not None and not data.get("page_size"):
        # Without a value the select shows its first choice (10) while the list shows 25, and
        # the next search would quietly switch to 10 a page.
        data["page_size"] = str(DEFAULT_PAGE_SIZE)
    form = HouseholdFilterForm(data, user=request.user, initial={"page_size": DEFAULT_PAGE_SIZE})
    filters = form.selector_filters()
    households = selectors.household_list(user=request.user, filters=filters)
    page = Paginator(households, form.get_page_size()).get_page(request.GET.get("page"))
    for h in page.object_list:
        # Lists always mask, whoever reads them.
        h.head_id_masked = mask_id(h.head_id_number)  # type: ignore[attr-defined]
        h.phone_masked = mask_phone(h.phone)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registry/household_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filter_count": len([k for k in filters if k != "q"]),
            "perms_export": request.user.is_superuser or bool(scope_paths(request.user, EXPORT)),
            "can_create": household_regions(request.user, "registry.add_household").exists(),
        },
    )


FACT_FIELDS = (
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
    "phone",
    "bank_name",
    "bank_account",
    "closed_on",
    "close_reason",
)
CONDITION_FIELDS = tuple(f for f in YEAR_FORM_FIELDS if f not in INCOME_FIELDS)


def _facts(obj: Model, names: tuple[str, ...], shown: dict[str, str]) -> list[tuple[str, str]]:
    """(verbose name, readable value) pairs; `shown` overrides values (masked personal data)."""
    rows = []
    for name in names:
        f = obj._meta.get_field(name)
        assert isinstance(f, models.Field)
        value = shown[name] if name in shown else display_value(f, getattr(obj, f.attname))
        rows.append((str(f.verbose_name), value or "—"))
    return rows


@login_required
@require_GET
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        h = selectors.household_get(user=request.user, pk=pk)
    except Household.DoesNotExist:
        raise Http404 from None
    allowed = can(request.user, h.region)
    sensitive = allowed["sensitive"]
    members = list(h.members.all())
    for m in members:
        m.id_shown = m.id_number if sensitive else mask_id(m.id_number)  # type: ignore[attr-defined]
        m.phone_shown = m.phone if sensitive else mask_phone(m.phone)  # type: ignore[attr-defined]
    years = list(h.years.all())
    for y in years:
        facts = _facts(y, CONDITION_FIELDS, {})
        y.conditions = [(label, value) for label, value in facts if value != "—"]  # type: ignore[attr-defined]
    shown = {
        "region": h.region.full_name,
        "phone": h.phone if sensitive else mask_phone(h.phone),
        "bank_account": h.bank_account if sensitive else mask_account(h.bank_account),
    }
    names = FACT_FIELDS if h.is_closed else FACT_FIELDS[:-2]
    # A closed household keeps its page and history, but nothing on it can change.
    return render(
        request,
        "registry/household_detail.html",
        {
            "h": h,
            "facts": _facts(h, names, shown),
            "active_members": [m for m in members if m.is_active],
            "ended_members": [m for m in members if not m.is_active],
            "years": years,
            "events": list(h.status_events.all()),
            "history": history_entries(selectors.household_history(household=h)),
            "sensitive": sensitive,
            "allowed": {key: value and not h.is_closed for key, value in allowed.items()},
        },
    )


def _head_error(exc: ValidationError) -> bool:
    # The household's own rules and its head's share field names (phone): tell them apart
    # by where the service raised.
    return raised_in_module(exc, "fupin.registry.services.members")


@login_required
def household_create(request: HttpRequest) -> HttpResponse:
    perm = "registry.add_household"
    if not household_regions(request.user, perm).exists():
        raise Http404
    form = HouseholdForm(request.POST or None, user=request.user, perm=perm, with_code=True)
    head = MemberForm(request.POST or None, prefix="head", head=True, id_type=IdType.RESIDENT)
    # Both forms are validated (no short-circuit `and`) so one submit reports all their errors.
    valid = [form.is_valid(), head.is_valid()]
    if request.method == "POST" and all(valid):
        h = run_service(
            lambda exc: head if _head_error(exc) else form,
            lambda: services.household_create(
                ctx=form_context(request),
                code=form.cleaned_data["code"],
                region=form.cleaned_data["region"],
                data=form.service_data(),
                head=head.service_data(),
            ),
        )
        if h is not None:
            messages.success(request, _("已新建农户 {code}").format(code=h.code))
            return redirect("registry:household_detail", pk=h.pk)
    return render(request, "registry/household_form.html", {"form": form, "head": head, "creating": True})


@login_required
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    perm = "registry.change_household"
    h = scoped_get(Household.objects.for_user(request.user, "change").select_related("region"), pk=pk)
    if h.is_closed:
        messages.error(request, _("户 {code} 已注销，不能修改").format(code=h.code))
        return redirect("registry:household_detail", pk=h.pk)
    sensitive = can(request.user, h.region)["sensitive"]
    form = HouseholdForm(
        request.POST or None, initial=HouseholdForm.initial_for(h), user=request.user, perm=perm, sensitive=sensitive
    )
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.household_update(
                ctx=form_context(request), household=h, data=form.service_data(), region=form.cleaned_data["region"]
            ),
        )
        if saved is not None:
            messages.success(request, _("已保存农户 {code}").format(code=h.code))
            return redirect("registry:household_detail", pk=h.pk)
    return render(request, "registry/household_form.html", {"form": form, "h": h, "creating": False})


@login_required
def household_close(request: HttpRequest, pk: int) -> HttpResponse:
    h = scoped_get(Household.objects.for_user(request.user, "close").select_related("region"), pk=pk)
    if h.is_closed:
        messages.error(request, _("户 {code} 已注销").format(code=h.code))
        return redirect("registry:household_detail", pk=h.pk)
    form = HouseholdCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        closed = run_service(
            form,
            lambda: services.household_close(
                ctx=form_context(request, reason=d["note"]), household=h, reason=d["close_reason"], on=d["closed_on"]
            ),
        )
        if closed is not None:
            messages.success(request, _("已注销农户 {code}").format(code=h.code))
            return redirect("registry:household_detail", pk=h.pk)
    active = h.members.filter(ended_on__isnull=True).count()
    return render(request, "registry/household_close.html", {"form": form, "h": h, "active_count": active})
