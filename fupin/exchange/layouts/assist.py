"""Layouts 2–5: 帮扶干部, 驻村工作队, 结对帮扶, 帮扶措施 — against the assistance models,
written through the assistance services. Import order: teams, cadres, pairings, measures
(after the roster); the teams' 队长 last of all, once the cadres are in (assist_leaders)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from fupin.assistance.models import Cadre, LinkedUnit, Measure, Pairing, WorkTeam
from fupin.assistance.services import (
    cadre_create,
    cadre_update,
    linked_unit_create,
    work_team_create,
    work_team_update,
)
from fupin.core.errors import ValidationError
from fupin.exchange import codes
from fupin.exchange.changes import ChangeLog
from fupin.exchange.context import ImportContext
from fupin.exchange.layouts.assist_common import Rows, cell, read_rows, run_rows
from fupin.exchange.layouts.assist_leaders import PendingLeaders
from fupin.exchange.layouts.assist_ledgers import load_measures, load_pairings
from fupin.exchange.spec import CODE, DATE, IDNO, MONEY, PHONE, TEXT, YEAR, Column, Layout, register
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.utils.text import fold


def C(name: str, key: str, kind: str = TEXT, **kw: Any) -> Column:
    return Column(name=name, key=key, kind=kind, **kw)


TEAM_COLUMNS = (
    C("工作队名称", "name", required=True, aliases=("工作队", "驻村工作队"), max_length=100),
    C("派驻村", "village", required=True, aliases=("派驻行政村", "驻村")),
    C("派出单位", "unit", required=True, aliases=("联点单位", "派出单位名称"), max_length=100),
    C("队长", "leader", aliases=("队长姓名",)),
    C("派驻日期", "started_on", DATE),
    C("撤离日期", "ended_on", DATE),
)
CADRE_COLUMNS = (
    C("姓名", "name", required=True, aliases=("干部姓名", "帮扶干部姓名"), max_length=50),
    C("证件号码", "id_number", IDNO, aliases=("身份证号", "身份证号码")),
    C("性别", "sex", CODE, codes="sex"),
    C("政治面貌", "political", CODE, codes="political"),
    C("联系电话", "phone", PHONE, required=True, aliases=("电话", "手机号码")),
    C("单位名称", "employer", required=True, aliases=("工作单位", "帮扶单位", "选派单位"), max_length=100),
    C("单位隶属关系", "affiliation", CODE, codes="affiliation", aliases=("隶属关系",)),
    C("工作队", "team", aliases=("驻村工作队", "所在工作队")),
    C("职务", "post", CODE, codes="cadre_post"),
    C("服务区域", "village", aliases=("帮扶村", "所在村"), export=False),
)
PAIRING_COLUMNS = (
    C("户编号", "code", required=True, aliases=("户号",)),
    C("帮扶责任人", "cadre_name", required=True, aliases=("帮扶责任人姓名", "帮扶人")),
    C("帮扶责任人电话", "cadre_phone", PHONE, required=True, aliases=("帮扶人电话", "联系电话")),
    C("开始日期", "started_on", DATE, aliases=("帮扶开始时间", "结对日期")),
    C("结束日期", "ended_on", DATE, aliases=("帮扶结束时间",)),
)
MEASURE_COLUMNS = (
    C("户编号", "code", required=True, aliases=("户号",)),
    C("受益人证件号码", "beneficiary", IDNO, aliases=("受益人身份证号",)),
    C("年度", "year", YEAR, required=True),
    C("措施类别", "category", CODE, required=True, codes="measure_category"),
    C("措施项目", "item", required=True),
    C("项目名称", "project"),
    C("金额(元)", "amount", MONEY, aliases=("金额",)),
    C("开始日期", "started_on", DATE),
    C("结束日期", "ended_on", DATE, aliases=("完成日期",)),
    C("状态", "status", CODE, codes="measure_status"),
    C("备注", "note", max_length=200),
)


def _village(text: str) -> Region:
    value = fold(text)
    found = list(Region.objects.filter(level=RegionLevel.VILLAGE, code=value)) or list(
        Region.objects.filter(level=RegionLevel.VILLAGE, name=value)
    )
    if len(found) != 1:
        message = _("行政村“{name}”不在区划树中") if not found else _("村名“{name}”不唯一，请填写 12 位区划代码")
        raise ValidationError({"region": message.format(name=text)})
    return found[0]


def _unit(name: str, ctx: ImportContext) -> LinkedUnit:
    unit = LinkedUnit.objects.filter(name=name).first()
    return unit or linked_unit_create(ctx=ctx.change, data={"name": name})


def _changed(obj: Any, data: dict[str, Any]) -> bool:
    return any(getattr(obj, k) != v for k, v in data.items())


# -- 驻村工作队 --------------------------------------------------------------------------------


def load_teams(rows: Rows, ctx: ImportContext, log: ChangeLog, *, write: bool) -> dict[str, Any]:
    """The teams, without their 队长: the leaders are set by the returned `finish` once the
    cadres of the same workbook are loaded (see assist_leaders)."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    leaders = PendingLeaders(rows, ctx, counts)

    def apply(r: dict[str, Any]) -> str:
        region = _village(r["village"])
        data = {
            "name": r["name"],
            "unit": _unit(r["unit"], ctx),
            "started_on": r["started_on"],
            "ended_on": r["ended_on"],
        }
        team = WorkTeam.objects.filter(name=r["name"]).first()
        if team is None:
            team = work_team_create(ctx=ctx.change, region=region, data=data)
            outcome = "created"
        elif not _changed(team, data) and team.region_id == region.pk:
            outcome = "unchanged"
        else:
            work_team_update(ctx=ctx.change, team=team, data=data, region=region)
            outcome = "updated"
        if "leader" in rows.headers:  # without a 队长 column the leaders stay as they are
            leaders.add(r, team.pk, outcome)
        return outcome

    outcome = run_rows(rows, ctx, write=write, entity="teams", apply=apply, refs=lambda r: [("team", cell(r, "name"))])
    counts.update(outcome["counts"]["teams"])
    outcome["counts"]["teams"] = counts
    outcome["finish"] = leaders
    return outcome


def team_rows(*, region: Region | None = None, year: int | None = None) -> Iterator[list[Any]]:
    qs = WorkTeam.objects.select_related("region", "unit", "leader").order_by("name")
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    for t in qs:
        yield [t.name, t.region.code, t.unit.name, t.leader.name if t.leader else None, t.started_on, t.ended_on]


# -- 帮扶干部 ----------------------------------------------------------------------------------


def _default_region(ctx: ImportContext) -> Region:
    if ctx.scope:
        return Region.objects.get(path=ctx.scope[0])
    districts = [n for n in ctx.regions.by_code.values() if n.level == RegionLevel.DISTRICT]
    if len(districts) == 1:
        return Region.objects.get(pk=districts[0].id)
    raise ValidationError({"region": _("请填写“服务区域”列（干部服务的行政村或乡镇）")})


def load_cadres(rows: Rows, ctx: ImportContext, log: ChangeLog, *, write: bool) -> dict[str, Any]:
    def apply(r: dict[str, Any]) -> str:
        team = WorkTeam.objects.filter(name=r["team"]).first() if r["team"] else None
        if r["team"] and team is None:
            refused = ctx.refused.get(("team", r["team"]))
            message = (
                _("工作队“{name}”在工作表“{sheet}”第 {row} 行有错误，未导入")
                if refused
                else _("工作队“{name}”不存在（请先导入驻村工作队）")
            )
            sheet, row = refused or ("", 0)
            raise ValidationError({"team": message.format(name=r["team"], sheet=sheet, row=row)})
        region = _village(r["village"]) if r["village"] else (team.region if team else _default_region(ctx))
        unit = LinkedUnit.objects.filter(name=r["employer"]).first()
        data = {
            "name": r["name"],
            "phone": r["phone"],
            "id_number": r["id_number"] or "",
            "sex": r["sex"] or "",
            "political": r["political"] or "",
            "unit": unit,
            "employer": "" if unit else r["employer"],
            "affiliation": r["affiliation"] or (unit.affiliation if unit else ""),
            "team": team,
            "post": r["post"] or ("member" if team else "responsible"),
        }
        cadre = (
            Cadre.objects.filter(id_number=r["id_number"]).first() if r["id_number"] else None
        ) or Cadre.objects.filter(name=r["name"], phone=r["phone"]).first()
        if cadre is None:
            cadre_create(ctx=ctx.change, region=region, data=data)
            return "created"
        if not _changed(cadre, data) and cadre.region_id == region.pk:
            return "unchanged"
        cadre_update(ctx=ctx.change, cadre=cadre, data=data, region=region)
        return "updated"

    return run_rows(rows, ctx, write=write, entity="cadres", apply=apply, refs=cadre_refs)


def cadre_refs(r: dict[str, Any]) -> list[tuple[str, ...]]:
    """How the other sheets name a cadre: a pairing by name and phone, a team's 队长 by name."""
    return [("cadre", cell(r, "name"), cell(r, "phone")), ("cadre_name", cell(r, "name"))]


def cadre_rows(*, region: Region | None = None, year: int | None = None) -> Iterator[list[Any]]:
    qs = Cadre.objects.select_related("unit", "team").filter(ended_on__isnull=True).order_by("name", "phone")
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    for c in qs:
        yield [
            c.name,
            c.id_number or None,
            codes.labels("sex").get(c.sex) if c.sex else None,
            codes.labels("political").get(c.political) if c.political else None,
            c.phone,
            c.employer_name,
            codes.labels("affiliation").get(c.affiliation) if c.affiliation else None,
            c.team.name if c.team else None,
            codes.labels("cadre_post").get(c.post),
        ]


# -- 结对帮扶 ----------------------------------------------------------------------------------


def pairing_rows(*, region: Region | None = None, year: int | None = None) -> Iterator[list[Any]]:
    qs = Pairing.objects.select_related("household", "cadre").order_by("household__code", "started_on", "id")
    if region is not None:
        qs = qs.filter(household__region__path__startswith=region.path)
    for p in qs:
        yield [p.household.code, p.cadre.name, p.cadre.phone, p.started_on, p.ended_on]


# -- 帮扶措施 ----------------------------------------------------------------------------------


def _money(value: Decimal | None) -> int | float | None:
    """An amount as the roster export writes one: 2000, not 2000.0 (a float cell in CSV)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral() else float(value)


def measure_rows(*, region: Region | None = None, year: int | None = None) -> Iterator[list[Any]]:
    qs = Measure.objects.select_related("household", "item", "project", "beneficiary").order_by(
        "household__code", "year", "id"
    )
    if region is not None:
        qs = qs.filter(household__region__path__startswith=region.path)
    if year is not None:
        qs = qs.filter(year=year)
    for m in qs:
        yield [
            m.household.code,
            m.beneficiary.id_number if m.beneficiary else None,
            m.year,
            codes.labels("measure_category").get(m.category),
            m.item.name,
            m.project.name if m.project else None,
            _money(m.amount),
            m.started_on,
            m.ended_on,
            codes.labels("measure_status").get(m.status),
            m.note or None,
        ]


def _dates(rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
    for row in rows:
        yield [v.isoformat() if isinstance(v, dt.date) else v for v in row]


register(
    Layout(
        key="teams",
        title="驻村工作队",
        sheet_names=("驻村工作队", "工作队"),
        columns=TEAM_COLUMNS,
        order=2,
        read=read_rows,
        load=load_teams,
        rows=lambda **kw: _dates(team_rows(**kw)),
        export_title=lambda region: f"{region}驻村工作队名册",
    )
)
register(
    Layout(
        key="cadres",
        title="帮扶干部",
        sheet_names=("帮扶干部", "帮扶责任人", "干部名册"),
        columns=CADRE_COLUMNS,
        order=3,
        read=read_rows,
        load=load_cadres,
        rows=lambda **kw: _dates(cadre_rows(**kw)),
        export_title=lambda region: f"{region}帮扶干部名册",
    )
)
register(
    Layout(
        key="pairings",
        title="结对帮扶",
        sheet_names=("结对帮扶", "结对帮扶台账"),
        columns=PAIRING_COLUMNS,
        order=4,
        read=read_rows,
        load=load_pairings,
        rows=lambda **kw: _dates(pairing_rows(**kw)),
        export_title=lambda region: f"{region}结对帮扶台账",
    )
)
register(
    Layout(
        key="measures",
        title="帮扶措施",
        sheet_names=("帮扶措施", "帮扶措施台账"),
        columns=MEASURE_COLUMNS,
        order=5,
        read=read_rows,
        load=load_measures,
        rows=lambda **kw: _dates(measure_rows(**kw)),
        export_title=lambda region: f"{region}帮扶措施台账",
    )
)
