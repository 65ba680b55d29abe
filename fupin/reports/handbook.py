"""The household handbook (扶贫手册, domain.md §5.1) as PDF, for one household or a village.

The data of all the households of a file is read with a fixed number of queries
(prefetches), rendered by one Django template and laid out by WeasyPrint with the bundled
Noto Sans CJK font (fupin/reports/fonts), so Chinese prints on a machine without any
system CJK font. WeasyPrint may only load that font: every other URL is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.assistance.choices import VISIT_CHECKLIST, MeasureCategory, MeasureStatus
from fupin.assistance.models import Measure, Pairing, Plan, Visit
from fupin.identification.selectors import policies_for_regions
from fupin.registry.choices import Relation
from fupin.registry.models import Household, HouseholdYear, Member
from fupin.reports.ledgers.common import Ledger

FONT = Path(__file__).resolve().parent / "fonts" / "NotoSansSC-Regular.woff2"
CSS = Path(__file__).resolve().parent / "templates" / "reports" / "handbook" / "handbook.css"
# 帮扶措施 in the six classes of the printed handbook (domain.md §5.1), from measure categories.
HANDBOOK_CLASSES = (
    (_("雨露计划"), {MeasureCategory.EDUCATION}),
    (_("扶贫小额信贷"), {MeasureCategory.FINANCE}),
    (_("易地扶贫搬迁"), {MeasureCategory.RELOCATION}),
    (
        _("产业发展"),
        {MeasureCategory.INDUSTRY, MeasureCategory.EMPLOYMENT, MeasureCategory.WELFARE_POST, MeasureCategory.ECOLOGY},
    ),
    (_("基础设施"), {MeasureCategory.HOUSING, MeasureCategory.WATER}),
    (
        _("公共服务和社会事业"),
        {MeasureCategory.HEALTH, MeasureCategory.FLOOR, MeasureCategory.SOCIAL, MeasureCategory.OTHER},
    ),
)


@dataclass
class Book:
    """One household's handbook: the record and everything printed about it."""

    household: Household
    head: Member | None
    members: list[Member]
    facts: HouseholdYear | None
    years: list[HouseholdYear]
    pairings: list[Pairing]
    plan: Plan | None
    planned: list[Measure]
    done: list[Measure]
    card: list[Measure]
    visits: list[Visit]
    line: Decimal | None
    card_total: Decimal = Decimal(0)
    done_classes: list[tuple[Any, list[Measure]]] = field(default_factory=list)


def households_for_handbook(qs: QuerySet[Household], year: int) -> QuerySet[Household]:
    """`qs` with everything the handbook prints prefetched (a fixed number of queries)."""
    measures = (
        Measure.objects.filter(year__lte=year)
        .select_related("item", "project", "beneficiary")
        .order_by("year", "category", "id")
    )
    return qs.select_related("region").prefetch_related(
        Prefetch("members", queryset=Member.objects.order_by("ended_on", "relation", "birth_date")),
        Prefetch("years", queryset=HouseholdYear.objects.filter(year__lte=year).order_by("year")),
        Prefetch("pairings", queryset=Pairing.objects.select_related("cadre__unit").order_by("started_on", "id")),
        Prefetch("plans", queryset=Plan.objects.filter(year=year)),
        Prefetch("measures", queryset=measures),
        Prefetch(
            "visits",
            queryset=Visit.objects.filter(visited_on__year__lte=year)
            .select_related("cadre")
            .order_by("visited_on", "id"),
        ),
    )


def books(households: list[Household], year: int) -> list[Book]:
    lines = _lines(households, year)
    out = []
    for h in households:
        members = list(h.members.all())
        years = list(h.years.all())
        measures = list(h.measures.all())
        this_year = [m for m in measures if m.year == year]
        book = Book(
            household=h,
            head=next((m for m in members if m.relation == Relation.HEAD and m.ended_on is None), None),
            members=members,
            facts=years[-1] if years else None,
            years=years,
            pairings=list(h.pairings.all()),
            plan=next(iter(h.plans.all()), None),
            planned=[m for m in this_year if m.status != MeasureStatus.DONE],
            done=[m for m in measures if m.status == MeasureStatus.DONE],
            card=this_year,
            visits=[v for v in h.visits.all() if v.visited_on.year == year],
            line=lines.get(h.region_id),
        )
        book.card_total = sum((m.amount or Decimal(0) for m in this_year), Decimal(0))
        book.done_classes = [(label, [m for m in book.done if m.category in cats]) for label, cats in HANDBOOK_CLASSES]
        out.append(book)
    return out


def _lines(households: list[Household], year: int) -> dict[int, Decimal | None]:
    regions = {h.region_id: h.region for h in households}
    policies = policies_for_regions(regions=regions.values(), year=year, on=dt.date(year, 12, 31))
    return {pk: (v.poverty_line or v.monitoring_line) if v is not None else None for pk, v in policies.items()}


def render_html(*, books_: list[Book], year: int, ledger: Ledger, title: str) -> str:
    return render_to_string(
        "reports/handbook/handbook.html",
        {
            "books": books_,
            "year": year,
            "title": title,
            "ledger": ledger,
            "font_url": FONT.as_uri(),
            "css": CSS.read_text(encoding="utf-8").replace("{{ font_url }}", FONT.as_uri()),
            "checklist": VISIT_CHECKLIST,
            "printed": timezone.localdate(),
        },
    )


def render_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint loads Pango at import time, which only the PDF paths need.
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    class FontOnly(URLFetcher):
        """Only the bundled font may be loaded: a stray URL in user text fetches nothing."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url != FONT.as_uri():
                raise ValueError(f"refused: {url[:80]}")
            return super().fetch(url, headers)

    return HTML(string=html, url_fetcher=FontOnly(allowed_protocols=["file"])).write_pdf(
        font_config=FontConfiguration()
    )
