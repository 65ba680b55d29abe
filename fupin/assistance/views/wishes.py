"""Wish pages for staff (post, list, confirm, cancel, totals) and the public wish board."""

from __future__ import annotations

from django.contrib import messages
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fupin.assistance import forms
from fupin.assistance.choices import WishStatus
from fupin.assistance.models import Wish, WishClaim
from fupin.assistance.selectors import wishes as sel
from fupin.assistance.services import wish_cancel, wish_confirm, wish_post
from fupin.assistance.views.common import (
    form_context,
    needs,
    page_of,
    run_service,
    scoped_get,
    scoped_household,
    user_can,
)
from fupin.utils.masking import mask_phone


@needs("assistance.view_wish")
@require_GET
def wish_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in WishStatus.values:
        status = ""
    return render(
        request,
        "assistance/wish_list.html",
        {
            "page": page_of(request, sel.wish_list(user=request.user, status=status)),
            "status": status,
            "statuses": WishStatus.choices,
            "query": f"status={status}" if status else "",
        },
    )


@needs("assistance.add_wish")
@require_http_methods(["GET", "POST"])
def wish_create(request: HttpRequest, pk: int) -> HttpResponse:
    h = scoped_household(request, pk, "assistance.add_wish")
    form = forms.WishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        wish = run_service(
            form,
            lambda: wish_post(
                ctx=form_context(request),
                household=h,
                item=d["item"],
                estimated_cost=d["estimated_cost"],
                public_text=d["public_text"],
            ),
        )
        if wish is not None:
            messages.success(request, _("已发布微心愿，将显示在公开心愿墙上"))
            return redirect("assistance:wish_detail", pk=wish.pk)
    return render(
        request,
        "assistance/form.html",
        {
            "form": form,
            "title": _("为户 {code} 发布微心愿").format(code=h.code),
            "back": reverse("assistance:household_plan", args=[h.pk, timezone.localdate().year]),
            "note": _("心愿经您入户核实后发布；公开页面只显示心愿物品、金额和所在村，不显示户主姓名等个人信息。"),
        },
    )


def _wish(request: HttpRequest, pk: int, action: str) -> Wish:
    return scoped_get(
        Wish.objects.for_user(request.user, action).select_related("household__region", "verified_by"), pk=pk
    )


@needs("assistance.view_wish")
@require_GET
def wish_detail(request: HttpRequest, pk: int) -> HttpResponse:
    wish = _wish(request, pk, "view")
    claim = wish.claims.filter(released_at__isnull=True).select_related("donor").first()
    can_change = user_can(request.user, "assistance.change_wish", wish.household.region)
    return render(
        request,
        "assistance/wish_detail.html",
        {
            "wish": wish,
            "claim": claim,
            "donor_phone": mask_phone(claim.donor.phone) if claim else "",
            "can_change": can_change,
            "confirm_form": forms.WishConfirmForm(),
            "cancel_form": forms.ReasonForm(),
        },
    )


@needs("assistance.change_wish")
@require_POST
def wish_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    wish = _wish(request, pk, "change")
    form = forms.WishConfirmForm(request.POST, request.FILES)
    if form.is_valid():
        done = run_service(
            form, lambda: wish_confirm(ctx=form_context(request), wish=wish, photo=form.cleaned_data["photo"])
        )
        if done is not None:
            messages.success(request, _("已确认心愿送达"))
            return redirect("assistance:wish_detail", pk=wish.pk)
    _flash_errors(request, form)
    return redirect("assistance:wish_detail", pk=wish.pk)


@needs("assistance.change_wish")
@require_POST
def wish_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    wish = _wish(request, pk, "change")
    form = forms.ReasonForm(request.POST)
    if form.is_valid():
        done = run_service(
            form, lambda: wish_cancel(ctx=form_context(request), wish=wish, reason=form.cleaned_data["reason"])
        )
        if done is not None:
            messages.success(request, _("已撤销心愿"))
            return redirect("assistance:wish_detail", pk=wish.pk)
    _flash_errors(request, form)
    return redirect("assistance:wish_detail", pk=wish.pk)


@needs("assistance.view_wish")
@require_GET
def wish_totals(request: HttpRequest) -> HttpResponse:
    return render(request, "assistance/wish_totals.html", {"totals": sel.wish_totals(user=request.user)})


@require_GET
def claim_photo(request: HttpRequest, pk: int) -> FileResponse:
    """The confirmation photo: for staff with the wish in scope, and for the donor who gave it."""
    user = request.user
    if not user.is_authenticated:
        raise Http404
    claim = (
        WishClaim.objects.for_user(user, "view").filter(pk=pk).first()
        or WishClaim.objects.filter(pk=pk, donor__user=user).first()
    )
    if claim is None or not claim.photo:
        raise Http404
    response = FileResponse(claim.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
def public_wishes(request: HttpRequest) -> HttpResponse:
    """Open to everybody, logged in or not: item, cost, village. No name, ID or phone."""
    wishes = sel.public_wishes()
    villages: dict[tuple[str, str], list] = {}
    for w in wishes:
        villages.setdefault((w.township, w.village), []).append(w)
    return render(
        request,
        "assistance/public_wishes.html",
        {
            "villages": [(t, v, ws) for (t, v), ws in villages.items()],
            "count": len(wishes),
            "donor": sel.donor_of(request.user),
        },
    )


def _flash_errors(request: HttpRequest, form: BaseForm) -> None:
    """The form is not shown again (the page redirects), so each error names its field:
    a bare "This field is required." says nothing about which one."""
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        for e in errors:
            if field is not None and field.label:
                messages.error(request, _("{label}：{text}").format(label=field.label, text=e))
            else:
                messages.error(request, str(e))
