"""The region-level 台账 (village, township, district): one sheet per ledger kind.

Each sheet is one streamed query (correlated subqueries for the head, the cadre and the
year's figures, evaluated by the database), written row by row in write-only mode.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from fupin.assistance.choices import VISIT_CHECKLIST, MeasureCategory, MeasureKind, MeasureStatus
from fupin.assistance.models import Measure, Visit, VisitPhoto
from fupin.identification.selectors import policies_for_regions
from fupin.regions.models import Region
from fupin.registry.choices import Attribute, Cause, HouseGrade, MemberChangeReason, PovertyStatus, SchoolStatus, Sex
from fupin.registry.choices import Standard as IdStandard
from fupin.registry.models import Household, HouseholdYear, Member
from fupin.reports.ledgers.common import CHUNK, Ledger, cadre_subquery, head_subquery, labels, multi
from fupin.reports.ledgers.workbook import DATE, MONEY, NUMBER, TEXT, Column, Sheet
from fupin.reports.selectors.indicators import NOT_IN_SCHOOL
from fupin.reports.selectors.periods import household_in_year_q, member_active_q, year_end, year_start


def _count(qs: Any, ref: str = "household") -> Coalesce:
    """COUNT(*) of `qs` per outer household, as a scalar subquery (0 when none)."""
    return Coalesce(Subquery(qs.values(ref).annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), 0)


def _place_columns() -> list[Column]:
    return [Column(_("户编号"), 20, TEXT), Column(_("乡镇"), 12), Column(_("村"), 12), Column(_("组"), 10)]


def _progress_total(progress: Any, total: int, message: str) -> None:
    if progress is not None:
        progress.start(total, message)


def _advance(progress: Any) -> None:
    if progress is not None:
        progress.advance(1)


def households_sheet(wb: Any, ledger: Ledger, progress: Any = None) -> int:
    y = ledger.year
    qs = ledger.scope.filter(Household.objects.filter(household_in_year_q(y)))
    facts = HouseholdYear.objects.filter(household=OuterRef("pk"), year=y)
    measures = Measure.objects.filter(household=OuterRef("pk"), year=y)
    visits = Visit.objects.filter(household=OuterRef("pk"), visited_on__gte=year_start(y), visited_on__lte=year_end(y))
    rows = (
        qs.annotate(
            head_name=head_subquery("name"),
            head_id=head_subquery("id_number"),
            persons=_count(Member.objects.filter(member_active_q(y), household=OuterRef("pk"))),
            per_capita=Subquery(facts.values("per_capita_net_income")[:1]),
            grade=Subquery(facts.values("house_grade")[:1]),
            cadre=cadre_subquery("name", y),
            cadre_phone=cadre_subquery("phone", y),
            measure_count=_count(measures),
            measure_amount=Subquery(measures.values("household").annotate(s=Sum("amount")).values("s")[:1]),
            visit_count=_count(visits),
            last_visit=Subquery(visits.order_by("-visited_on").values("visited_on")[:1]),
        )
        .order_by("code")
        .values_list(
            "code",
            "region_id",
            "head_name",
            "head_id",
            "persons",
            "attribute",
            "standard",
            "identified_year",
            "main_cause",
            "other_causes",
            "status",
            "exit_year",
            "return_year",
            "phone",
            "per_capita",
            "grade",
            "cadre",
            "cadre_phone",
            "measure_count",
            "measure_amount",
            "visit_count",
            "last_visit",
        )
    )
    columns = [
        *_place_columns(),
        Column(_("户主姓名"), 10),
        Column(_("户主证件号码"), 21, TEXT),
        Column(_("家庭人口"), 8, NUMBER),
        Column(_("贫困户属性"), 14),
        Column(_("识别标准"), 10),
        Column(_("识别年度"), 8, NUMBER),
        Column(_("主要致贫原因"), 12),
        Column(_("其他致贫原因"), 18),
        Column(_("脱贫标志"), 8),
        Column(_("脱贫年度"), 8, NUMBER),
        Column(_("返贫年度"), 8, NUMBER),
        Column(_("联系电话"), 14, TEXT),
        Column(_("人均纯收入(元)"), 12, MONEY),
        Column(_("危房等级"), 8),
        Column(_("帮扶责任人"), 10),
        Column(_("责任人电话"), 14, TEXT),
        Column(_("措施数"), 8, NUMBER),
        Column(_("措施金额(元)"), 12, MONEY),
        Column(_("走访次数"), 8, NUMBER),
        Column(_("最近走访"), 12, DATE),
    ]
    sheet = Sheet(
        wb,
        _("一户一档汇总"),
        columns,
        heading=_("{year} 年一户一档汇总台账").format(year=y),
        subtitle=_scope_line(ledger),
    )
    attrs, stds, causes, statuses, grades = (
        labels(c)
        for c in (Attribute.choices, IdStandard.choices, Cause.choices, PovertyStatus.choices, HouseGrade.choices)
    )
    _progress_total(progress, qs.count(), _("一户一档汇总"))
    for (
        code,
        region_id,
        head,
        head_id,
        persons,
        attr,
        std,
        ident,
        cause,
        others,
        status,
        exit_year,
        ret,
        phone,
        per_capita,
        grade,
        cadre,
        cadre_phone,
        n_measures,
        amount,
        n_visits,
        last,
    ) in rows.iterator(chunk_size=CHUNK):
        township, village, group = ledger.place(region_id)
        sheet.append(
            [
                code,
                township,
                village,
                group,
                head,
                ledger.id_number(head_id or ""),
                persons,
                attrs.get(attr, attr),
                stds.get(std, std),
                ident,
                causes.get(cause, cause),
                multi(others, causes),
                statuses.get(status, status),
                exit_year,
                ret,
                ledger.phone(phone),
                per_capita,
                grades.get(grade or "", grade),
                cadre,
                cadre_phone,
                n_measures,
                amount,
                n_visits,
                last,
            ]
        )
        _advance(progress)
    return sheet.rows


def measures_sheet(wb: Any, ledger: Ledger, progress: Any = None) -> int:
    y = ledger.year
    qs = ledger.scope.filter(Measure.objects.filter(year=y), "household__region_id")
    rows = (
        qs.annotate(head_name=head_subquery("name", "household_id"))
        .order_by("household__code", "category", "id")
        .values_list(
            "household__code",
            "household__region_id",
            "head_name",
            "category",
            "item__name",
            "beneficiary__name",
            "beneficiary__id_number",
            "project__name",
            "amount",
            "months",
            "monthly_pay",
            "started_on",
            "ended_on",
            "status",
            "note",
        )
    )
    columns = [
        *_place_columns(),
        Column(_("户主姓名"), 10),
        Column(_("措施类别"), 10),
        Column(_("措施项目"), 16),
        Column(_("受益成员"), 10),
        Column(_("受益成员证件号码"), 21, TEXT),
        Column(_("所属项目"), 16),
        Column(_("金额(元)"), 12, MONEY),
        Column(_("月数"), 6, NUMBER),
        Column(_("月工资(元)"), 10, MONEY),
        Column(_("开始日期"), 12, DATE),
        Column(_("完成日期"), 12, DATE),
        Column(_("状态"), 8),
        Column(_("备注"), 24),
    ]
    sheet = Sheet(
        wb, _("帮扶措施"), columns, heading=_("{year} 年帮扶措施台账").format(year=y), subtitle=_scope_line(ledger)
    )
    cats, statuses = labels(MeasureCategory.choices), labels(MeasureStatus.choices)
    _progress_total(progress, qs.count(), _("帮扶措施"))
    for (
        code,
        region_id,
        head,
        cat,
        item,
        who,
        who_id,
        project,
        amount,
        months,
        pay,
        start,
        end,
        status,
        note,
    ) in rows.iterator(chunk_size=CHUNK):
        township, village, group = ledger.place(region_id)
        sheet.append(
            [
                code,
                township,
                village,
                group,
                head,
                cats.get(cat, cat),
                item,
                who,
                ledger.id_number(who_id or "") if who_id else "",
                project,
                amount,
                months,
                pay,
                start,
                end,
                statuses.get(status, status),
                note,
            ]
        )
        _advance(progress)
    return sheet.rows


def visits_sheet(wb: Any, ledger: Ledger, progress: Any = None) -> int:
    y = ledger.year
    qs = ledger.scope.filter(
        Visit.objects.filter(visited_on__gte=year_start(y), visited_on__lte=year_end(y)), "household__region_id"
    )
    flags = [name for name, _label in VISIT_CHECKLIST]
    rows = (
        qs.annotate(
            head_name=head_subquery("name", "household_id"),
            photo_count=_count(VisitPhoto.objects.filter(visit=OuterRef("pk")), "visit"),
        )
        .order_by("household__code", "visited_on", "id")
        .values_list(
            "household__code",
            "household__region_id",
            "head_name",
            "visited_on",
            "cadre__name",
            *flags,
            "photo_count",
            "notes",
        )
    )
    columns = [
        *_place_columns(),
        Column(_("户主姓名"), 10),
        Column(_("走访日期"), 12, DATE),
        Column(_("走访干部"), 10),
        *[Column(str(label), 8) for _name, label in VISIT_CHECKLIST],
        Column(_("照片"), 6, NUMBER),
        Column(_("走访记录"), 40),
    ]
    sheet = Sheet(
        wb, _("走访记录"), columns, heading=_("{year} 年走访记录台账").format(year=y), subtitle=_scope_line(ledger)
    )
    _progress_total(progress, qs.count(), _("走访记录"))
    for row in rows.iterator(chunk_size=CHUNK):
        code, region_id, head, on, cadre = row[:5]
        checks = ["✓" if v else "" for v in row[5 : 5 + len(flags)]]
        photos, notes = row[5 + len(flags) :]
        township, village, group = ledger.place(region_id)
        sheet.append([code, township, village, group, head, on, cadre, *checks, photos, notes])
        _advance(progress)
    return sheet.rows


def students_sheet(wb: Any, ledger: Ledger, progress: Any = None) -> int:
    y = ledger.year
    qs = ledger.scope.filter(
        Member.objects.filter(member_active_q(y), household_in_year_q(y, "household__")).exclude(
            school_status__in=NOT_IN_SCHOOL
        ),
        "household__region_id",
    )
    help_rows = ledger.scope.filter(
        Measure.objects.filter(year=y, category=MeasureCategory.EDUCATION, beneficiary__isnull=False),
        "household__region_id",
    ).values_list("beneficiary_id", "item__name", "amount")
    helped: dict[int, list[str]] = {}
    for member_id, item, amount in help_rows.iterator(chunk_size=CHUNK):
        helped.setdefault(member_id, []).append(f"{item} {amount}" if amount else item)
    rows = (
        qs.annotate(head_name=head_subquery("name", "household_id"))
        .order_by("household__code", "birth_date")
        .values_list(
            "pk",
            "household__code",
            "household__region_id",
            "head_name",
            "name",
            "id_number",
            "sex",
            "birth_date",
            "school_status",
        )
    )
    columns = [
        *_place_columns(),
        Column(_("户主姓名"), 10),
        Column(_("学生姓名"), 10),
        Column(_("证件号码"), 21, TEXT),
        Column(_("性别"), 6),
        Column(_("出生日期"), 12, DATE),
        Column(_("在校生状况"), 12),
        Column(_("教育帮扶措施"), 36),
    ]
    sheet = Sheet(
        wb, _("在校生"), columns, heading=_("{year} 年在校生台账").format(year=y), subtitle=_scope_line(ledger)
    )
    sexes, levels = labels(Sex.choices), labels(SchoolStatus.choices)
    _progress_total(progress, qs.count(), _("在校生"))
    for pk, code, region_id, head, name, number, sex, born, level in rows.iterator(chunk_size=CHUNK):
        township, village, group = ledger.place(region_id)
        sheet.append(
            [
                code,
                township,
                village,
                group,
                head,
                name,
                ledger.id_number(number),
                sexes.get(sex, sex),
                born,
                levels.get(level, level),
                _("；").join(helped.get(pk, [])),
            ]
        )
        _advance(progress)
    return sheet.rows


def _month_q(year: int, month: int) -> Q:
    """A member counted in a month's 兜底 payment: in the household on its first day (the
    rule of fupin.assistance.policy.floor_schedule)."""
    first = dt.date(year, month, 1)
    return (
        Q(members__join_reason=MemberChangeReason.INITIAL)
        | Q(members__joined_on__isnull=True)
        | Q(members__joined_on__lte=first)
    ) & (Q(members__ended_on__isnull=True) | Q(members__ended_on__gte=first))


def floor_sheet(wb: Any, ledger: Ledger, progress: Any = None) -> int:
    """兜底 payments: each month's persons × the year's standard of the household's region,
    beside the amount recorded on the household's 兜底 measures of the year."""
    y = ledger.year
    floor_measures = Measure.objects.filter(year=y, item__kind=MeasureKind.FLOOR)
    base = ledger.scope.filter(Household.objects.all()).filter(
        (household_in_year_q(y) & Q(attribute__in=[Attribute.DIBAO, Attribute.TEKUN]))
        | Q(pk__in=floor_measures.values("household_id"))
    )
    recorded = floor_measures.filter(household=OuterRef("pk")).values("household").annotate(s=Sum("amount"))
    rows = (
        base.annotate(
            head_name=head_subquery("name"),
            recorded=Subquery(recorded.values("s")[:1]),
            **{f"m{m}": Count("members", filter=_month_q(y, m)) for m in range(1, 13)},
        )
        .order_by("code")
        .values_list("code", "region_id", "head_name", "attribute", "recorded", *[f"m{m}" for m in range(1, 13)])
    )
    region_ids = list(base.order_by().values_list("region_id", flat=True).distinct())
    policies = policies_for_regions(regions=Region.objects.filter(pk__in=region_ids), year=y, on=year_end(y))
    standards = {pk: (v.floor_standard_monthly if v is not None else None) for pk, v in policies.items()}
    columns = [
        *_place_columns(),
        Column(_("户主姓名"), 10),
        Column(_("贫困户属性"), 14),
        Column(_("标准(元/人·月)"), 10, MONEY),
        *[Column(_("{m}月人数").format(m=m), 6, NUMBER) for m in range(1, 13)],
        Column(_("全年应发(元)"), 12, MONEY),
        Column(_("已录措施金额(元)"), 12, MONEY),
        Column(_("差额(元)"), 10, MONEY),
    ]
    sheet = Sheet(
        wb, _("兜底保障"), columns, heading=_("{year} 年兜底保障发放台账").format(year=y), subtitle=_scope_line(ledger)
    )
    attrs = labels(Attribute.choices)
    _progress_total(progress, base.count(), _("兜底保障"))
    for row in rows.iterator(chunk_size=CHUNK):
        code, region_id, head, attr, recorded_amount = row[:5]
        months = list(row[5:])
        standard = standards.get(region_id)
        due = (standard * sum(months)).quantize(Decimal("0.01")) if standard is not None else None
        diff = (recorded_amount or Decimal(0)) - due if due is not None else None
        township, village, group = ledger.place(region_id)
        sheet.append(
            [code, township, village, group, head, attrs.get(attr, attr), standard, *months, due, recorded_amount, diff]
        )
        _advance(progress)
    return sheet.rows


def _scope_line(ledger: Ledger) -> str:
    roots = ledger.scope.roots()
    where = _("、").join(r.full_name for r in roots) if roots else _("全部区域")
    masked = "" if ledger.sensitive else _("；证件号码、电话已脱敏")
    return _("范围：{where}；年度：{year}{masked}").format(where=where, year=ledger.year, masked=masked)


SHEETS = {
    "households": households_sheet,
    "measures": measures_sheet,
    "visits": visits_sheet,
    "students": students_sheet,
    "floor": floor_sheet,
}
