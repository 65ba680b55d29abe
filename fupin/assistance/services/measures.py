"""一户一法: plans and measures, with the limits of each kind of measure enforced."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.assistance.choices import MeasureKind, MeasureStatus
from fupin.assistance.models import Measure, Plan
from fupin.assistance.policy import credit_policy, floor_schedule, microcredit_interest_subsidy
from fupin.assistance.services.common import assign, check_scope
from fupin.core.changelog import Context, log_create, log_update, snapshot
from fupin.core.errors import ApplicationError
from fupin.registry.choices import Relation
from fupin.registry.models import Household, Member

PLAN_FIELDS = ("goal", "target_exit_year", "note")
MEASURE_FIELDS = (
    "item",
    "project",
    "beneficiary",
    "amount",
    "started_on",
    "ended_on",
    "status",
    "note",
    "post_type",
    "months",
    "monthly_pay",
    "grade_before",
    "grade_after",
    "term_months",
    "annual_rate",
)
FIRST_YEAR = 2014
SAFE_GRADES = {"A", "B"}
DANGEROUS_GRADES = {"C", "D"}


def _year_ok(year: int) -> None:
    last = timezone.localdate().year + 1
    if not FIRST_YEAR <= year <= last:
        raise ValidationError(
            {"year": _("年度应在 {first}–{last} 之间，收到 {year}").format(first=FIRST_YEAR, last=last, year=year)}
        )


# Plans ---------------------------------------------------------------------------------


@transaction.atomic
def plan_save(*, ctx: Context, household: Household, year: int, data: dict[str, Any] | None = None) -> Plan:
    """Create the household's plan for `year`, or update its header."""
    h = Household.objects.select_related("region").get(pk=household.pk)
    _year_ok(year)
    plan = Plan.objects.select_for_update().filter(household=h, year=year).first()
    if plan is None:
        check_scope(ctx, "assistance.add_plan", h.region)
        plan = Plan(household=h, year=year)
        assign(plan, data or {}, PLAN_FIELDS)
        plan.full_clean(exclude=["household"])
        plan.save()
        log_create(ctx, plan, related=h)
        return plan
    check_scope(ctx, "assistance.change_plan", h.region)
    before = snapshot(plan)
    assign(plan, data or {}, PLAN_FIELDS)
    plan.full_clean(exclude=["household"])
    plan.save()
    log_update(ctx, plan, before, related=h)
    return plan


def plans_ensure(pairs: Iterable[tuple[int, int]]) -> int:
    """Set-based: make sure a plan header exists for every (household id, year); for bulk
    loaders (imports, demo) that write measures directly. Returns how many were created."""
    wanted = set(pairs)
    if not wanted:
        return 0
    households = {h for h, _y in wanted}
    existing = set(Plan.objects.filter(household_id__in=households).values_list("household_id", "year"))
    missing = [Plan(household_id=h, year=y) for h, y in sorted(wanted - existing)]
    Plan.objects.bulk_create(missing, batch_size=1000, ignore_conflicts=True)
    return len(missing)


# Measures ------------------------------------------------------------------------------


def _age_on(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def measure_problems(m: Measure, *, household: Household) -> dict[str, str]:
    """Every rule a measure breaks, as {field: Chinese message}; the importer reuses it per row.
    Fills computed values (the loan's interest subsidy, a welfare post's type) on `m`."""
    errors: dict[str, str] = {}
    item = m.item
    if m.category and m.category != item.category:
        errors["category"] = _("措施项目“{item}”属于“{expected}”类，不是“{given}”").format(
            item=item.name, expected=item.get_category_display(), given=m.get_category_display()
        )
    m.category = item.category
    beneficiary = m.beneficiary
    if beneficiary is not None and beneficiary.household_id != household.pk:
        errors["beneficiary"] = _("受益成员“{name}”不是户 {code} 的成员").format(
            name=beneficiary.name, code=household.code
        )
    if m.amount is not None and m.amount < 0:
        errors["amount"] = _("金额不能为负数")
    if m.started_on and m.ended_on and m.ended_on < m.started_on:
        errors["ended_on"] = _("结束日期不能早于开始日期")
    kind = item.kind
    if kind in (MeasureKind.EMPLOYMENT, MeasureKind.WELFARE_POST):
        if m.months is not None and not 0 <= m.months <= 12:
            errors["months"] = _("月数应在 0–12 之间，收到 {n}").format(n=m.months)
        if m.monthly_pay is not None and m.monthly_pay < 0:
            errors["monthly_pay"] = _("月工资不能为负数")
        if kind == MeasureKind.WELFARE_POST and not m.post_type:
            m.post_type = item.welfare_post
    if kind == MeasureKind.HOUSING:
        if m.grade_before and m.grade_before not in DANGEROUS_GRADES:
            errors["grade_before"] = _("危房改造的对象应为 C 级或 D 级危房，改造前等级为 {g}").format(
                g=m.get_grade_before_display()
            )
        if m.status == MeasureStatus.DONE and m.grade_after and m.grade_after not in SAFE_GRADES:
            errors["grade_after"] = _("改造完成后应达到 A 级或 B 级（安全住房），填写的是 {g}").format(
                g=m.get_grade_after_display()
            )
    if kind == MeasureKind.MICROCREDIT:
        errors.update(_microcredit_problems(m, household=household))
    return errors


def _microcredit_problems(m: Measure, *, household: Household) -> dict[str, str]:
    errors: dict[str, str] = {}
    policy = credit_policy(m.year)
    if not household.registered:
        errors["household"] = _("扶贫小额信贷只面向建档立卡贫困户，户 {code} 未建档立卡").format(code=household.code)
    if m.amount is None or m.amount <= 0:
        errors["amount"] = _("请填写贷款本金（金额）")
    elif m.amount > policy.max_principal:
        errors["amount"] = _("贷款本金 {amount} 元超过单户上限 {max} 元").format(
            amount=f"{m.amount:,.2f}", max=f"{policy.max_principal:,.0f}"
        )
    if m.term_months is None or m.term_months <= 0:
        errors["term_months"] = _("请填写贷款期限（月）")
    elif m.term_months > policy.max_term_months:
        errors["term_months"] = _("贷款期限 {n} 个月超过上限 {max} 个月（{years} 年）").format(
            n=m.term_months, max=policy.max_term_months, years=policy.max_term_months // 12
        )
    if m.annual_rate is None or not Decimal(0) < m.annual_rate <= Decimal(20):
        errors["annual_rate"] = _("请填写年利率（百分数，如 4.75）")
    borrower = (
        m.beneficiary
        if m.beneficiary_id
        else (Member.objects.filter(household=household, relation=Relation.HEAD, ended_on__isnull=True).first())
    )
    if borrower is None:
        errors["beneficiary"] = _("请指定借款人（受益成员）")
    else:
        on = m.started_on or dt.date(m.year, 12, 31)
        age = _age_on(borrower.birth_date, on)
        if not policy.min_age <= age <= policy.max_age:
            errors["beneficiary"] = _("借款人 {name} 放贷时 {age} 岁，须在 {lo}–{hi} 岁之间").format(
                name=borrower.name, age=age, lo=policy.min_age, hi=policy.max_age
            )
    if not errors and m.amount is not None and m.annual_rate is not None and m.term_months is not None:
        m.interest_subsidy = microcredit_interest_subsidy(
            m.amount, m.annual_rate, m.term_months, share=policy.subsidy_share
        )
    return errors


def measure_may_add(household: Household, year: int) -> None:
    """What a new measure needs of its household and year, after the scope check (also the
    import's bulk path): an open household and a year within range."""
    if household.is_closed:
        raise ApplicationError(_("户 {code} 已注销，不能添加措施").format(code=household.code))
    _year_ok(year)


def measure_prepare(m: Measure, household: Household, data: dict[str, Any], *, check_constraints: bool = True) -> None:
    """Set and validate a measure's fields. `check_constraints=False` (an import's bulk path)
    leaves out Django's per-object query for each check constraint: `measure_problems` has
    refused every row that could break one, and the database enforces them on insert."""
    assign(m, data, MEASURE_FIELDS)
    if "category" in data:
        m.category = data["category"]
    elif "item" in data:
        m.category = ""  # follows the new item
    if m.item_id is None:
        raise ValidationError({"item": _("请选择措施项目")})
    if m.item.kind == MeasureKind.FLOOR and m.amount is None:
        # A 兜底 measure without an amount receives the year's schedule total.
        m.amount = floor_schedule(household, m.year).total
    errors = measure_problems(m, household=household)
    if errors:
        raise ValidationError(errors)
    m.full_clean(
        exclude=["household", "item", "beneficiary", "project", "created_by"], validate_constraints=check_constraints
    )


@transaction.atomic
def measure_create(*, ctx: Context, household: Household, year: int, data: dict[str, Any]) -> Measure:
    """Add a measure to the household's plan for `year` (the plan header is created when missing)."""
    h = Household.objects.select_for_update().select_related("region").get(pk=household.pk)
    check_scope(ctx, "assistance.add_measure", h.region)
    measure_may_add(h, year)
    m = Measure(household=h, year=year, created_by=ctx.actor if ctx.actor is not None and ctx.actor.pk else None)
    measure_prepare(m, h, data)
    m.save()
    log_create(ctx, m, related=h)
    if not Plan.objects.filter(household=h, year=year).exists():
        plan = Plan.objects.create(household=h, year=year)
        log_create(ctx, plan, related=h)
    return m


@transaction.atomic
def measure_update(*, ctx: Context, measure: Measure, data: dict[str, Any]) -> Measure:
    m = Measure.objects.select_for_update().select_related("household__region", "item").get(pk=measure.pk)
    h = m.household
    check_scope(ctx, "assistance.change_measure", h.region)
    before = snapshot(m)
    measure_prepare(m, h, data)
    m.save()
    log_update(ctx, m, before, related=h)
    return m
