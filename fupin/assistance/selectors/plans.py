"""Reading plans and measures, and where a plan does not answer the household's causes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from fupin.assistance.choices import MeasureCategory, MeasureStatus
from fupin.assistance.models import Measure, Plan
from fupin.registry.choices import COMPULSORY_SCHOOL, VOCATIONAL_SCHOOL, Cause, HouseGrade, SchoolStatus
from fupin.registry.models import Household, HouseholdYear, Member

DANGEROUS = {HouseGrade.C, HouseGrade.D}
NOT_IN_SCHOOL = {"", SchoolStatus.NOT_STUDENT}


@dataclass(frozen=True)
class Gap:
    code: str
    message: str


def _age_on(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def plan_gaps(household: Household, year: int) -> list[Gap]:
    """Warnings where the year's plan does not answer the household (domain.md §2.2, §4):
    因病 without a health (or social) measure; 因学 without an education (or social) one; 因残
    without 综合保障 or social help; a C/D house without housing or relocation; a vocational
    student without 雨露计划; a compulsory-age child (6–15) not in school. Three queries."""
    gaps: list[Gap] = []
    measures = list(
        Measure.objects.filter(household=household, year__lte=year).values_list("year", "category", "item__name")
    )
    this_year = {c for y, c, _n in measures if y == year}
    items_this_year = {n for y, _c, n in measures if y == year}
    causes = {household.main_cause, *household.other_cause_list} - {""}

    def lacks(*categories: str) -> bool:
        return not this_year.intersection(categories)

    if Cause.ILLNESS in causes and lacks(MeasureCategory.HEALTH, MeasureCategory.SOCIAL):
        gaps.append(Gap("illness", _("致贫原因含“因病”，{year} 年计划中没有健康帮扶措施").format(year=year)))
    if Cause.SCHOOLING in causes and lacks(MeasureCategory.EDUCATION, MeasureCategory.SOCIAL):
        gaps.append(Gap("schooling", _("致贫原因含“因学”，{year} 年计划中没有教育帮扶措施").format(year=year)))
    if Cause.DISABILITY in causes and lacks(MeasureCategory.FLOOR, MeasureCategory.SOCIAL):
        gaps.append(
            Gap("disability", _("致贫原因含“因残”，{year} 年计划中没有综合保障或社会帮扶措施").format(year=year))
        )
    facts = HouseholdYear.objects.filter(household=household, year__lte=year).order_by("-year").first()
    if facts is not None and facts.house_grade in DANGEROUS:
        housed = any(c in (MeasureCategory.HOUSING, MeasureCategory.RELOCATION) for _y, c, _n in measures)
        if not housed:
            gaps.append(
                Gap(
                    "housing",
                    _("住房为{grade}危房，没有危房改造或易地搬迁措施").format(grade=facts.get_house_grade_display()),
                )
            )
    ref = dt.date(year, 9, 1)  # the school year starts in September
    for m in Member.objects.filter(household=household, ended_on__isnull=True).only(
        "name", "birth_date", "school_status"
    ):
        age = _age_on(m.birth_date, ref)
        if 6 <= age <= 15 and m.school_status in NOT_IN_SCHOOL:
            gaps.append(
                Gap("dropout", _("{name}（{age} 岁）为义务教育适龄儿童，但未登记在校").format(name=m.name, age=age))
            )
        if m.school_status in VOCATIONAL_SCHOOL and "雨露计划" not in items_this_year:
            gaps.append(
                Gap(
                    "yulu",
                    _("{name} 在读{level}，{year} 年计划中没有雨露计划").format(
                        name=m.name, level=m.get_school_status_display(), year=year
                    ),
                )
            )
    return gaps


def plan_get(*, household: Household, year: int) -> Plan | None:
    return Plan.objects.filter(household=household, year=year).first()


def plan_measures(*, user: Any, household: Household, year: int) -> QuerySet[Measure]:
    return (
        Measure.objects.for_user(user, "view")
        .filter(household=household, year=year)
        .select_related("item", "project", "beneficiary")
        .order_by("category", "item__sort", "id")
    )


def measures_by_category(measures: list[Measure]) -> list[tuple[str, list[Measure]]]:
    labels = dict(MeasureCategory.choices)
    grouped: dict[str, list[Measure]] = {}
    for m in measures:
        grouped.setdefault(m.category, []).append(m)
    order = [c for c, _l in MeasureCategory.choices]
    return [(str(labels[c]), grouped[c]) for c in order if c in grouped]


def open_measures(*, user: Any, households: QuerySet[Household]) -> QuerySet[Measure]:
    return (
        Measure.objects.for_user(user, "view")
        .filter(household__in=households.values("pk"))
        .exclude(status=MeasureStatus.DONE)
        .select_related("household", "item")
        .order_by("household__code", "-year", "id")
    )


# Compulsory school levels are listed so that templates can mark them.
COMPULSORY = COMPULSORY_SCHOOL
