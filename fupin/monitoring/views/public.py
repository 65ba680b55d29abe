"""The public self-report form (农户自主申报): no login, CSRF-protected, rate-limited per
address, and it shows nothing back but a thank-you (no data of anyone else)."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource
from fupin.monitoring.forms import PublicReportForm
from fupin.monitoring.policy import procedure_days_of, procedure_days_within
from fupin.monitoring.services.alerts import alert_self_report
from fupin.monitoring.views.common import run_service
from fupin.regions.models import Region

# At most this many reports per address and window: enough for a family, not for a flood.
RATE_LIMIT = 5
RATE_WINDOW = 3600


def _rate_key(request: HttpRequest) -> str:
    return f"fupin:selfreport:{request.META.get('REMOTE_ADDR', '')}"


def _over_limit(request: HttpRequest) -> bool:
    return int(cache.get(_rate_key(request), 0)) >= RATE_LIMIT


def _count(request: HttpRequest) -> None:
    key = _rate_key(request)
    if not cache.add(key, 1, RATE_WINDOW):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, RATE_WINDOW)


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    form = PublicReportForm(request.POST or None)
    limited = _over_limit(request)
    if request.method == "POST" and limited:
        form.is_valid()
        form.add_error(None, _("提交过于频繁，请稍后再试，或直接联系村干部"))
    elif request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if d.get("website"):
            # A bot filled the hidden field: answer as if accepted, keep nothing.
            return redirect("monitoring:report_done")
        ctx = Context(actor=None, source=ChangeSource.FORM, reason=_("农户自主申报（网上）"))
        alert = run_service(
            form,
            lambda: alert_self_report(
                ctx=ctx, village=d["village"], name=d["name"], phone=d["phone"], description=d["description"]
            ),
        )
        if alert is not None:
            _count(request)
            return redirect("monitoring:report_done")
    status = 429 if request.method == "POST" and limited else 200
    return render(
        request, "monitoring/report_form.html", {"form": form, "procedure_days": _procedure_days(form)}, status=status
    )


def _procedure_days(form: PublicReportForm) -> list[int]:
    """The limit the page promises: the chosen village's once one is chosen, otherwise every
    limit in force over the villages the form offers (the page names a number only if one)."""
    year = timezone.localdate().year
    village = getattr(form, "cleaned_data", {}).get("village")
    if isinstance(village, Region):
        return procedure_days_of(region=village, year=year)
    return procedure_days_within(roots=Region.objects.get_root_nodes(), year=year)


def report_done(request: HttpRequest) -> HttpResponse:
    return render(request, "monitoring/report_done.html")
