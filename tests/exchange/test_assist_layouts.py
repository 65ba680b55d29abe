"""Layouts 2–5 in one workbook with the roster: work teams, cadres, pairings and measures are
imported in dependency order, re-import changes nothing, and a bad reference rejects the
whole workbook (roster included) naming its row."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from fupin.assistance.models import Cadre, Measure, Pairing, WorkTeam
from fupin.exchange.services.exports import export_layout
from fupin.registry.models import Household
from tests.exchange.helpers import headers_of, household, run, state

pytestmark = pytest.mark.django_db

TEAMS = [
    {"工作队名称": "市财政局驻大昌村工作队", "派驻村": "大昌村", "派出单位": "衡阳市财政局", "派驻日期": "2018-03-01"}
]
CADRES = [
    {
        "姓名": "周队长",
        "联系电话": "13900000001",
        "单位名称": "衡阳市财政局",
        "单位隶属关系": "市",
        "工作队": "市财政局驻大昌村工作队",
        "职务": "队长",
        "政治面貌": "中共党员",
    },
    {"姓名": "吴干部", "联系电话": "13900000002", "单位名称": "珠晖区教育局", "单位隶属关系": "县"},
]
PAIRINGS = [
    {"户编号": "430405014201000301", "帮扶责任人": "周队长", "帮扶责任人电话": "13900000001", "开始日期": "2018-04-01"},
    {"户编号": "430405014201000302", "帮扶责任人": "吴干部", "帮扶责任人电话": "13900000002", "开始日期": "2018/04/02"},
]
MEASURES = [
    {
        "户编号": "430405014201000301",
        "年度": "2019",
        "措施类别": "产业",
        "措施项目": "特色种植",
        "金额(元)": "2,000元",
        "状态": "已完成",
    },
    {"户编号": "430405014201000302", "年度": "2019年", "措施类别": "健康", "措施项目": "家庭医生签约"},
]


def workbook(path, sheets: dict[str, list[dict]]):
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        headers = headers_of(rows)
        ws.append(headers)
        for r in rows:
            ws.append([r.get(h, "") or None for h in headers])
    wb.save(path)
    return path


def all_sheets(**overrides):
    sheets = {
        # Sheet order in the file is not the import order.
        "帮扶措施": MEASURES,
        "结对帮扶": PAIRINGS,
        "帮扶干部": CADRES,
        "驻村工作队": TEAMS,
        "人员明细": household("430405014201000301", 2) + household("430405014201000302", 1),
    }
    sheets.update(overrides)
    return sheets


def test_a_workbook_with_every_layout_loads_in_dependency_order_and_reloads_unchanged(regions, tmp_path):
    path = workbook(tmp_path / "all.xlsx", all_sheets())
    result = run(path)
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    assert [s.layout for s in result.sheets] == ["roster", "teams", "cadres", "pairings", "measures"]
    team = WorkTeam.objects.get()
    leader = Cadre.objects.get(name="周队长")
    assert team.region.name == "大昌村" and leader.team == team and leader.post == "leader"
    assert Cadre.objects.get(name="吴干部").employer == "珠晖区教育局"
    assert Pairing.objects.get(household__code="430405014201000301").cadre == leader
    assert Measure.objects.get(household__code="430405014201000301").amount == 2000
    again = run(path)
    totals = again.totals()
    for entity in ("teams", "cadres", "pairings", "measures"):
        assert totals[entity]["created"] == 0 and totals[entity]["updated"] == 0, (entity, totals)


def test_a_bad_reference_rejects_the_whole_workbook_naming_the_row(regions, tmp_path):
    before = state()
    bad = [dict(PAIRINGS[0]), dict(PAIRINGS[1], 帮扶责任人="不存在的人")]
    result = run(workbook(tmp_path / "bad.xlsx", all_sheets(结对帮扶=bad)))
    assert result.status == "rejected"
    error = next(i for i in result.issues.items if i.severity == "error")
    assert error.sheet == "结对帮扶" and error.row == 3 and error.column == "帮扶责任人" and "不存在" in error.message
    assert state() == before
    assert not WorkTeam.objects.exists() and not Cadre.objects.exists()


def test_a_leader_named_in_the_same_workbook_is_found_among_two_of_that_name(regions, tmp_path):
    # Another 周队长 serves elsewhere: the one of the team itself leads it.
    other = {"姓名": "周队长", "联系电话": "13900000009", "单位名称": "珠晖区教育局", "服务区域": "解放村"}
    teams = [dict(TEAMS[0], 队长="周队长")]
    result = run(workbook(tmp_path / "l.xlsx", all_sheets(驻村工作队=teams, 帮扶干部=[*CADRES, other])))
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    assert WorkTeam.objects.get().leader == Cadre.objects.get(name="周队长", phone="13900000001")
    again = run(workbook(tmp_path / "l.xlsx", all_sheets(驻村工作队=teams, 帮扶干部=[*CADRES, other])))
    assert again.totals()["teams"] == {"created": 0, "updated": 0, "unchanged": 1}


@pytest.mark.parametrize(
    ("cadres", "expected"),
    [
        # Two 周队长 of no team, neither serving 大昌村: nothing tells them apart.
        (
            [
                {"姓名": "周队长", "联系电话": "13900000008", "单位名称": "珠晖区教育局", "服务区域": "解放村"},
                {"姓名": "周队长", "联系电话": "13900000009", "单位名称": "珠晖区教育局", "服务区域": "解放村"},
                CADRES[1],
            ],
            "2 名同名干部",
        ),
        ([CADRES[1]], "不在帮扶干部中"),
    ],
)
def test_an_ambiguous_or_unknown_leader_is_an_error_on_its_row(regions, tmp_path, cadres, expected):
    before = state()
    teams = [dict(TEAMS[0], 队长="周队长")]
    pairings = [PAIRINGS[1]]
    result = run(workbook(tmp_path / "a.xlsx", all_sheets(驻村工作队=teams, 帮扶干部=cadres, 结对帮扶=pairings)))
    assert result.status == "rejected"
    errors = [i for i in result.issues.items if i.severity == "error"]
    assert [(e.sheet, e.row, e.column, e.value) for e in errors] == [("驻村工作队", 2, "队长", "周队长")]
    assert expected in errors[0].message
    assert state() == before and not WorkTeam.objects.exists()


def test_a_dry_run_counts_rows_for_households_the_roster_will_create(regions, tmp_path):
    result = run(workbook(tmp_path / "dry.xlsx", all_sheets()), dry_run=True)
    assert result.status == "checked", [str(i) for i in result.issues.items]
    assert result.totals()["pairings"]["created"] == 2
    assert not Household.objects.exists() and not Cadre.objects.exists()


def test_layouts_2_to_5_export_and_reimport(regions, tmp_path):
    run(workbook(tmp_path / "all.xlsx", all_sheets()))
    for layout, sheet in (
        ("teams", "驻村工作队"),
        ("cadres", "帮扶干部"),
        ("pairings", "结对帮扶"),
        ("measures", "帮扶措施"),
    ):
        out = tmp_path / f"{layout}.xlsx"
        assert export_layout(out, layout_key=layout) >= 1
        again = run(out)
        assert again.status == "loaded", (layout, [str(i) for i in again.issues.items])
        counts = again.totals()[layout]
        assert counts["created"] == 0 and counts["updated"] == 0, (layout, counts)


def test_a_refused_leader_counts_as_a_rejected_row_in_a_valid_only_import(regions, tmp_path):
    teams = [dict(TEAMS[0], 队长="周队长")]
    result = run(
        workbook(tmp_path / "v.xlsx", all_sheets(驻村工作队=teams, 帮扶干部=[CADRES[1]], 结对帮扶=[PAIRINGS[1]])),
        valid_only=True,
    )
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    [sheet] = [s for s in result.sheets if s.sheet == "驻村工作队"]
    assert sheet.rejected == 1
    assert WorkTeam.objects.get().leader is None
