"""What the reports pages share: reading `?year=` and `?region=`, and the scope checks."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.errors import ValidationError
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.registry.models import HouseholdYear
from fupin.reports.cache import cached
from fupin.reports.scope import Scope, user_scope

FIRST_YEAR = 2014  # 建档立卡 began in 2014


def default_year() -> int:
    """The latest year with household facts (the year the data describe), else this year."""
    latest = cached(
        "default_year", lambda: HouseholdYear.objects.order_by("-year").values_list("year", flat=True).first()
    )
    return int(latest or timezone.localdate().year)


def year_choices() -> list[int]:
    return list(range(timezone.localdate().year, FIRST_YEAR - 1, -1))


def parse_year(raw: str | None) -> int:
    """`?year=` as an int within the years fupin knows; ValidationError naming the field."""
    if raw in (None, ""):
        return default_year()
    try:
        year = int(str(raw).strip())
    except ValueError:
        raise ValidationError({"year": _("年度“{raw}”不是数字，应为如 2017 的四位年份").format(raw=raw)}) from None
    last = timezone.localdate().year
    if not FIRST_YEAR <= year <= last:
        raise ValidationError({"year": _("年度应在 {first}–{last} 之间").format(first=FIRST_YEAR, last=last)})
    return year


def require_scope(user: Any, perm: str) -> Scope:
    """The user's scope for `perm`; 404 when they hold it nowhere (deny by default)."""
    scope = user_scope(user, perm)
    if not scope.paths:
        raise Http404
    return scope


def region_param(request: HttpRequest, perm: str, name: str = "region") -> Region | None:
    """`?region=<id>` as a Region inside the user's scope for `perm` (404 otherwise)."""
    scope = require_scope(request.user, perm)
    raw = request.GET.get(name) or request.POST.get(name)
    if not raw:
        return None
    try:
        region = Region.objects.get(pk=int(raw))
    except (ValueError, Region.DoesNotExist):
        raise Http404 from None
    if not scope.contains(region):
        raise Http404
    return region


def region_options(scope: Scope, *, lowest: int = RegionLevel.VILLAGE) -> list[Region]:
    """Regions of the scope down to `lowest`, in tree order, for pickers."""
    return list(Region.objects.filter(scope.region_q(""), level__lte=lowest).order_by("path"))
