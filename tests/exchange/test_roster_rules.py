"""Every rule of SPEC/exchange.md for layout 1, each with a small file the test makes.

A rejected file names the row (as Excel numbers it) and the column, and changes nothing;
a repairable file imports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fupin.core.models import ObjectChange
from fupin.exchange.models import ImportBatch
from fupin.registry.models import Household, HouseholdStatusEvent, HouseholdYear, Member
from fupin.utils import idno
from tests.exchange.helpers import errors_of, household, pid, run, state, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def rejected(result, *, kind: str, row: int | None = None, column: str | None = None):
    """Assert the import was rejected with an error of `kind` (at row/column if given)."""
    assert result.status == "rejected", [str(i) for i in result.issues.items]
    found = [i for i in errors_of(result) if i.kind == kind]
    assert found, f"no {kind} error in {[str(i) for i in errors_of(result)]}"
    if row is not None:
        assert any(i.row == row for i in found), [str(i) for i in found]
    if column is not None:
        assert any(i.column == column for i in found), [str(i) for i in found]
    return found


# ------------------------------------------------------------------ containers and headers


def test_xlsx_with_title_rows_and_a_two_row_merged_header_imports(regions, tmp_path):
    rows = household("430405014201000001", 3)
    path = write_xlsx(tmp_path / "r.xlsx", rows, title="珠晖区建档立卡贫困人口明细表", two_row_header=True)
    result = run(path)
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    h = Household.objects.get(code="430405014201000001")
    assert h.members.count() == 3
    y = HouseholdYear.objects.get(household=h, year=2019)
    # Income columns sit under the merged 收入情况（元） group: they were read by the lower row.
    assert y.wage_income == Decimal("3000") and y.production_cost == Decimal("500")
    assert y.net_income == Decimal("4000") and y.per_capita_net_income == Decimal("1333.33")


def test_gbk_csv_imports(regions, tmp_path):
    path = write_csv(tmp_path / "gbk.csv", household("430405014201000002", 2), encoding="gbk", title="贫困人口明细")
    result = run(path)
    assert result.status == "loaded"
    assert Member.objects.filter(household__code="430405014201000002", name="李梅").exists()


def test_utf8_bom_csv_imports(regions, tmp_path):
    path = write_csv(tmp_path / "bom.csv", household("430405014201000003", 2), encoding="utf-8-sig")
    assert run(path).status == "loaded"
    assert Household.objects.filter(code="430405014201000003").exists()


def test_aliases_full_width_headers_and_any_column_order_are_understood(regions, tmp_path):
    rows = []
    for r in household("430405014201000004", 2):
        r["身份证号"] = r.pop("证件号码")
        r["户主关系"] = r.pop("与户主关系")
        r["户号"] = r.pop("户编号")
        r["村民小组"] = "大昌村一组"
        r[" 工资性收入（元） "] = r.pop("工资性收入")
        rows.append(dict(reversed(list(r.items()))))
    result = run(write_csv(tmp_path / "alias.csv", rows))
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    h = Household.objects.get(code="430405014201000004")
    # 村民小组 matching a group of the tree places the household in that group; the cell was
    # the group, not a hamlet (roster_match.settle_hamlet).
    assert h.region.code == "430405014201001" and h.hamlet == ""


def test_unknown_columns_are_reported_once_as_ignored(regions, tmp_path):
    rows = [dict(r, 备注说明="x") for r in household("430405014201000005", 1)]
    result = run(write_csv(tmp_path / "extra.csv", rows))
    assert result.status == "loaded"
    ignored = [i for i in result.issues.items if i.kind == "ignored_column"]
    assert len(ignored) == 1 and "备注说明" in ignored[0].message


def test_an_empty_file_is_rejected(regions, tmp_path):
    before = state()
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    rejected(run(path), kind="file")
    (tmp_path / "blank.xlsx").unlink(missing_ok=True)
    from openpyxl import Workbook

    Workbook().save(tmp_path / "blank.xlsx")
    rejected(run(tmp_path / "blank.xlsx"), kind="file")
    assert state() == before


def test_a_file_that_is_not_a_spreadsheet_is_rejected(regions, tmp_path):
    before = state()
    png = tmp_path / "photo.xlsx"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    found = rejected(run(png), kind="file")
    assert "不是 Excel" in found[0].message
    binary = tmp_path / "data.csv"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    rejected(run(binary), kind="file")
    assert state() == before


def test_a_missing_required_column_is_rejected_naming_it(regions, tmp_path):
    before = state()
    rows = [{k: v for k, v in r.items() if k != "劳动技能"} for r in household("430405014201000006", 2)]
    found = rejected(run(write_csv(tmp_path / "m.csv", rows)), kind="missing_column", column="劳动技能", row=1)
    assert "劳动技能" in found[0].message
    assert state() == before


def test_no_header_in_the_first_ten_rows_is_rejected(regions, tmp_path):
    path = tmp_path / "nohead.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    rejected(run(path), kind="header")


# ------------------------------------------------------------------ rows


def test_empty_rows_and_summary_rows_are_skipped(regions, tmp_path):
    rows = household("430405014201000007", 2)
    path = write_xlsx(tmp_path / "sum.xlsx", rows, extra_rows=[[], ["合计", "", "", "", "", "", ""], ["总 计"]])
    result = run(path)
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    assert result.sheets[0].rows == 2 and result.sheets[0].skipped == 3


def test_household_columns_only_on_the_heads_row_are_accepted(regions, tmp_path):
    rows = household("430405014201000008", 3)
    for r in rows[1:]:
        for key in ("家庭人口数", "贫困户属性", "主要致贫原因", "识别年度", "脱贫标志", "工资性收入"):
            r[key] = ""
    assert run(write_csv(tmp_path / "head.csv", rows)).status == "loaded"
    assert HouseholdYear.objects.get(household__code="430405014201000008").wage_income == Decimal("3000")


def test_household_rows_that_disagree_are_rejected_naming_the_rows(regions, tmp_path):
    before = state()
    rows = household("430405014201000009", 3)
    rows[2]["主要致贫原因"] = "因学"
    found = rejected(run(write_csv(tmp_path / "dis.csv", rows)), kind="disagree", column="主要致贫原因")
    # Header on line 1: the three persons are rows 2, 3 and 4; all disagreeing rows are named.
    assert "第 2 行" in found[0].message and "第 4 行" in found[0].message
    assert state() == before


def test_codes_given_as_label_or_code_agree(regions, tmp_path):
    rows = household("430405014201000010", 2)
    rows[0]["主要致贫原因"], rows[1]["主要致贫原因"] = "因病", "01"
    rows[1]["贫困户属性"] = "1"
    assert run(write_csv(tmp_path / "codes.csv", rows)).status == "loaded"
    assert Household.objects.get(code="430405014201000010").main_cause == "01"


def test_no_head_and_two_heads_are_rejected(regions, tmp_path):
    before = state()
    none = household("430405014201000011", 2)
    none[0]["与户主关系"] = "之子"
    rejected(run(write_csv(tmp_path / "nohead.csv", none)), kind="head", row=2, column="与户主关系")
    two = household("430405014201000012", 2)
    two[1]["与户主关系"] = "户主"
    found = rejected(run(write_csv(tmp_path / "two.csv", two)), kind="head", column="与户主关系")
    assert "2 名户主" in found[0].message and "第 2、3 行" in found[0].message
    assert state() == before


def test_household_size_must_equal_its_rows(regions, tmp_path):
    before = state()
    rows = household("430405014201000013", 3)
    for r in rows:
        r["家庭人口数"] = "4"
    found = rejected(run(write_csv(tmp_path / "size.csv", rows)), kind="size", column="家庭人口数", row=2)
    assert "4" in found[0].message and "3 行" in found[0].message
    assert state() == before


def test_unknown_code_labels_are_rejected_saying_what_is_expected(regions, tmp_path):
    before = state()
    rows = household("430405014201000014", 2)
    rows[1]["健康状况"] = "很好"
    rows[0]["贫困户属性"] = rows[1]["贫困户属性"] = "富裕户"
    result = run(write_csv(tmp_path / "bad.csv", rows))
    found = rejected(result, kind="code", row=3, column="健康状况")
    assert found[0].value == "很好" and "健康" in found[0].message
    assert any(i.column == "贫困户属性" and "一般贫困户" in i.message for i in errors_of(result))
    assert state() == before


def test_yes_no_variants_are_accepted(regions, tmp_path):
    rows = household("430405014201000015", 4)
    for r, v in zip(rows, ["是", "1", "√", "Y"], strict=True):
        r["是否参加大病保险"] = v
        r["是否享受低保"] = {"是": "否", "1": "0", "√": "×", "Y": "N"}[v]
    assert run(write_csv(tmp_path / "yn.csv", rows)).status == "loaded"
    members = Member.objects.filter(household__code="430405014201000015")
    assert all(m.ins_serious_illness and not m.dibao for m in members)


def test_a_village_not_in_the_region_tree_is_rejected(regions, tmp_path):
    before = state()
    rows = household("430405014201000016", 2, 行政村="不存在村")
    found = rejected(run(write_csv(tmp_path / "vil.csv", rows)), kind="region", column="行政村", row=2)
    assert "不存在村" in found[0].message
    assert state() == before


def test_regions_may_be_given_by_code(regions, tmp_path):
    rows = household(
        "430405014201000017", 1, **{"县(市、区)": "430405", "乡(镇)": "430405014", "行政村": "430405014202"}
    )
    assert run(write_csv(tmp_path / "code.csv", rows)).status == "loaded"
    assert Household.objects.get(code="430405014201000017").region.name == "光辉村"


# ------------------------------------------------------------------ ID numbers


def test_full_width_digits_spaces_and_a_lower_case_x_are_normalised(regions, tmp_path):
    number = next(n for n in (pid() for _ in range(200)) if n.endswith("X"))
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number[:-1]) + "x"
    spaced = f" {fullwidth[:6]} {fullwidth[6:]} "
    rows = household("430405014201000018", 1, 证件号码=spaced)
    assert run(write_csv(tmp_path / "fw.csv", rows)).status == "loaded"
    assert Member.objects.get(household__code="430405014201000018").id_number == number


def test_a_15_digit_id_is_upgraded_with_a_warning(regions, tmp_path):
    old = "430405680501123"
    rows = household("430405014201000019", 1, 证件号码=old)
    result = run(write_csv(tmp_path / "15.csv", rows))
    assert result.status == "loaded"
    member = Member.objects.get(household__code="430405014201000019")
    assert member.id_number == idno.upgrade_15(old) and member.birth_date == dt.date(1968, 5, 1)
    assert any(i.kind == "id_upgraded" and i.severity == "warning" for i in result.issues.items)


def test_an_id_stored_by_excel_as_a_number_is_rejected_with_the_text_format_advice(regions, tmp_path):
    before = state()
    # Excel can hold only an all-digit number: a spouse whose random ID ends in X is drawn again.
    rows = next(r for r in (household("430405014201000020", 2) for _ in range(100)) if r[1]["证件号码"].isdigit())
    path = write_xlsx(tmp_path / "num.xlsx", rows, raw={(1, "证件号码"): float(rows[1]["证件号码"])})
    found = rejected(run(path), kind="id_excel", row=3, column="证件号码")
    assert "文本" in found[0].message and "E+17" in found[0].value
    csv_rows = household("430405014201000021", 1, 证件号码="4.30405196803150E+17")
    rejected(run(write_csv(tmp_path / "num.csv", csv_rows)), kind="id_excel", row=2)
    assert state() == before


@pytest.mark.parametrize(
    ("number", "why"),
    [
        ("43040519680501123", "18 位"),
        ("430405196805011239", "校验位"),
        ("430405196813011231", "出生日期"),
    ],
)
def test_invalid_id_numbers_say_why(regions, tmp_path, number, why):
    before = state()
    rows = household("430405014201000022", 1, 证件号码=number)
    found = rejected(run(write_csv(tmp_path / "bad.csv", rows)), kind="id_number", row=2, column="证件号码")
    assert why in found[0].message
    assert state() == before


def test_an_id_twice_in_the_file_is_rejected_naming_both_rows(regions, tmp_path):
    rows = household("430405014201000023", 2)
    rows[1]["证件号码"] = rows[0]["证件号码"]
    found = rejected(run(write_csv(tmp_path / "dup.csv", rows)), kind="id_duplicate")
    assert "第 2、3 行" in found[0].message


def test_an_id_held_by_another_household_is_rejected_naming_it(regions, tmp_path):
    first = household("430405014201000024", 2)
    assert run(write_csv(tmp_path / "a.csv", first)).status == "loaded"
    before = state()
    rows = household("430405014201000025", 2)
    rows[1]["证件号码"] = first[1]["证件号码"]  # the spouse of household …024
    found = rejected(run(write_csv(tmp_path / "b.csv", rows)), kind="id_registered", row=3)
    assert "430405014201000024" in found[0].message
    assert state() == before


def test_a_household_is_matched_by_its_heads_id_when_its_code_changed(regions, tmp_path):
    first = household("430405014201000040", 2)
    assert run(write_csv(tmp_path / "a.csv", first)).status == "loaded"
    pk = Household.objects.get(code="430405014201000040").pk
    renumbered = [dict(r, 户编号="430405014201900040") for r in first]
    result = run(write_csv(tmp_path / "b.csv", renumbered))
    assert result.totals()["households"] == {"created": 0, "updated": 1, "unchanged": 0, "ended": 0}
    assert Household.objects.get(pk=pk).code == "430405014201900040"


def test_sex_must_agree_with_the_id(regions, tmp_path):
    rows = household("430405014201000026", 1, 性别="女", 证件号码=pid())
    rejected(run(write_csv(tmp_path / "sex.csv", rows)), kind="member_rule", column="性别", row=2)


# ------------------------------------------------------------------ values


def test_dates_years_and_money_in_every_listed_form(regions, tmp_path):
    rows = household(
        "430405014201000027",
        1,
        识别年度="2015年",
        脱贫标志="已脱贫",
        脱贫年度="2017",
        工资性收入="1,234.5元",
        生产经营性收入=" 2 000 ",
        财产性收入="",
        转移性收入="100",
        生产经营性支出="34.50",
    )
    assert run(write_csv(tmp_path / "v.csv", rows)).status == "loaded"
    h = Household.objects.get(code="430405014201000027")
    assert (h.identified_year, h.status, h.exit_year) == (2015, "exited", 2017)
    y = h.years.get()
    assert (y.wage_income, y.business_income, y.property_income) == (Decimal("1234.50"), Decimal("2000"), 0)
    from fupin.exchange.parsing import parse_date

    for text in ("2017-12-21", "2017/12/21", "2017年12月21日", "20171221", "43090"):
        assert parse_date(text) == dt.date(2017, 12, 21), text


def test_exited_without_exit_year_is_rejected(regions, tmp_path):
    rows = household("430405014201000028", 1, 脱贫标志="已脱贫", 脱贫年度="")
    rejected(run(write_csv(tmp_path / "e.csv", rows)), kind="household_rule", column="脱贫年度", row=2)


def test_education_and_school_status_exactly_one(regions, tmp_path):
    rows = household("430405014201000029", 2)
    rows[1]["在校生状况"] = "小学"  # and 文化程度 初中 as well
    rejected(run(write_csv(tmp_path / "edu.csv", rows)), kind="member_rule", column="文化程度", row=3)
    ok = household("430405014201000030", 1, 在校生状况="非在校生")  # 非在校生 beside 文化程度 says it twice
    assert run(write_csv(tmp_path / "ok.csv", ok)).status == "loaded"


def test_stated_per_capita_income_off_by_more_than_a_yuan_is_a_warning_and_kept(regions, tmp_path):
    rows = household("430405014201000031", 2, 人均纯收入="9999")
    result = run(write_csv(tmp_path / "pc.csv", rows))
    assert result.status == "loaded"
    warning = next(i for i in result.issues.items if i.kind == "income")
    assert warning.severity == "warning" and warning.column == "人均纯收入"
    y = HouseholdYear.objects.get(household__code="430405014201000031")
    assert y.stated_per_capita == Decimal("9999") and y.per_capita_net_income == Decimal("2000.00")


def test_a_formula_looking_text_is_kept_as_text(regions, tmp_path):
    rows = household("430405014201000032", 1, 姓名='=HYPERLINK("x")')
    assert run(write_xlsx(tmp_path / "f.xlsx", rows)).status == "loaded"
    assert Member.objects.get(household__code="430405014201000032").name == '=HYPERLINK("x")'


# ------------------------------------------------------------------ what a load writes


def test_a_load_writes_status_events_change_rows_and_its_batch(regions, tmp_path):
    rows = household("430405014201000033", 2, 脱贫标志="已脱贫", 脱贫年度="2016")
    result = run(write_csv(tmp_path / "w.csv", rows))
    h = Household.objects.get(code="430405014201000033")
    kinds = sorted(HouseholdStatusEvent.objects.filter(household=h).values_list("kind", flat=True))
    assert kinds == ["exited", "registered"]
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert (batch.status, batch.households_created) == ("loaded", 1)
    assert batch.region.code == "430405014201"  # the common region of its households: who may see it
    changes = ObjectChange.objects.filter(batch_id=result.batch_id)
    # A new household is logged once, its members and year nested in its snapshot (decision 0003).
    created = changes.get()
    assert (created.action, created.content_type.model, created.related_id) == ("create", "household", h.pk)
    assert len(created.after["members"]) == 2 and len(created.after["years"]) == 1
    assert all("********" in m["id_number"] for m in created.after["members"])
    assert created.after["status"] == "exited" and created.after["years"][0]["year"] == 2019


def test_dry_run_changes_nothing_and_says_what_would_happen(regions, tmp_path):
    before = state()
    result = run(write_csv(tmp_path / "d.csv", household("430405014201000034", 2)), dry_run=True)
    assert result.status == "checked"
    assert result.totals()["households"]["created"] == 1 and result.totals()["members"]["created"] == 2
    assert state() == before and not ImportBatch.objects.exists()


def test_valid_only_loads_the_good_households_and_reports_the_rest(regions, tmp_path):
    good = household("430405014201000035", 2)
    bad = household("430405014201000036", 2)
    bad[1]["健康状况"] = "很好"
    result = run(write_csv(tmp_path / "vo.csv", good + bad), valid_only=True)
    assert result.status == "loaded"
    assert Household.objects.filter(code="430405014201000035").exists()
    assert not Household.objects.filter(code="430405014201000036").exists()
    assert result.sheets[0].rejected == 1 and result.issues.error_count == 1
