"""Writing members: add (with a join reason), update, end (never delete)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.changelog import Context, log_create, log_end, log_update, snapshot
from fupin.core.errors import ApplicationError
from fupin.registry.choices import END_REASONS, JOIN_REASONS, IdType, Relation
from fupin.registry.models import Household, Member
from fupin.registry.services.common import assign, check_not_after_today, check_scope
from fupin.registry.services.years import household_year_refresh
from fupin.registry.validation import id_number_problems, member_problems
from fupin.utils import idno

MEMBER_FIELDS = (
    "person_code",
    "name",
    "id_type",
    "id_number",
    "sex",
    "relation",
    "ethnicity",
    "political",
    "education",
    "school_status",
    "health",
    "disability_grade",
    "disability_category",
    "labour_skill",
    "work_status",
    "work_months",
    "welfare_post",
    "active_military",
    "ins_medical",
    "ins_serious_illness",
    "ins_pension",
    "dibao",
    "tekun",
    "phone",
    "birth_date",
)


def _prepare(m: Member, data: dict[str, Any]) -> None:
    """Normalise the ID number, derive birth date and sex, and check every member rule."""
    assign(m, data, MEMBER_FIELDS)
    m.id_number, errors = id_number_problems(m.id_type or IdType.RESIDENT, m.id_number)
    if m.id_type == IdType.RESIDENT:
        if not errors:
            derived_sex = idno.sex_code(m.id_number)
            errors.update(member_problems({**_values(m), "sex": data.get("sex") or derived_sex}))
            m.sex = m.sex or derived_sex
            born = idno.birth_date(m.id_number)
            assert born is not None  # a valid resident number carries a real date (idno.problem checks it)
            m.birth_date = born
        else:
            errors.update(member_problems({**_values(m), "id_number": ""}))
    else:
        # Other ID types carry no birth date: it is entered (and required) on its own.
        errors.update(member_problems(_values(m)))
        if not m.birth_date:
            errors["birth_date"] = _("证件类型不是居民身份证时须填写出生日期")
    if errors:
        raise ValidationError(errors)
    if not m.name.strip():
        raise ValidationError({"name": _("姓名为空")})
    holder = Member.objects.active().filter(id_number=m.id_number).exclude(pk=m.pk).select_related("household").first()
    if holder is not None:
        raise ValidationError(
            {
                "id_number": _("证件号码 {number} 已登记在户 {code}（{name}）").format(
                    number=m.id_number, code=holder.household.code, name=holder.name
                )
            }
        )
    if m.relation == Relation.HEAD:
        other_head = (
            Member.objects.active().filter(household_id=m.household_id, relation=Relation.HEAD).exclude(pk=m.pk)
        )
        if other_head.exists():
            raise ValidationError({"relation": _("该户已有户主，一户只能有一名户主")})
    m.full_clean(exclude=["household", "birth_date"] if m.birth_date else ["household"])


def _values(m: Member) -> dict[str, Any]:
    return {f: getattr(m, f) for f in MEMBER_FIELDS}


@transaction.atomic
def member_add(
    *, ctx: Context, household: Household, data: dict[str, Any], reason: str = "00", on: dt.date | None = None
) -> Member:
    h = Household.objects.select_for_update().select_related("region").get(pk=household.pk)
    check_scope(ctx, "registry.add_member", h.region)
    if h.is_closed:
        raise ApplicationError(_("户 {code} 已注销，不能添加成员").format(code=h.code))
    if reason not in JOIN_REASONS:
        raise ValidationError({"join_reason": _("请选择成员加入原因（新生儿、嫁入、其他转入等）")})
    on = on or timezone.localdate()
    m = Member(household=h, joined_on=on, join_reason=reason)
    _prepare(m, data)
    m.save()
    log_create(ctx, m, related=h)
    household_year_refresh(ctx=ctx, household=h, year=on.year)
    return m


@transaction.atomic
def member_update(*, ctx: Context, member: Member, data: dict[str, Any]) -> Member:
    m = Member.objects.select_for_update().select_related("household__region").get(pk=member.pk)
    check_scope(ctx, "registry.change_member", m.household.region)
    if not m.is_active:
        raise ApplicationError(_("成员 {name} 已减少，不能修改").format(name=m.name))
    before = snapshot(m)
    data = {k: v for k, v in data.items() if k != "relation" or m.relation != Relation.HEAD or v == Relation.HEAD}
    _prepare(m, data)
    m.save()
    log_update(ctx, m, before, related=m.household)
    return m


@transaction.atomic
def member_end(
    *, ctx: Context, member: Member, reason: str, on: dt.date | None = None, new_head: Member | None = None
) -> Member:
    """End a member (死亡, 嫁出 …). Ending the head of a household with other members needs
    the member who becomes head; the record stays, marked with date and reason."""
    m = Member.objects.select_for_update().select_related("household__region").get(pk=member.pk)
    h = m.household
    check_scope(ctx, "registry.change_member", h.region)
    if not m.is_active:
        raise ApplicationError(_("成员 {name} 已减少").format(name=m.name))
    if reason not in END_REASONS:
        raise ValidationError({"end_reason": _("请选择减少原因（死亡、嫁出、出国定居、判刑收监、其他转出）")})
    on = on or timezone.localdate()
    check_not_after_today(on, field="ended_on", message=_("减少日期不能晚于今天"))
    if m.joined_on and on < m.joined_on:
        raise ValidationError({"ended_on": _("减少日期不能早于加入日期")})
    others = Member.objects.active().filter(household=h).exclude(pk=m.pk)
    needs_new_head = m.relation == Relation.HEAD and others.exists()
    if needs_new_head and (new_head is None or not others.filter(pk=new_head.pk).exists()):
        raise ValidationError({"new_head": _("户主减少时须从其他成员中指定新户主")})
    if m.relation == Relation.HEAD and new_head is not None and not needs_new_head:
        # The last member leaving hands over to nobody: a member of another household must
        # never be made head here (it would give that household two heads).
        raise ValidationError({"new_head": _("户内没有其他在册成员，不能指定新户主")})
    before = snapshot(m)
    m.ended_on, m.end_reason = on, reason
    m.save(update_fields=["ended_on", "end_reason", "updated"])
    log_end(ctx, m, before, related=h, reason=ctx.reason)
    if m.relation == Relation.HEAD and new_head is not None:
        nh = Member.objects.select_for_update().get(pk=new_head.pk)
        nh_before = snapshot(nh)
        nh.relation = Relation.HEAD
        nh.save(update_fields=["relation", "updated"])
        log_update(ctx, nh, nh_before, related=h, reason=_("原户主减少，变更为户主"))
    household_year_refresh(ctx=ctx, household=h, year=on.year)
    return m
