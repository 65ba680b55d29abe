"""Producing handbook PDFs for one household or a whole village, within the reader's scope."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from fupin.core.errors import ApplicationError
from fupin.regions.models import Region
from fupin.registry.models import Household
from fupin.reports.handbook import books, households_for_handbook, render_html, render_pdf
from fupin.reports.ledgers.common import ledger_for
from fupin.reports.scope import resolve_scope
from fupin.reports.selectors.periods import household_in_year_q

PERM = "reports.print_handbook"


def household_handbook_pdf(*, user: Any, household: Household, year: int) -> bytes:
    """One household's handbook; the household must be in the user's print scope (the
    caller got it from `Household.objects.for_user(user, PERM)`)."""
    scope = resolve_scope(user=user, region=household.region, perm=PERM)
    hs = list(households_for_handbook(Household.objects.filter(pk=household.pk), year))
    html = render_html(
        books_=books(hs, year),
        year=year,
        ledger=ledger_for(scope=scope, year=year, user=user),
        title=_("扶贫手册 {code}").format(code=household.code),
    )
    return render_pdf(html)


def village_handbook_pdf(*, user: Any, village: Region, year: int, progress: Any = None) -> tuple[bytes, int]:
    """The handbooks of every household registered in `year` in `village` (and its groups),
    one after the other in one PDF."""
    scope = resolve_scope(user=user, region=village, perm=PERM)
    qs = scope.filter(Household.objects.filter(household_in_year_q(year))).order_by("code")
    if progress is not None:
        progress.start(2, _("读取 {name} 的农户").format(name=village.name))
    hs = list(households_for_handbook(qs, year))
    if not hs:
        raise ApplicationError(_("{name} {year} 年没有建档立卡户，无手册可打印").format(name=village.name, year=year))
    if progress is not None:
        progress.advance(1)
        progress.step(_("排版 {n} 户的手册").format(n=len(hs)))
    html = render_html(
        books_=books(hs, year),
        year=year,
        ledger=ledger_for(scope=scope, year=year, user=user),
        title=_("扶贫手册 {name}").format(name=village.full_name),
    )
    pdf = render_pdf(html)
    if progress is not None:
        progress.advance(1)
    return pdf, len(hs)
