"""Donor pages: register, log in, see own contributions, claim, deliver, give back."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fupin.accounts.forms import MobileLoginForm
from fupin.assistance import forms
from fupin.assistance.models import Wish, WishClaim
from fupin.assistance.selectors import wishes as sel
from fupin.assistance.services import donor_register, wish_claim, wish_deliver, wish_release
from fupin.assistance.views.common import form_context, run_service
from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource
from fupin.core.errors import ApplicationError


@require_http_methods(["GET", "POST"])
def donor_register_view(request: HttpRequest) -> HttpResponse:
    form = forms.DonorRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        donor = run_service(
            form,
            lambda: donor_register(
                ctx=Context(actor=None, source=ChangeSource.FORM),
                name=d["name"],
                phone=d["phone"],
                password=d["password"],
                organisation=d.get("organisation", ""),
            ),
        )
        if donor is not None:
            # Through the configured backends (login throttling included), as a login would.
            user = authenticate(request, username=donor.user.get_username(), password=d["password"])
            if user is not None:
                login(request, user)
            messages.success(request, _("注册成功，欢迎您，{name}").format(name=donor.name))
            return redirect("assistance:public_wishes")
    return render(request, "assistance/donor_register.html", {"form": form})


class DonorLoginView(LoginView):
    template_name = "assistance/donor_login.html"
    authentication_form = MobileLoginForm
    next_page = reverse_lazy("assistance:donor_home")  # type: ignore[assignment]  # a lazy URL
    redirect_authenticated_user = False


donor_login = DonorLoginView.as_view()


def _donor(request: HttpRequest):
    donor = sel.donor_of(request.user)
    if donor is None:
        raise Http404
    return donor


@require_GET
def donor_home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"{reverse_lazy('assistance:donor_login')}?next={request.path}")
    donor = _donor(request)
    claims = list(sel.donor_claims(donor=donor))
    return render(
        request,
        "assistance/donor_home.html",
        {
            "donor": donor,
            "claims": claims,
            "deliver_form": forms.DeliverForm(),
            "fulfilled": sum(1 for c in claims if c.confirmed_at),
            "amount": sum((c.wish.estimated_cost for c in claims if c.confirmed_at), 0),
        },
    )


def _act(request: HttpRequest, call, done: str) -> HttpResponse:
    try:
        call()
    except ApplicationError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, done)
    return redirect("assistance:donor_home")


@require_POST
def donor_claim(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"{reverse_lazy('assistance:donor_login')}?next={reverse_lazy('assistance:public_wishes')}")
    _donor(request)
    try:
        wish = sel.public_wish_get(pk)
    except Wish.DoesNotExist:
        messages.error(request, _("该心愿已被认领或已不再开放"))
        return redirect("assistance:public_wishes")
    return _act(request, lambda: wish_claim(ctx=form_context(request), wish=wish), _("认领成功，请尽快送达"))


def _own_claim(request: HttpRequest, pk: int) -> WishClaim:
    donor = _donor(request)
    claim = WishClaim.objects.filter(pk=pk, donor=donor).first()
    if claim is None:
        raise Http404
    return claim


@require_POST
def donor_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        raise Http404
    claim = _own_claim(request, pk)
    form = forms.DeliverForm(request.POST)
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    return _act(
        request,
        lambda: wish_deliver(ctx=form_context(request), claim=claim, note=note),
        _("已标记送达，等待帮扶干部确认"),
    )


@require_POST
def donor_release(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        raise Http404
    claim = _own_claim(request, pk)
    return _act(request, lambda: wish_release(ctx=form_context(request), claim=claim), _("已放弃认领"))
