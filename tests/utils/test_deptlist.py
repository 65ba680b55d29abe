"""The shared department-list reader: files, header, ID column, ID checks in columns — and the
two readers built on it (comparison lists, screening lists) reading one file alike."""

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fupin.utils import deptlist, idno

GOOD = idno.make("430405", dt.date(1965, 3, 15), 1)
OTHER = idno.make("430405", dt.date(1980, 12, 1), 22)


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_a_csv_with_title_rows_and_a_noted_id_header(tmp_path):
    path = write(
        tmp_path / "l.csv", f"某局名单\n填报日期：2021年\n姓名,身份证号码（18位）,备注\n甲,{GOOD},x\n乙,{OTHER},\n"
    )
    sheet = deptlist.read_sheet(path)
    assert (sheet.header, sheet.id_column) == (2, 1)
    assert sheet.headers == ["姓名", "身份证号码（18位）", "备注"]
    assert sheet.frame[deptlist.LINE].to_list() == [4, 5]
    assert sheet.frame["c1"].to_list() == [GOOD, OTHER]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings_read_alike(tmp_path, encoding):
    path = write(tmp_path / "l.csv", f"证件号码,姓名\n{GOOD},张三\n", encoding)
    sheet = deptlist.read_sheet(path)
    assert sheet.frame.select("c0", "c1").rows() == [(GOOD, "张三")]


def test_a_legacy_encoding_after_the_first_64_kib_is_still_read(tmp_path):
    body = "".join(f"{GOOD},甲\n" for _ in range(5000))  # > 64 KiB of plain text first
    path = write(tmp_path / "l.csv", f"证件号码,姓名\n{body}{OTHER},张三\n", "gb18030")
    sheet = deptlist.read_sheet(path)
    assert sheet.frame.height == 5001 and sheet.frame["c1"][-1] == "张三"


def test_unreadable_files_say_why(tmp_path):
    with pytest.raises(deptlist.Unreadable) as err:
        deptlist.read_sheet(write(tmp_path / "l.csv", "名单\n姓名,电话\n甲,1\n"))
    assert err.value.code == "no_id" and err.value.first_row == ["名单"]
    (tmp_path / "b.csv").write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(deptlist.Unreadable) as err:
        deptlist.read_sheet(tmp_path / "b.csv")
    assert err.value.code == "binary"
    with pytest.raises(deptlist.Unreadable) as err:
        deptlist.read_sheet(write(tmp_path / "w.xlsx", "not a workbook"))
    assert err.value.code == "workbook" and err.value.detail
    with pytest.raises(deptlist.Unreadable) as err:  # the caller may decide by the upload's name
        deptlist.read_sheet(write(tmp_path / "upload.tmp", f"证件号码\n{GOOD}\n"), workbook=True)
    assert err.value.code == "workbook"


def test_a_workbook_is_read_from_its_first_sheet_with_an_id_column(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["说明"])
    ws = wb.create_sheet("名单")
    ws.append(["标题"])
    ws.append(["公民身份号码", "金额", "日期"])
    ws.append([GOOD, 12.0, dt.datetime(2021, 5, 1)])
    ws.append([4.30405196503150e17, 3.5, None])
    wb.save(tmp_path / "l.xlsx")
    sheet = deptlist.read_sheet(tmp_path / "l.xlsx")
    assert sheet.header == 1 and sheet.frame[deptlist.LINE].to_list() == [3, 4]
    assert sheet.frame.select("c0", "c1", "c2").rows() == [
        (GOOD, "12", "2021-05-01"),
        ("4.30405196503150E+17", "3.5", ""),
    ]


def test_ids_are_normalised_upgraded_and_checked_in_columns(tmp_path):
    fifteen = GOOD[:6] + GOOD[8:17]
    wrong_check = GOOD[:17] + ("0" if GOOD[17] != "0" else "1")
    future = idno.make("430405", dt.date.today() + dt.timedelta(days=400), 1)
    cells = [
        "４３０４０５" + GOOD[6:],  # full-width digits
        f" {GOOD[:6]} {GOOD[6:]}\u3000",  # spaces
        f"'{GOOD}",  # Excel's text quote
        fifteen,
        wrong_check,
        future,
        "4.30405196503150E+17",
        "",
    ]
    frame = deptlist.checked_ids(pl.DataFrame({"c0": cells, deptlist.LINE: list(range(2, 10))}), "c0")
    assert frame["id_number"].to_list()[:4] == [GOOD, GOOD, GOOD, GOOD]
    assert frame["_fifteen"].to_list() == [False, False, False, True, False, False, False, False]
    assert frame["_ok"].to_list() == [True, True, True, True, False, False, False, False]
    assert deptlist.invalid_rows(frame, 2) == [
        {"line": 6, "value": wrong_check, "id_number": wrong_check},
        {"line": 7, "value": future, "id_number": future},
    ]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="0123456789Xx ０１２", min_size=0, max_size=19), max_size=20))
def test_the_column_checks_agree_with_idno(values):
    frame = deptlist.checked_ids(pl.DataFrame({"c": values}, schema={"c": pl.String}), "c")
    for raw, number, ok in frame.select("_raw", "id_number", "_ok").rows():
        expected = idno.upgrade_15(raw) or idno.normalize(raw)
        assert number == expected
        assert ok == (idno.problem(expected) is None)


@settings(max_examples=100, deadline=None)
@given(born=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)), seq=st.integers(0, 999))
def test_generated_numbers_and_their_15_digit_forms_pass(born, seq):
    number = idno.make("430405", born, seq)
    frame = deptlist.checked_ids(pl.DataFrame({"c": [number, number[:6] + number[8:17]]}), "c")
    assert frame["id_number"].to_list() == [number, idno.upgrade_15(number[:6] + number[8:17])]
    assert frame["_ok"].all()


def test_id_headers_by_alias_and_note():
    for header in ("证件号码", "身份证号", " 身份证号码(18位) ", "公民身份号码（必填）", "身份证"):
        assert deptlist.is_id_header(header), header
    for header in ("姓名", "证件类型", "号码"):
        assert not deptlist.is_id_header(header), header
    rows = [[""] * 3] * 10 + [["证件号码"]]
    assert deptlist.find_header(rows) is None  # only the first ten rows are looked at


@pytest.mark.django_db
def test_both_readers_read_one_file_alike(tmp_path):
    from fupin.identification.lists import read_list as comparison_read
    from fupin.monitoring.screening.reader import read_list as screening_read

    fifteen = OTHER[:6] + OTHER[8:17]
    path = write(
        tmp_path / "med.csv",
        f"医疗费用结算\n姓名,身份证号,个人自付\n甲,{GOOD.lower()},100\n乙,{fifteen},2.5\n合计,,102.5\n",
    )
    comparison = comparison_read(path)
    screening = screening_read(path, kind="medical")
    assert comparison.frame.select("line", "id_number").rows() == [(3, GOOD), (4, OTHER)]
    assert screening.frame.select("line", "id_number").rows() == [(3, GOOD), (4, OTHER)]
    assert comparison.upgraded_count == 1 and screening.warnings == ["1 个 15 位证件号码已升位为 18 位"]
    assert screening.frame["out_of_pocket"].to_list() == [10000, 250]
