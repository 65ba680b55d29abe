"""Member pages: add (with a join reason), edit, end (with a reason; a member is never
deleted). The household comes from the scoped queryset of the needed permission → 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fupin.registry import services
from fupin.registry.forms import MemberEndForm, MemberForm
from fupin.registry.models import Household, Member
from fupin.registry.views.common import can, form_context, run_service, scoped_get


def _open_household(request: HttpRequest, h: Household) -> HttpResponse | None:
    if h.is_closed:
        messages.error(request, _("户 {code} 已注销，不能修改成员").format(code=h.code))
        return redirect("registry:household_detail", pk=h.pk)
    return None


def _member(request: HttpRequest, pk: int, member_pk: int) -> Member:
    qs = Member.objects.for_user(request.user, "change").select_related("household__region")
    return scoped_get(qs, pk=member_pk, household_id=pk)


@login_required
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    h = scoped_get(Household.objects.for_user(request.user, "registry.add_member").select_related("region"), pk=pk)
    if closed := _open_household(request, h):
        return closed
    form = MemberForm(request.POST or None, join=True, sensitive=can(request.user, h.region)["sensitive"])
    if request.method == "POST" and form.is_valid():
        m = run_service(
            form,
            lambda: services.member_add(
                ctx=form_context(request),
                household=h,
                data=form.service_data(),
                reason=form.cleaned_data["join_reason"],
                on=form.cleaned_data["joined_on"],
            ),
        )
        if m is not None:
            messages.success(request, _("已为户 {code} 添加成员 {name}").format(code=h.code, name=m.name))
            return redirect("registry:household_detail", pk=h.pk)
    return render(request, "registry/member_form.html", {"form": form, "h": h, "adding": True})


@login_required
def member_edit(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    m = _member(request, pk, member_pk)
    h = m.household
    if closed := _open_household(request, h):
        return closed
    if not m.is_active:
        messages.error(request, _("成员 {name} 已减少，不能修改").format(name=m.name))
        return redirect("registry:household_detail", pk=h.pk)
    sensitive = can(request.user, h.region)["sensitive"]
    initial = MemberForm.initial_for(m)
    if not sensitive:
        initial["id_number"] = ""  # never put a full number into the page of someone who may not see it
    form = MemberForm(request.POST or None, initial=initial, head=m.relation == "01", sensitive=sensitive)
    if not sensitive:
        form.fields["id_number"].required = False
        form.fields["id_number"].help_text = _("留空则保持不变")
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if not data.get("id_number"):
            data.pop("id_number", None)
        saved = run_service(form, lambda: services.member_update(ctx=form_context(request), member=m, data=data))
        if saved is not None:
            messages.success(request, _("已保存成员 {name}").format(name=saved.name))
            return redirect("registry:household_detail", pk=h.pk)
    return render(request, "registry/member_form.html", {"form": form, "h": h, "m": m, "adding": False})


@login_required
def member_end(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    m = _member(request, pk, member_pk)
    h = m.household
    if closed := _open_household(request, h):
        return closed
    if not m.is_active:
        messages.error(request, _("成员 {name} 已减少").format(name=m.name))
        return redirect("registry:household_detail", pk=h.pk)
    others = Member.objects.active().filter(household=h).exclude(pk=m.pk).order_by("relation", "birth_date")
    form = MemberEndForm(request.POST or None, member=m, others=others)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ended = run_service(
            form,
            lambda: services.member_end(
                ctx=form_context(request, reason=d["note"]),
                member=m,
                reason=d["end_reason"],
                on=d["ended_on"],
                new_head=d.get("new_head"),
            ),
        )
        if ended is not None:
            messages.success(
                request, _("成员 {name} 已减少（{reason}）").format(name=m.name, reason=ended.get_end_reason_display())
            )
            return redirect("registry:household_detail", pk=h.pk)
    return render(request, "registry/member_end.html", {"form": form, "h": h, "m": m})
