"""The leaders' dashboard: cards and a drill-down table rendered on the server, charts drawn
by static/js/dashboard.js from the JSON of `dashboard_data` (CSP forbids inline scripts)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fupin.core.errors import ValidationError
from fupin.registry.choices import WelfarePost
from fupin.reports.labels import INDICATOR_LABELS
from fupin.reports.selectors.dashboard import dashboard as dashboard_payload
from fupin.reports.views.common import default_year, parse_year, region_param, require_scope, year_choices

PERM = "reports.view_dashboard"


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    require_scope(request.user, PERM)
    region = region_param(request, PERM)
    try:
        year = parse_year(request.GET.get("year"))
    except ValidationError as exc:
        messages.error(request, _("；").join(exc.messages))
        year = default_year()
    data = dashboard_payload(user=request.user, year=year, region=region)
    links = data["links"]
    children = [
        {**c, "url": links["children"].get(c["id"])} for c in data["children"] if c["registered"] or c["overdue"]
    ]
    return render(
        request,
        "reports/dashboard.html",
        {
            "data": data,
            "ind": data["indicators"],
            "labels": INDICATOR_LABELS,
            "children": children,
            "year": year,
            "years": year_choices(),
            "region": region,
            "posts": [
                (str(label), data["indicators"]["public_welfare_posts"].get(code, 0))
                for code, label in WelfarePost.choices
                if data["indicators"]["public_welfare_posts"].get(code)
            ],
        },
    )


@login_required
@require_GET
def dashboard_data(request: HttpRequest) -> JsonResponse:
    require_scope(request.user, PERM)
    region = region_param(request, PERM)
    try:
        year = parse_year(request.GET.get("year"))
    except ValidationError as exc:
        return JsonResponse({"errors": exc.message_dict}, status=400)
    data = dashboard_payload(user=request.user, year=year, region=region)
    return JsonResponse(data, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})
