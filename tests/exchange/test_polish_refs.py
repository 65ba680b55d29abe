"""A row of layouts 2–5 that names a row refused elsewhere in the same workbook (a pairing's
cadre, a cadre's work team, a team's 队长, a measure's household) points back at that row,
instead of calling the cadre, team or household missing: the clerk fixes one row, not every
row that names it. Nothing is written either way."""

from __future__ import annotations

import pytest

from fupin.assistance.models import Cadre, Measure, Pairing, WorkTeam
from tests.exchange.helpers import errors_of, household, run, state
from tests.exchange.test_assist_layouts import CADRES, MEASURES, PAIRINGS, TEAMS, all_sheets, workbook

pytestmark = pytest.mark.django_db

# 吴干部 (row 3 of 帮扶干部) with an ID number that is no ID number: the row is refused.
BAD_CADRE = dict(CADRES[1], 证件号码="12345")
TWO_PAIRINGS = [
    PAIRINGS[1],
    dict(PAIRINGS[0], 帮扶责任人="吴干部", 帮扶责任人电话="13900000002"),
]


def nothing_written(before: tuple) -> bool:
    return state() == before and not any(m.objects.exists() for m in (WorkTeam, Cadre, Pairing, Measure))


def test_pairings_naming_a_refused_cadre_point_at_the_cadres_row(regions, tmp_path):
    before = state()
    path = workbook(tmp_path / "c.xlsx", all_sheets(帮扶干部=[CADRES[0], BAD_CADRE], 结对帮扶=TWO_PAIRINGS))
    result = run(path)
    assert result.status == "rejected"
    cadre_errors = [e for e in errors_of(result) if e.sheet == "帮扶干部"]
    assert [(e.row, e.column) for e in cadre_errors] == [(3, "证件号码")]
    pairing_errors = [e for e in errors_of(result) if e.sheet == "结对帮扶"]
    assert sorted(e.row for e in pairing_errors) == [2, 3]
    for e in pairing_errors:
        assert e.column == "帮扶责任人"
        assert "吴干部" in e.message and "13900000002" in e.message
        assert "工作表“帮扶干部”第 3 行有错误" in e.message, e.message
        assert "不存在" not in e.message
    # One refused cadre row, two refused pairing rows (the cadre's was counted twice).
    rejected = {s.sheet: s.rejected for s in result.sheets}
    assert rejected["帮扶干部"] == 1 and rejected["结对帮扶"] == 2
    assert nothing_written(before)


def test_a_cadre_really_missing_is_still_reported_missing(regions, tmp_path):
    pairings = [dict(PAIRINGS[1], 帮扶责任人="郑某", 帮扶责任人电话="13900000077")]
    result = run(workbook(tmp_path / "m.xlsx", all_sheets(帮扶干部=[CADRES[0], BAD_CADRE], 结对帮扶=pairings)))
    [error] = [e for e in errors_of(result) if e.sheet == "结对帮扶"]
    assert "不存在（请先导入帮扶干部）" in error.message


def test_a_cadre_naming_a_refused_team_points_at_the_teams_row(regions, tmp_path):
    before = state()
    bad_team = dict(TEAMS[0], 派驻村="没有这个村")
    result = run(workbook(tmp_path / "t.xlsx", all_sheets(驻村工作队=[bad_team])))
    assert result.status == "rejected"
    [team_error] = [e for e in errors_of(result) if e.sheet == "驻村工作队"]
    assert team_error.row == 2
    [cadre_error] = [e for e in errors_of(result) if e.sheet == "帮扶干部"]
    assert cadre_error.row == 2 and cadre_error.column == "工作队"
    assert "工作表“驻村工作队”第 2 行有错误" in cadre_error.message, cadre_error.message
    assert nothing_written(before)


def test_a_leader_whose_cadre_row_was_refused_points_at_that_row(regions, tmp_path):
    before = state()
    teams = [dict(TEAMS[0], 队长="吴干部")]
    result = run(workbook(tmp_path / "l.xlsx", all_sheets(驻村工作队=teams, 帮扶干部=[CADRES[0], BAD_CADRE])))
    [leader_error] = [e for e in errors_of(result) if e.sheet == "驻村工作队"]
    assert leader_error.column == "队长"
    assert "工作表“帮扶干部”第 3 行有错误" in leader_error.message, leader_error.message
    assert nothing_written(before)


def test_a_measure_of_a_household_refused_in_the_roster_points_at_the_roster_row(regions, tmp_path):
    before = state()
    # The second household's only member has an ID number that is no ID number (row 4).
    roster = household("430405014201000301", 2) + household("430405014201000302", 1, 证件号码="12345")
    result = run(workbook(tmp_path / "h.xlsx", all_sheets(人员明细=roster, 帮扶措施=MEASURES)))
    roster_errors = [e for e in errors_of(result) if e.sheet == "人员明细"]
    assert [e.row for e in roster_errors] == [4]
    [measure_error] = [e for e in errors_of(result) if e.sheet == "帮扶措施"]
    assert measure_error.row == 3 and measure_error.column == "户编号"
    assert "工作表“人员明细”第 4 行有错误" in measure_error.message, measure_error.message
    assert nothing_written(before)
