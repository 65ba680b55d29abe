"""Data comparison on generated lists: exactly the planted matches, nothing changed until the
township decides, and clear answers to bad input."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fupin.core.changelog import Context
from fupin.core.errors import ApplicationError
from fupin.core.models import ObjectChange
from fupin.identification.models import Application, ComparisonList, Finding
from fupin.identification.services.comparison import comparison_match, comparison_run_file
from fupin.identification.services.findings import finding_decide
from fupin.regions.models import Region
from fupin.registry.models import Household, Member
from tests.conftest import DISTRICT, JIEFANG, head_data, make_household, new_id


def write_csv(path: Path, rows, header="序号,姓名,证件号码,车牌号", encoding="utf-8-sig"):
    lines = ["珠晖区比对名单", header] + [",".join(map(str, r)) for r in rows]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


@pytest.fixture
def registry(regions):
    """Six registered households (3 in 大昌村, 3 in 解放村) and two that are not registered."""
    households = [make_household(f"43040501420100{i:02d}") for i in range(1, 4)]
    households += [make_household(f"43040520120100{i:02d}", JIEFANG) for i in range(1, 4)]
    outsiders = [make_household(f"43040501420109{i:02d}", registered=False) for i in range(1, 3)]
    return households, outsiders


def head(h):
    return Member.objects.get(household=h, relation="01")


def run(tmp_path, coordinator, rows, kind="vehicle", name="", **kw):
    path = write_csv(tmp_path / "list.csv", rows, **kw)
    return comparison_run_file(
        ctx=Context(actor=coordinator),
        path=path,
        file_name=path.name,
        region=Region.objects.get(code=DISTRICT),
        kind=kind,
        kind_name=name,
    )


def registry_fingerprint():
    return (
        list(Household.objects.order_by("pk").values_list("pk", "registered", "status", "closed_on")),
        list(Member.objects.order_by("pk").values_list("pk", "ended_on", "end_reason")),
    )


def test_a_vehicle_list_finds_exactly_the_planted_matches_and_changes_nothing(tmp_path, registry, coordinator):
    households, outsiders = registry
    planted = [households[0], households[4]]
    rows = [(i + 1, head(h).name, head(h).id_number, f"湘D{i}000") for i, h in enumerate(planted)]
    rows += [(10 + i, "路人", new_id(dt.date(1980, 1, 1)), "湘D9") for i in range(5)]  # match nobody
    rows.append((20, head(outsiders[0]).name, head(outsiders[0]).id_number, "湘D8"))  # not registered: no lead
    before = registry_fingerprint()
    c = run(tmp_path, coordinator, rows)
    assert (c.rows_valid, c.invalid_count, c.matched, c.unmatched, c.findings) == (8, 0, 3, 5, 2)
    findings = Finding.objects.filter(comparison=c)
    assert {f.household_id for f in findings} == {h.pk for h in planted}
    f = findings.get(household=households[0])
    assert (f.kind, f.list_kind, f.member_id, f.status) == ("list_match", "vehicle", head(households[0]).pk, "open")
    assert f.row.evidence == {"序号": "1", "车牌号": "湘D0000"}
    assert f.region_id == households[0].region_id
    assert registry_fingerprint() == before


def test_matching_again_files_no_lead_twice(tmp_path, registry, coordinator):
    households, _ = registry
    c = run(tmp_path, coordinator, [(1, "甲", head(households[1]).id_number, "湘D1")])
    assert comparison_match(comparison=c)["findings"] == 0
    assert Finding.objects.filter(comparison=c).count() == 1


def test_the_township_confirms_a_lead_and_a_removal_starts(tmp_path, registry, coordinator, reviewer):
    households, _ = registry
    c = run(tmp_path, coordinator, [(1, "甲", head(households[0]).id_number, "湘D1")], kind="财政供养人员")
    f = Finding.objects.get(comparison=c)
    f = finding_decide(ctx=Context(actor=reviewer), finding=f, confirmed=True, note="核实为乡镇干部家属")
    assert f.status == "confirmed" and f.application is not None
    app = f.application
    assert (app.kind, app.step, app.origin, app.proposed_by) == ("removal", "applied", "comparison", reviewer)
    assert "财政供养人员" in app.reason
    # Still registered: only the announcement at the end of the workflow takes it off the roll.
    assert Household.objects.get(pk=households[0].pk).registered


def test_an_explained_lead_is_kept_with_its_reason(tmp_path, registry, coordinator, reviewer):
    households, _ = registry
    c = run(tmp_path, coordinator, [(1, "甲", head(households[0]).id_number, "湘D1")])
    f = finding_decide(
        ctx=Context(actor=reviewer),
        finding=Finding.objects.get(comparison=c),
        confirmed=False,
        note="车辆为营运三轮车，属生产工具",
    )
    assert (f.status, f.application) == ("explained", None)
    updates = ObjectChange.objects.filter(object_id=f.pk, action="update")
    assert any((c.after or {}).get("status") == "explained" for c in updates)
    with pytest.raises(ApplicationError, match="已核实"):
        finding_decide(ctx=Context(actor=reviewer), finding=f, confirmed=True, note="x")


def test_a_confirmed_death_ends_the_member(tmp_path, registry, coordinator, reviewer):
    households, _ = registry
    h = households[1]
    from fupin.registry.services import member_add
    from tests.conftest import SYSTEM

    spouse = member_add(
        ctx=SYSTEM, household=h, data=head_data(name="王五", relation="02", id_number=new_id(female=True))
    )
    c = run(
        tmp_path,
        coordinator,
        [(1, "王五", spouse.id_number, "2017-05-01")],
        header="序号,姓名,身份证号,死亡日期",
        kind="death",
    )
    f = Finding.objects.get(comparison=c)
    assert Member.objects.get(pk=spouse.pk).ended_on is None
    finding_decide(ctx=Context(actor=reviewer), finding=f, confirmed=True, note="经公安户籍核实已死亡")
    spouse.refresh_from_db()
    assert (spouse.end_reason, spouse.ended_on is not None) == ("01", True)


def test_a_reviewer_of_another_township_cannot_decide(tmp_path, registry, coordinator, reviewer):
    from fupin.core.errors import ScopeError

    households, _ = registry
    c = run(tmp_path, coordinator, [(1, "甲", head(households[4]).id_number, "湘D1")])  # 解放村 (酃湖乡)
    with pytest.raises(ScopeError):
        finding_decide(
            ctx=Context(actor=reviewer), finding=Finding.objects.get(comparison=c), confirmed=False, note="x"
        )


def test_people_on_a_dibao_list_who_are_not_registered_become_candidates(tmp_path, registry, coordinator):
    households, outsiders = registry
    rows = [
        (1, "甲", head(outsiders[0]).id_number, ""),
        (2, "乙", head(households[0]).id_number, ""),
        (3, "丙", new_id(dt.date(1950, 5, 5)), ""),
    ]
    c = run(tmp_path, coordinator, rows, header="序号,姓名,证件号码,低保证号", kind="低保对象")
    assert (c.matched, c.unmatched, c.candidates, c.findings) == (2, 1, 1, 0)
    app = Application.objects.get(comparison=c)
    assert (app.household_id, app.step, app.kind, app.member_id) == (
        outsiders[0].pk,
        "candidate",
        "admission",
        head(outsiders[0]).pk,
    )
    # Matching the list again opens no second case.
    comparison_match(comparison=c)
    assert Application.objects.filter(household=outsiders[0]).count() == 1


def test_invalid_and_duplicate_ids_are_counted_and_listed(tmp_path, registry, coordinator):
    households, _ = registry
    good = head(households[0]).id_number
    rows = [
        (1, "甲", good, "a"),
        (2, "甲", good, "b"),
        (3, "乙", good[:-1] + ("0" if good[-1] != "0" else "1"), "c"),
        (4, "丙", "4.30405196503150E+17", "d"),
        (5, "丁", "12345", "e"),
    ]
    c = run(tmp_path, coordinator, rows, encoding="gb18030")
    assert (c.rows_total, c.rows_valid, c.invalid_count, c.duplicate_count) == (5, 2, 3, 1)
    lines = [p["line"] for p in c.problems["invalid"]]
    assert lines == [5, 6, 7]
    messages = " ".join(p["message"] for p in c.problems["invalid"])
    assert "校验位" in messages and "文本格式" in messages and "18 位" in messages
    assert c.problems["duplicates"][0]["lines"] == [3, 4]
    assert Finding.objects.filter(comparison=c).count() == 1


def test_a_list_without_an_id_column_is_refused_and_nothing_is_stored(tmp_path, registry, coordinator):
    with pytest.raises(ApplicationError, match="证件号码"):
        run(tmp_path, coordinator, [(1, "甲", "x")], header="序号,姓名,车牌号")
    assert not ComparisonList.objects.exists()


def test_a_list_with_no_valid_id_is_refused(tmp_path, registry, coordinator):
    with pytest.raises(ApplicationError, match="没有有效的证件号码"):
        run(tmp_path, coordinator, [(1, "甲", "123", "x")])


def test_an_unknown_kind_is_refused_and_other_needs_a_name(tmp_path, registry, coordinator):
    with pytest.raises(Exception, match="未知的名单类型"):
        run(tmp_path, coordinator, [(1, "甲", new_id(), "x")], kind="养猪大户")
    with pytest.raises(Exception, match="名单名称"):
        run(tmp_path, coordinator, [(1, "甲", new_id(), "x")], kind="other")
    c = run(tmp_path, coordinator, [(1, "甲", new_id(), "x")], kind="other", name="村干部及亲属")
    assert (c.kind, c.kind_name) == ("other", "村干部及亲属")


def test_an_xlsx_list_on_its_second_sheet(tmp_path, registry, coordinator):
    import openpyxl

    households, _ = registry
    wb = openpyxl.Workbook()
    wb.active.append(["说明：本表由市场监管局提供"])
    ws = wb.create_sheet("名单")
    ws.append(["填报单位：市场监督管理局"])
    ws.append(["姓名", "公民身份号码", "企业名称", "职务"])
    ws.append([head(households[2]).name, head(households[2]).id_number, "某某农业有限公司", "法人"])
    path = tmp_path / "biz.xlsx"
    wb.save(path)
    c = comparison_run_file(
        ctx=Context(actor=coordinator),
        path=path,
        file_name="biz.xlsx",
        region=Region.objects.get(code=DISTRICT),
        kind="business",
    )
    f = Finding.objects.get(comparison=c)
    assert f.household_id == households[2].pk and f.row.line == 3
    assert f.row.evidence == {"企业名称": "某某农业有限公司", "职务": "法人"}


def test_the_compare_command(tmp_path, registry, capsys):
    households, _ = registry
    path = write_csv(
        tmp_path / "cars.csv", [(1, "甲", head(households[0]).id_number, "湘D1"), (2, "乙", "430405X", "湘D2")]
    )
    call_command("compare", str(path), "--kind", "机动车登记", "--no-progress")
    out = capsys.readouterr().out
    assert "命中 1 人" in out and "新线索 1 条" in out and "第 4 行" in out
    with pytest.raises(CommandError, match="未知的名单类型"):
        call_command("compare", str(path), "--kind", "nonsense", "--no-progress")
    bad = write_csv(tmp_path / "bad.csv", [(1, "甲")], header="序号,姓名")
    with pytest.raises(CommandError, match="证件号码"):
        call_command("compare", str(bad), "--kind", "vehicle", "--no-progress")


def test_the_reader_accepts_a_noted_id_header_and_keeps_repeated_columns(tmp_path):
    from fupin.identification.lists import read_list

    number = new_id()
    path = tmp_path / "l.csv"
    path.write_text(f"名单\n姓名,身份证号码（18位）,备注,备注\n张三,{number[:-1]}{number[-1].lower()},a,b\n合计,,,\n")
    data = read_list(path)
    assert (data.rows_total, data.rows_valid) == (1, 1)
    row = data.frame.to_dicts()[0]
    assert (row["id_number"], row["line"], row["name"]) == (number, 3, "张三")
    assert data.columns == ["备注", "备注（第4列）"]


def test_a_list_of_the_same_kind_uploaded_again_files_no_second_open_lead(tmp_path, registry, coordinator, reviewer):
    """One open lead per person and kind: last year's vehicle list beside this year's names the
    same car owner once; another kind of list still files its own lead, and so does a list of
    the same kind once the first lead is decided."""
    households, _ = registry
    owner, other = head(households[0]), head(households[1])
    first = run(tmp_path, coordinator, [(1, owner.name, owner.id_number, "湘D1")])
    again = run(tmp_path, coordinator, [(1, owner.name, owner.id_number, "湘D1"), (2, "乙", other.id_number, "湘D2")])
    assert (again.matched, again.findings) == (2, 1)
    assert Finding.objects.filter(member=owner, list_kind="vehicle", status="open").count() == 1
    assert Finding.objects.get(member=other).comparison_id == again.pk
    business = run(tmp_path, coordinator, [(1, owner.name, owner.id_number, "公司")], kind="business")
    assert business.findings == 1
    # A whole re-match of every list (as a re-check does) files nothing more.
    from fupin.identification.services.comparison import comparisons_match

    assert comparisons_match(comparisons=[again, first, business])["findings"] == 0
    lead = Finding.objects.get(comparison=first)
    finding_decide(ctx=Context(actor=reviewer), finding=lead, confirmed=False, note="营运车辆，已核实")
    third = run(tmp_path, coordinator, [(1, owner.name, owner.id_number, "湘D1")])
    assert third.findings == 1  # the explained lead is closed: a new list may raise it again


def test_other_lists_of_different_names_are_different_kinds(tmp_path, registry, coordinator):
    households, _ = registry
    owner = head(households[0])
    a = run(tmp_path, coordinator, [(1, owner.name, owner.id_number, "x")], kind="other", name="村干部及亲属")
    b = run(tmp_path, coordinator, [(1, owner.name, owner.id_number, "x")], kind="other", name="公职人员")
    c = run(tmp_path, coordinator, [(1, owner.name, owner.id_number, "x")], kind="other", name="公职人员")
    assert (a.findings, b.findings, c.findings) == (1, 1, 0)
