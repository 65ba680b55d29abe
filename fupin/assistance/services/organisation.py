"""Writing the organisation: linked units, the leading group, work teams and cadres."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.assistance.models import Cadre, LeadingGroupMember, LinkedUnit, WorkTeam
from fupin.assistance.services.common import assign, check_anywhere, check_scope, clean_mobile
from fupin.core.changelog import Context, log_create, log_end, log_update, snapshot
from fupin.core.errors import ApplicationError
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.utils import idno

UNIT_FIELDS = ("name", "affiliation", "note")
GROUP_FIELDS = ("name", "post", "group_role", "unit", "phone", "started_on", "ended_on")
TEAM_FIELDS = ("name", "unit", "leader", "started_on", "ended_on")
CADRE_FIELDS = (
    "name",
    "id_number",
    "sex",
    "political",
    "phone",
    "unit",
    "employer",
    "affiliation",
    "team",
    "post",
    "user",
)


def _full_clean(obj: Any, exclude: tuple[str, ...] = ()) -> None:
    # Uniqueness is checked here too, so that a duplicate name gets a field message, not a 409.
    obj.full_clean(exclude=list(exclude))


# Linked units ---------------------------------------------------------------------------


@transaction.atomic
def linked_unit_create(*, ctx: Context, data: dict[str, Any]) -> LinkedUnit:
    check_anywhere(ctx, "assistance.add_linkedunit")
    unit = LinkedUnit()
    assign(unit, data, UNIT_FIELDS)
    unit.name = (unit.name or "").strip()
    _full_clean(unit)
    unit.save()
    log_create(ctx, unit)
    return unit


@transaction.atomic
def linked_unit_update(*, ctx: Context, unit: LinkedUnit, data: dict[str, Any]) -> LinkedUnit:
    check_anywhere(ctx, "assistance.change_linkedunit")
    unit = LinkedUnit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot(unit)
    assign(unit, data, UNIT_FIELDS)
    unit.name = (unit.name or "").strip()
    _full_clean(unit)
    unit.save()
    log_update(ctx, unit, before)
    return unit


# Leading group ---------------------------------------------------------------------------


@transaction.atomic
def group_member_create(*, ctx: Context, region: Region, data: dict[str, Any]) -> LeadingGroupMember:
    region = Region.objects.get(pk=region.pk)
    check_scope(ctx, "assistance.add_leadinggroupmember", region)
    m = LeadingGroupMember(region=region)
    assign(m, data, GROUP_FIELDS)
    m.phone = clean_mobile(m.phone, required=False)
    _full_clean(m)
    m.save()
    log_create(ctx, m)
    return m


@transaction.atomic
def group_member_update(*, ctx: Context, member: LeadingGroupMember, data: dict[str, Any]) -> LeadingGroupMember:
    m = LeadingGroupMember.objects.select_for_update().select_related("region").get(pk=member.pk)
    check_scope(ctx, "assistance.change_leadinggroupmember", m.region)
    before = snapshot(m)
    assign(m, data, GROUP_FIELDS)
    m.phone = clean_mobile(m.phone, required=False)
    _full_clean(m)
    m.save()
    log_update(ctx, m, before)
    return m


# Work teams ------------------------------------------------------------------------------


def _team_region(region: Region) -> Region:
    region = Region.objects.get(pk=region.pk)
    if region.level != RegionLevel.VILLAGE:
        raise ValidationError({"region": _("驻村工作队的派驻地须为行政村，“{name}”不是").format(name=region.name)})
    return region


@transaction.atomic
def work_team_create(*, ctx: Context, region: Region, data: dict[str, Any]) -> WorkTeam:
    region = _team_region(region)
    check_scope(ctx, "assistance.add_workteam", region)
    team = WorkTeam(region=region)
    assign(team, data, TEAM_FIELDS)
    _full_clean(team)
    team.save()
    log_create(ctx, team)
    return team


@transaction.atomic
def work_team_update(*, ctx: Context, team: WorkTeam, data: dict[str, Any], region: Region | None = None) -> WorkTeam:
    t = WorkTeam.objects.select_for_update().select_related("region").get(pk=team.pk)
    check_scope(ctx, "assistance.change_workteam", t.region)
    before = snapshot(t)
    if region is not None and region.pk != t.region_id:
        t.region = _team_region(region)
        check_scope(ctx, "assistance.change_workteam", t.region)
    assign(t, data, TEAM_FIELDS)
    leader = t.leader
    if leader is not None and leader.team_id not in (None, t.pk):
        raise ValidationError({"leader": _("队长“{name}”属于另一个工作队").format(name=leader.name)})
    _full_clean(t)
    t.save()
    log_update(ctx, t, before)
    return t


# Cadres ----------------------------------------------------------------------------------


def _prepare_cadre(c: Cadre, data: dict[str, Any]) -> None:
    assign(c, data, CADRE_FIELDS)
    c.name = (c.name or "").strip()
    c.employer = (c.employer or "").strip()
    c.phone = clean_mobile(c.phone)
    if c.id_number:
        c.id_number = idno.normalize(c.id_number)
        problem = idno.problem(c.id_number)
        if problem is not None:
            why = _(problem.template).format(**problem.params)
            raise ValidationError({"id_number": _("证件号码“{value}”无效：{why}").format(value=c.id_number, why=why)})
        if not c.sex:
            c.sex = idno.sex_code(c.id_number)
    if c.unit_id is None and not c.employer:
        raise ValidationError({"employer": _("请选择联点单位或填写工作单位名称")})
    if c.unit is not None and not c.affiliation:
        c.affiliation = c.unit.affiliation
    others = Cadre.objects.exclude(pk=c.pk)
    if c.id_number and (twin := others.filter(id_number=c.id_number).first()) is not None:
        raise ValidationError(
            {"id_number": _("证件号码 {number} 已登记为帮扶干部 {name}").format(number=c.id_number, name=twin.name)}
        )
    if others.filter(name=c.name, phone=c.phone).exists():
        raise ValidationError({"phone": _("帮扶干部 {name}（{phone}）已存在").format(name=c.name, phone=c.phone)})
    _full_clean(c)


@transaction.atomic
def cadre_create(*, ctx: Context, region: Region, data: dict[str, Any]) -> Cadre:
    """Create a cadre serving `region`; identity is the ID number, else name + phone."""
    region = Region.objects.get(pk=region.pk)
    check_scope(ctx, "assistance.add_cadre", region)
    c = Cadre(region=region)
    _prepare_cadre(c, data)
    c.save()
    log_create(ctx, c)
    return c


@transaction.atomic
def cadre_update(*, ctx: Context, cadre: Cadre, data: dict[str, Any], region: Region | None = None) -> Cadre:
    c = Cadre.objects.select_for_update().select_related("region").get(pk=cadre.pk)
    check_scope(ctx, "assistance.change_cadre", c.region)
    before = snapshot(c)
    if region is not None and region.pk != c.region_id:
        c.region = Region.objects.get(pk=region.pk)
        check_scope(ctx, "assistance.change_cadre", c.region)
    _prepare_cadre(c, data)
    c.save()
    log_update(ctx, c, before)
    return c


@transaction.atomic
def cadre_end(*, ctx: Context, cadre: Cadre, on: dt.date | None = None, reason: str = "") -> Cadre:
    """A cadre leaves: refused while they still hold households (reassign them first)."""
    c = Cadre.objects.select_for_update().select_related("region").get(pk=cadre.pk)
    check_scope(ctx, "assistance.change_cadre", c.region)
    if c.ended_on is not None:
        raise ApplicationError(_("帮扶干部 {name} 已离任").format(name=c.name))
    held = c.pairings.filter(ended_on__isnull=True).count()
    if held:
        raise ApplicationError(
            _("帮扶干部 {name} 仍结对 {n} 户，请先为这些农户更换帮扶责任人").format(name=c.name, n=held)
        )
    before = snapshot(c)
    c.ended_on = on or timezone.localdate()
    c.save(update_fields=["ended_on", "updated"])
    log_end(ctx, c, before, reason=reason)
    return c
