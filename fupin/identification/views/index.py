"""The identification home: what waits for the user, by queue."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fupin.identification.choices import FindingKind, Step
from fupin.identification.models import Application, Finding
from fupin.identification.selectors.imports import import_scope
from fupin.identification.selectors.workflow import application_list, holds, mark_overdue
from fupin.identification.views.common import require


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(request, "identification.view_application")
    by_step = dict(Application.objects.for_user(user, "view").values_list("step").annotate(n=Count("pk")))
    steps = [(value, label, by_step.get(value, 0)) for value, label in Step.choices]
    open_apps = list(application_list(user=user, filters={"step": "open"})[:200])
    mark_overdue(open_apps)
    findings = []
    if holds(user, "identification.view_finding"):
        counts = Finding.objects.for_user(user, "view").open().values_list("kind").annotate(n=Count("pk"))
        findings = [(kind, FindingKind(kind).label, n) for kind, n in counts]
    return render(
        request,
        "identification/index.html",
        {
            "steps": steps,
            "overdue": [a for a in open_apps if vars(a)["overdue"]][:20],
            "findings": findings,
            "can": {
                name: holds(user, f"identification.{perm}")
                for name, perm in (
                    ("findings", "view_finding"),
                    ("comparisons", "view_comparisonlist"),
                    ("rechecks", "view_recheck"),
                    ("policy", "view_policyversion"),
                )
            }
            | {"imports": import_scope(user) != []},
        },
    )
