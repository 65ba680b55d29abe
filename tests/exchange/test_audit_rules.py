"""Rules of SPEC/exchange.md that the audit of issue 3 found without a test of their own:
header spellings, which sheet carries a layout, the layout-1 conditions not yet tried in
the other direction, the region columns that disagree, and layouts 2, 3 and 5 rejecting a
bad cell. Each rejected case names its row and column and changes nothing."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest
from openpyxl import Workbook

from fupin.assistance.models import Measure, WorkTeam
from fupin.exchange.services.exports import export_layout
from fupin.exchange.services.summary import summary_lines
from fupin.registry.models import Household, HouseholdYear, Member
from tests.exchange.helpers import errors_of, headers_of, household, run, write_csv
from tests.exchange.test_assist_layouts import CADRES, MEASURES, PAIRINGS, TEAMS, all_sheets, workbook
from tests.exchange.test_spec_gaps import everything

pytestmark = pytest.mark.django_db


def only_error(result, *, kind: str, sheet: str | None = None) -> list:
    """The errors of a rejected import, all of `kind` (so that a wrong extra error fails)."""
    assert result.status == "rejected", [str(i) for i in result.issues.items]
    errors = errors_of(result)
    assert errors and {e.kind for e in errors} == {kind}, [str(e) for e in errors]
    if sheet is not None:
        assert {e.sheet for e in errors} == {sheet}, [str(e) for e in errors]
    return errors


# ------------------------------------------------------------------ column names


def test_unknown_columns_are_reported_once_for_the_sheet_and_printed(regions, tmp_path):
    rows = [dict(r, 备注说明="x", 联系人="y") for r in household("430405014201000801", 3)]
    rows += [dict(r, 备注说明="z", 联系人="") for r in household("430405014201000802", 2)]
    result = run(write_csv(tmp_path / "extra.csv", rows))
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    ignored = [i for i in result.issues.items if i.kind == "ignored_column"]
    assert len(ignored) == 1 and ignored[0].row == 1
    assert "备注说明" in ignored[0].message and "联系人" in ignored[0].message
    # The terminal says so too: a misspelt header must not lose its column without a word.
    printed = "\n".join(summary_lines(result))
    assert "备注说明" in printed and "联系人" in printed


def test_headers_with_inner_and_ideographic_spaces_are_understood(regions, tmp_path):
    rows = household("430405014201000803", 2)
    spaced = [
        {
            {"姓名": "姓 名", "证件号码": "证件\u3000号码", "健康状况": " 健康状况\u3000"}.get(k, k): v
            for k, v in r.items()
        }
        for r in rows
    ]
    result = run(write_csv(tmp_path / "spaced.csv", spaced))
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    assert not [i for i in result.issues.items if i.kind == "ignored_column"]
    assert sorted(Member.objects.filter(household__code="430405014201000803").values_list("name", flat=True)) == [
        "李梅",
        "王大",
    ]


# ------------------------------------------------------------------ which sheet carries a layout


def _roster_sheet(wb: Workbook, title: str, rows: list[dict]) -> None:
    ws = wb.create_sheet(title)
    headers = headers_of(rows)
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h) or None for h in headers])


def _summary_sheet(wb: Workbook, title: str) -> None:
    # A 汇总 sheet names three roster columns, enough for its header to look like one.
    ws = wb.create_sheet(title)
    ws.append(["县(市、区)", "乡(镇)", "行政村", "户数", "人数"])
    ws.append(["珠晖区", "东阳渡街道", "大昌村", 1, 2])


def test_a_summary_sheet_beside_the_named_roster_is_skipped_with_a_warning(regions, tmp_path):
    wb = Workbook()
    wb.remove(wb.active)
    _roster_sheet(wb, "人员明细", household("430405014201000804", 2))
    _summary_sheet(wb, "汇总")
    wb.save(tmp_path / "two.xlsx")
    result = run(tmp_path / "two.xlsx")
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    assert [s.sheet for s in result.sheets] == ["人员明细"]
    assert Member.objects.filter(household__code="430405014201000804").count() == 2
    [skipped] = [i for i in result.issues.items if i.kind == "sheet_skipped"]
    assert (skipped.sheet, skipped.severity) == ("汇总", "warning") and "人员明细" in skipped.message
    assert any("汇总" in line and "已跳过" in line for line in summary_lines(result))


def test_of_two_unnamed_sheets_the_one_that_is_a_roster_is_read(regions, tmp_path):
    wb = Workbook()
    wb.remove(wb.active)
    _summary_sheet(wb, "Sheet1")
    _roster_sheet(wb, "Sheet2", household("430405014201000805", 2))
    wb.save(tmp_path / "unnamed.xlsx")
    result = run(tmp_path / "unnamed.xlsx")
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    assert [s.sheet for s in result.sheets] == ["Sheet2"]
    assert Household.objects.filter(code="430405014201000805").exists()


# ------------------------------------------------------------------ layout 1 conditions


def test_work_months_without_a_work_status_is_rejected(regions, tmp_path):
    rows = household("430405014201000806", 2)
    rows[1].update({"务工状况": "", "务工时间(月)": "6"})
    before = everything()
    [error] = only_error(run(write_csv(tmp_path / "m.csv", rows)), kind="member_rule")
    assert error.row == 3 and error.column in ("务工时间(月)", "务工状况"), str(error)
    assert everything() == before


def test_neither_education_nor_school_status_is_rejected(regions, tmp_path):
    rows = household("430405014201000807", 2)
    rows[1].update({"文化程度": "", "在校生状况": ""})
    before = everything()
    [error] = only_error(run(write_csv(tmp_path / "e.csv", rows)), kind="member_rule")
    assert error.row == 3 and error.column in ("文化程度", "在校生状况"), str(error)
    assert everything() == before


def test_a_county_other_than_the_villages_is_rejected(regions, tmp_path):
    rows = household("430405014201000808", 2, **{"县(市、区)": "雁峰区"})
    before = everything()
    errors = only_error(run(write_csv(tmp_path / "c.csv", rows)), kind="region")
    assert {e.row for e in errors} <= {2, 3} and errors[0].column == "县(市、区)", [str(e) for e in errors]
    assert "雁峰区" in errors[0].message or errors[0].value == "雁峰区"
    assert everything() == before


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("危房等级", "E", "A"),
        ("识别标准", "乡定标准", "国家标准"),
        # A required household column: the bad label is its one error, not also "未填写".
        ("脱贫标志", "已退出", "未脱贫"),
    ],
)
def test_a_household_code_outside_its_list_is_rejected_saying_what_is_expected(
    regions, tmp_path, column, value, expected
):
    rows = household("430405014201000809", 2, **{column: value})
    before = everything()
    errors = only_error(run(write_csv(tmp_path / "h.csv", rows)), kind="code")
    assert errors[0].column == column and errors[0].value == value and errors[0].row in (2, 3)
    assert expected in errors[0].message
    assert everything() == before


def test_a_stated_per_capita_income_within_a_yuan_is_no_warning(regions, tmp_path):
    # (3000 + 1000 + 0 + 500 − 500) ÷ 2 = 2000.00: 2000.90 is within the yuan, 2001.50 is not.
    close = run(write_csv(tmp_path / "a.csv", household("430405014201000810", 2, 人均纯收入="2000.90")))
    assert close.status == "loaded" and not [i for i in close.issues.items if i.kind == "income"]
    far = run(write_csv(tmp_path / "b.csv", household("430405014201000811", 2, 人均纯收入="2001.50")))
    assert [i.row for i in far.issues.items if i.kind == "income"] == [2]
    assert HouseholdYear.objects.get(household__code="430405014201000810").stated_per_capita == Decimal("2000.90")


def test_money_with_a_yuan_sign_and_full_width_digits_is_read(regions, tmp_path):
    rows = household("430405014201000812", 1, 工资性收入="￥１，２００.５０", 转移性收入="300 元")
    result = run(write_csv(tmp_path / "money.csv", rows))
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    year = HouseholdYear.objects.get(household__code="430405014201000812")
    assert (year.wage_income, year.transfer_income) == (Decimal("1200.50"), Decimal("300"))


def test_a_header_without_data_rows_is_rejected_naming_the_header_row(regions, tmp_path):
    path = tmp_path / "head.csv"
    path.write_text(",".join(headers_of(household("430405014201000813", 1))) + "\n", encoding="utf-8")
    before = everything()
    [error] = only_error(run(path), kind="file")
    assert error.row == 1 and "数据行" in error.message
    assert everything() == before


# ------------------------------------------------------------------ layouts 2, 3 and 5


def test_a_team_posted_to_a_village_given_by_code_loads(regions, tmp_path):
    teams = [dict(TEAMS[0], 派驻村="430405014202")]
    result = run(workbook(tmp_path / "t.xlsx", all_sheets(驻村工作队=teams)))
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    assert WorkTeam.objects.get().region.name == "光辉村"


def test_a_team_posted_to_a_village_not_in_the_tree_is_rejected(regions, tmp_path):
    teams = [dict(TEAMS[0], 派驻村="不存在村")]
    before = everything()
    result = run(workbook(tmp_path / "t.xlsx", all_sheets(驻村工作队=teams)))
    assert result.status == "rejected"
    errors = [e for e in errors_of(result) if e.sheet == "驻村工作队"]
    assert [(e.row, e.column) for e in errors] == [(2, "派驻村")], [str(e) for e in errors_of(result)]
    assert "不存在村" in errors[0].message or errors[0].value == "不存在村"
    assert everything() == before


def test_a_cadres_sheet_without_the_employer_column_is_rejected_naming_it(regions, tmp_path):
    cadres = [{k: v for k, v in c.items() if k != "单位名称"} for c in CADRES]
    before = everything()
    errors = only_error(run(workbook(tmp_path / "c.xlsx", {"帮扶干部": cadres})), kind="missing_column")
    assert [(e.sheet, e.row, e.column) for e in errors] == [("帮扶干部", 1, "单位名称")]
    assert everything() == before


def test_an_unknown_affiliation_is_rejected_saying_what_is_expected(regions, tmp_path):
    cadres = [CADRES[0], dict(CADRES[1], 单位隶属关系="外省")]
    before = everything()
    # No pairing names the refused cadre: that row would be told the cadre is missing.
    result = run(workbook(tmp_path / "c.xlsx", all_sheets(帮扶干部=cadres, 结对帮扶=[PAIRINGS[0]])))
    [error] = only_error(result, kind="code", sheet="帮扶干部")
    assert (error.row, error.column, error.value) == (3, "单位隶属关系", "外省")
    assert "中央" in error.message
    assert everything() == before


@pytest.mark.parametrize(("column", "value", "expected"), [("措施类别", "扶智", "产业"), ("状态", "已结束", "已完成")])
def test_a_measure_outside_its_code_list_is_rejected(regions, tmp_path, column, value, expected):
    measures = [MEASURES[0], dict(MEASURES[1], **{column: value})]
    before = everything()
    result = run(workbook(tmp_path / "m.xlsx", all_sheets(帮扶措施=measures)))
    [error] = only_error(result, kind="code", sheet="帮扶措施")
    assert (error.row, error.column, error.value) == (3, column, value)
    assert expected in error.message
    assert everything() == before


def test_measure_amounts_export_as_the_roster_writes_money(regions, tmp_path):
    measures = [MEASURES[0], dict(MEASURES[1], **{"金额(元)": "12.5"})]
    assert run(workbook(tmp_path / "m.xlsx", all_sheets(帮扶措施=measures))).status == "loaded"
    export_layout(tmp_path / "m.csv", layout_key="measures")
    with open(tmp_path / "m.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["金额(元)"] for r in rows] == ["2000", "12.5"]
    assert Measure.objects.count() == 2
