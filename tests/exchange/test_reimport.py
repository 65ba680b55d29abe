"""Importing the same file twice equals importing it once; a corrected file updates in place,
every changed field logged with the import's batch id; members no longer listed are ended."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from fupin.core.models import ObjectChange
from fupin.exchange.services.summary import summary_lines
from fupin.registry.models import Household, HouseholdYear, Member
from tests.exchange.helpers import SYSTEM, household, run, state, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(regions, tmp_path):
    rows = household("430405014201000101", 3) + household("430405014201000102", 2)
    path = write_csv(tmp_path / "first.csv", rows)
    first = run(path)
    assert first.status == "loaded"
    return rows, path


def test_the_same_file_twice_is_once(loaded):
    _rows, path = loaded
    before = state()
    changes = ObjectChange.objects.count()
    again = run(path)
    assert again.status == "loaded"
    totals = again.totals()
    assert totals["households"] == {"created": 0, "updated": 0, "unchanged": 2, "ended": 0}
    assert totals["members"] == {"created": 0, "updated": 0, "unchanged": 5, "ended": 0}
    assert totals["years"]["unchanged"] == 2
    assert state() == before
    assert ObjectChange.objects.count() == changes


def test_a_corrected_file_updates_in_place_and_logs_each_changed_field(loaded, tmp_path):
    rows, _path = loaded
    fixed = [dict(r) for r in rows]
    for r in fixed[:3]:
        r["工资性收入"] = "4000"  # household …101 earns more
    fixed[1]["姓名"] = "李美"  # a spelling fixed
    result = run(write_csv(tmp_path / "fixed.csv", fixed))
    assert result.status == "loaded"
    totals = result.totals()
    assert totals["members"]["updated"] == 1 and totals["members"]["unchanged"] == 4
    assert totals["years"]["updated"] == 1 and totals["households"]["unchanged"] == 2
    year = HouseholdYear.objects.get(household__code="430405014201000101", year=2019)
    assert year.wage_income == Decimal("4000") and year.net_income == Decimal("5000")
    logged = ObjectChange.objects.filter(batch_id=result.batch_id)
    assert logged.count() == 2
    name = logged.get(content_type__model="member")
    assert (name.before, name.after, name.action) == ({"name": "李梅"}, {"name": "李美"}, "update")
    income = logged.get(content_type__model="householdyear")
    assert income.before["wage_income"] == "3000.00" and income.after["wage_income"] == "4000.00"
    assert income.after["per_capita_net_income"] == "1666.67"
    assert income.related_id == year.household_id


def test_members_missing_from_a_reimport_are_ended_not_deleted(loaded, tmp_path):
    rows, _path = loaded
    smaller = [r for r in rows if not (r["户编号"] == "430405014201000101" and r["与户主关系"] == "之子")]
    for r in smaller:
        if r["户编号"] == "430405014201000101":
            r["家庭人口数"] = "2"
    result = run(write_csv(tmp_path / "smaller.csv", smaller))
    assert result.status == "loaded"
    assert result.totals()["members"]["ended"] == 1
    gone = Member.objects.get(household__code="430405014201000101", relation="03")
    assert gone.ended_on is not None and gone.end_reason == "08"
    assert HouseholdYear.objects.get(household__code="430405014201000101").persons == 2
    assert any("其他转出" in line for line in summary_lines(result))
    end = ObjectChange.objects.get(batch_id=result.batch_id, action="end")
    assert end.after["end_reason"] == "08"


def test_a_new_member_and_a_new_head_are_taken_over(loaded, tmp_path):
    rows, _path = loaded
    changed = [dict(r) for r in rows]
    changed[0]["与户主关系"], changed[1]["与户主关系"] = "配偶", "户主"  # the wife becomes head
    newborn = dict(changed[2], 姓名="王小宝", 证件号码="430405201801011234", 与户主关系="之子", 文化程度="学龄前儿童")
    from fupin.utils import idno

    newborn["证件号码"] = idno.make("430405", __import__("datetime").date(2018, 1, 1), 11)
    changed.insert(3, newborn)
    for r in changed[:4]:
        r["家庭人口数"] = "4"
    result = run(write_csv(tmp_path / "head.csv", changed))
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    h = Household.objects.get(code="430405014201000101")
    head = Member.objects.get(household=h, relation="01", ended_on__isnull=True)
    assert head.name == "李梅"
    added = Member.objects.get(household=h, name="王小宝")
    assert added.join_reason == "07"
    # Joining a registered household is logged as its own creation, related to that household.
    joined = ObjectChange.objects.get(batch_id=result.batch_id, action="create")
    assert (joined.content_type.model, joined.object_id, joined.related_id) == ("member", added.pk, h.pk)


def test_a_closed_household_cannot_be_reimported(loaded, tmp_path):
    from fupin.registry.services import household_close

    _rows, path = loaded
    h = Household.objects.get(code="430405014201000102")
    household_close(
        ctx=SYSTEM.__class__(actor=None, source="command", reason="并户决定 2019-3"), household=h, reason="merged"
    )
    before = state()
    result = run(path)
    assert result.status == "rejected"
    assert any(i.kind == "household_rule" and "已注销" in i.message for i in result.issues.items)
    assert state() == before


def test_cli_exit_codes_output_and_report(regions, tmp_path, capsys):
    good = write_csv(tmp_path / "good.csv", household("430405014201000110", 2))
    call_command("import", str(good), "--year", "2019", "--no-progress")
    out = capsys.readouterr().out
    assert "户：新增 1" in out and "人员：新增 2" in out
    bad_rows = household("430405014201000111", 2)
    bad_rows[1]["健康状况"] = "很好"
    bad = write_csv(tmp_path / "bad.csv", bad_rows)
    report = tmp_path / "report.xlsx"
    before = state()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", str(bad), "--year", "2019", "--no-progress", "--report", str(report))
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "已拒绝" in out and "选项不在代码表中：1" in out and "第 3 行" in out and "“健康状况”列" in out
    assert state() == before
    from openpyxl import load_workbook

    wb = load_workbook(report)
    sheet = next(ws for ws in wb.worksheets if ws.title.startswith("问题行"))
    header = [c.value for c in sheet[1]]
    col = header.index("健康状况") + 1
    cell = sheet.cell(row=2, column=col)
    assert sheet.cell(row=2, column=1).value == 3  # the original Excel row number
    assert cell.value == "很好" and cell.fill.fgColor.rgb.endswith("FFC7CE") and "健康" in cell.comment.text


def test_reading_the_registry_in_bulk_finds_the_same(loaded, tmp_path, monkeypatch):
    """Many keys are read through a temporary key table and COPY on PostgreSQL: forced here
    for a small file, a re-import still sees every row unchanged and a correction as such."""
    from fupin.exchange import bulk

    monkeypatch.setattr(bulk, "COPY_KEYS", 0)
    rows, path = loaded
    again = run(path)
    assert again.totals()["households"]["unchanged"] == 2 and again.totals()["members"]["unchanged"] == 5
    assert again.totals()["years"]["unchanged"] == 2
    fixed = [dict(r) for r in rows]
    fixed[4]["姓名"] = "王二"
    result = run(write_csv(tmp_path / "fixed.csv", fixed))
    assert result.totals()["members"]["updated"] == 1 and result.totals()["members"]["unchanged"] == 4


def test_comparing_in_slices_of_households_finds_the_same(regions, tmp_path, monkeypatch):
    """A large re-import compares its members a slice of households at a time (to bound its
    memory); a slice of two persons here, so that every household falls in its own range:
    unchanged, updated, ended and new members are all found as in one pass."""
    from fupin.exchange.layouts import roster_load

    monkeypatch.setattr(roster_load, "SLICE_PERSONS", 2)
    rows = [
        *household("430405014201000101", 3),
        *household("430405014201000102", 2),
        *household("430405014201000103", 4),
    ]
    assert run(write_csv(tmp_path / "first.csv", rows)).status == "loaded"
    again = run(write_csv(tmp_path / "again.csv", rows))
    assert again.totals()["members"] == {"created": 0, "updated": 0, "unchanged": 9, "ended": 0}

    changed = [dict(r) for r in rows]
    changed[4]["姓名"] = "王二"  # in the second household
    dropped = next(r for r in changed[5:] if r["与户主关系"] != "户主")  # a member of the third
    changed.remove(dropped)
    for r in changed:
        if r["户编号"] == dropped["户编号"]:
            r["家庭人口数"] = str(int(r["家庭人口数"]) - 1)
    result = run(write_csv(tmp_path / "changed.csv", changed))
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    assert result.totals()["members"] == {"created": 0, "updated": 1, "unchanged": 7, "ended": 1}
    assert Member.objects.get(id_number=dropped["证件号码"]).ended_on is not None
    assert Member.objects.filter(name="王二", ended_on__isnull=True).count() == 1
