"""The assistance policies (visit frequency, cadre workload, microcredit limits): every
version, and a form to add one (district office)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from fupin.assistance import forms
from fupin.assistance.models import CreditPolicy, MaxWorkload, VisitPolicy
from fupin.assistance.services.policies import policy_add
from fupin.assistance.views.common import can_anywhere, form_context, needs, run_service

KINDS = {
    "visit": (VisitPolicy, forms.VisitPolicyForm, gettext_lazy("走访频次")),
    "workload": (MaxWorkload, forms.WorkloadPolicyForm, gettext_lazy("结对户数上限")),
    "credit": (CreditPolicy, forms.CreditPolicyForm, gettext_lazy("小额信贷政策")),
}


@needs("assistance.view_visitpolicy")
@require_GET
def policy_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assistance/policy_list.html",
        {
            "visit": VisitPolicy.objects.all(),
            "workload": MaxWorkload.objects.all(),
            "credit": CreditPolicy.objects.all(),
            "can_add": {
                k: can_anywhere(request.user, f"assistance.add_{m._meta.model_name}")
                for k, (m, _f, _l) in KINDS.items()
            },
        },
    )


@needs("assistance.view_visitpolicy")
@require_http_methods(["GET", "POST"])
def policy_add_view(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    model, form_class, label = KINDS[kind]
    if not can_anywhere(request.user, f"assistance.add_{model._meta.model_name}"):
        raise Http404
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        row = run_service(
            form, lambda: policy_add(ctx=form_context(request), model=model, data=dict(form.cleaned_data))
        )
        if row is not None:
            messages.success(request, _("已新增{policy}版本").format(policy=label))
            return redirect("assistance:policy_list")
    return render(
        request,
        "assistance/form.html",
        {
            "form": form,
            "title": _("新增{policy}版本").format(policy=label),
            "back": "../../",
            "note": _("政策按生效年度分版本保存；已有年度的数值不会被覆盖。"),
        },
    )
