"""一户一档 of one household: its record, members, yearly facts, cadres, measures and visits,
one sheet each (domain.md §1.3)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from fupin.assistance.choices import VISIT_CHECKLIST, MeasureCategory, MeasureStatus
from fupin.assistance.models import Measure, Pairing, Visit
from fupin.registry.choices import (
    Attribute,
    Cause,
    Education,
    Health,
    HouseGrade,
    LabourSkill,
    MemberChangeReason,
    PovertyStatus,
    Relation,
    SchoolStatus,
    Sex,
    WelfarePost,
    WorkStatus,
)
from fupin.registry.models import Household, HouseholdYear, Member
from fupin.reports.ledgers.common import Ledger, labels, multi
from fupin.reports.ledgers.workbook import DATE, MONEY, NUMBER, TEXT, Column, Sheet


def household_workbook(wb: Any, ledger: Ledger, household: Household) -> int:
    h = household
    township, village, group = ledger.place(h.region_id)
    causes = labels(Cause.choices)
    info = Sheet(
        wb,
        _("基本情况"),
        [Column(_("项目"), 18), Column(_("内容"), 40, TEXT)],
        heading=_("一户一档：{code}").format(code=h.code),
    )
    members = list(Member.objects.filter(household=h).order_by("ended_on", "relation", "birth_date"))
    head = next((m for m in members if m.relation == Relation.HEAD and m.ended_on is None), None)
    for label, value in (
        (_("户编号"), h.code),
        (_("乡镇"), township),
        (_("村"), village),
        (_("组/自然村"), group or h.hamlet),
        (_("户主姓名"), head.name if head else ""),
        (_("户主证件号码"), ledger.id_number(head.id_number) if head else ""),
        (_("家庭人口"), sum(1 for m in members if m.ended_on is None)),
        (_("贫困户属性"), labels(Attribute.choices).get(h.attribute, h.attribute)),
        (_("主要致贫原因"), causes.get(h.main_cause, h.main_cause)),
        (_("其他致贫原因"), multi(h.other_causes, causes)),
        (_("识别年度"), h.identified_year),
        (_("脱贫标志"), labels(PovertyStatus.choices).get(h.status, h.status)),
        (_("脱贫年度"), h.exit_year),
        (_("返贫年度"), h.return_year),
        (_("联系电话"), ledger.phone(h.phone)),
        (_("开户银行"), h.bank_name),
        (_("银行账号"), ledger.account(h.bank_account)),
    ):
        info.append([label, "" if value is None else value])

    _members_sheet(wb, ledger, members)
    _years_sheet(wb, h)
    _cadres_sheet(wb, ledger, h)
    _measures_sheet(wb, h)
    _visits_sheet(wb, h)
    return len(members)


def _members_sheet(wb: Any, ledger: Ledger, members: list[Member]) -> None:
    columns = [
        Column(_("姓名"), 10),
        Column(_("与户主关系"), 10),
        Column(_("证件号码"), 21, TEXT),
        Column(_("性别"), 6),
        Column(_("出生日期"), 12, DATE),
        Column(_("文化程度"), 12),
        Column(_("在校生状况"), 12),
        Column(_("健康状况"), 16),
        Column(_("劳动技能"), 14),
        Column(_("务工状况"), 14),
        Column(_("务工时间(月)"), 8, NUMBER),
        Column(_("公益性岗位"), 12),
        Column(_("联系电话"), 14, TEXT),
        Column(_("加入原因"), 10),
        Column(_("减少日期"), 12, DATE),
        Column(_("减少原因"), 10),
    ]
    sheet = Sheet(wb, _("家庭成员"), columns, heading=_("家庭成员"))
    names = {
        k: labels(c)
        for k, c in (
            ("rel", Relation.choices),
            ("sex", Sex.choices),
            ("edu", Education.choices),
            ("school", SchoolStatus.choices),
            ("health", Health.choices),
            ("skill", LabourSkill.choices),
            ("work", WorkStatus.choices),
            ("post", WelfarePost.choices),
            ("change", MemberChangeReason.choices),
        )
    }
    for m in members:
        sheet.append(
            [
                m.name,
                names["rel"].get(m.relation, m.relation),
                ledger.id_number(m.id_number),
                names["sex"].get(m.sex, m.sex),
                m.birth_date,
                names["edu"].get(m.education, m.education),
                names["school"].get(m.school_status, m.school_status),
                multi(m.health, names["health"]),
                names["skill"].get(m.labour_skill, m.labour_skill),
                names["work"].get(m.work_status, m.work_status),
                m.work_months,
                names["post"].get(m.welfare_post, m.welfare_post),
                ledger.phone(m.phone),
                names["change"].get(m.join_reason, m.join_reason),
                m.ended_on,
                names["change"].get(m.end_reason, m.end_reason),
            ]
        )


def _years_sheet(wb: Any, h: Household) -> None:
    columns = [
        Column(_("年度"), 8, NUMBER),
        Column(_("工资性收入"), 12, MONEY),
        Column(_("生产经营性收入"), 12, MONEY),
        Column(_("财产性收入"), 12, MONEY),
        Column(_("转移性收入"), 12, MONEY),
        Column(_("生产经营性支出"), 12, MONEY),
        Column(_("家庭纯收入"), 12, MONEY),
        Column(_("人口"), 6, NUMBER),
        Column(_("人均纯收入"), 12, MONEY),
        Column(_("耕地面积(亩)"), 10, NUMBER),
        Column(_("住房面积(㎡)"), 10, NUMBER),
        Column(_("危房等级"), 8),
    ]
    sheet = Sheet(wb, _("收入与生产生活条件"), columns, heading=_("收入与生产生活条件"))
    grades = labels(HouseGrade.choices)
    for y in HouseholdYear.objects.filter(household=h).order_by("year"):
        sheet.append(
            [
                y.year,
                y.wage_income,
                y.business_income,
                y.property_income,
                y.transfer_income,
                y.production_cost,
                y.net_income,
                y.persons,
                y.per_capita_net_income,
                y.arable_land,
                y.housing_area,
                grades.get(y.house_grade, y.house_grade),
            ]
        )


def _cadres_sheet(wb: Any, ledger: Ledger, h: Household) -> None:
    columns = [
        Column(_("帮扶责任人"), 10),
        Column(_("单位"), 24),
        Column(_("联系电话"), 14, TEXT),
        Column(_("帮扶开始时间"), 12, DATE),
        Column(_("帮扶结束时间"), 12, DATE),
    ]
    sheet = Sheet(wb, _("帮扶责任人"), columns, heading=_("帮扶责任人"))
    for p in Pairing.objects.filter(household=h).select_related("cadre__unit").order_by("started_on", "id"):
        sheet.append([p.cadre.name, p.cadre.employer_name, p.cadre.phone, p.started_on, p.ended_on])


def _measures_sheet(wb: Any, h: Household) -> None:
    columns = [
        Column(_("年度"), 8, NUMBER),
        Column(_("措施类别"), 10),
        Column(_("措施项目"), 16),
        Column(_("受益成员"), 10),
        Column(_("金额(元)"), 12, MONEY),
        Column(_("开始日期"), 12, DATE),
        Column(_("完成日期"), 12, DATE),
        Column(_("状态"), 8),
        Column(_("备注"), 24),
    ]
    sheet = Sheet(wb, _("帮扶措施"), columns, heading=_("帮扶措施"))
    cats, statuses = labels(MeasureCategory.choices), labels(MeasureStatus.choices)
    for m in (
        Measure.objects.filter(household=h).select_related("item", "beneficiary").order_by("year", "category", "id")
    ):
        sheet.append(
            [
                m.year,
                cats.get(m.category, m.category),
                m.item.name,
                m.beneficiary.name if m.beneficiary else "",
                m.amount,
                m.started_on,
                m.ended_on,
                statuses.get(m.status, m.status),
                m.note,
            ]
        )


def _visits_sheet(wb: Any, h: Household) -> None:
    columns = [
        Column(_("走访日期"), 12, DATE),
        Column(_("走访干部"), 10),
        *[Column(str(label), 8) for _n, label in VISIT_CHECKLIST],
        Column(_("走访记录"), 40),
    ]
    sheet = Sheet(wb, _("走访记录"), columns, heading=_("走访记录"))
    for v in Visit.objects.filter(household=h).select_related("cadre").order_by("visited_on", "id"):
        sheet.append(
            [
                v.visited_on,
                v.cadre.name if v.cadre else "",
                *["✓" if getattr(v, n) else "" for n, _l in VISIT_CHECKLIST],
                v.notes,
            ]
        )
