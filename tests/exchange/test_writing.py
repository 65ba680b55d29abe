"""The xlsx writer: what it writes reads back the same through calamine (the import) and
openpyxl (what Excel-like tools see), text stays text, and no cell is ever a formula."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from fupin.exchange.writing import write_xlsx

HEADER = ["姓名", "证件号码", "金额", "日期", "是否", "空", "备注"]
ROWS = [
    ["王大", "430405196803150012", 1234, dt.date(2020, 1, 2), True, None, "=SUM(A1)"],
    ["  前后有空格 ", "43040519680315001X", 12.5, dt.datetime(2021, 3, 4, 12, 0), False, "", 'a&b<c>"d"'],
    ["控制\x01字符", "0012", Decimal("7.25"), None, None, None, "两行\n文字"],
]


def _written() -> bytes:
    buf = io.BytesIO()
    assert write_xlsx(buf, sheet="人员明细", title="珠晖区建档立卡贫困人口明细表", header=HEADER, rows=ROWS) == 3
    return buf.getvalue()


def test_openpyxl_reads_back_title_header_and_values():
    ws = load_workbook(io.BytesIO(_written())).active

    assert ws.title == "人员明细"
    values = list(ws.iter_rows(values_only=True))
    assert values[0][0] == "珠晖区建档立卡贫困人口明细表" and list(values[1]) == HEADER
    assert values[2] == ("王大", "430405196803150012", 1234, dt.datetime(2020, 1, 2), True, None, "=SUM(A1)")
    assert values[3][:3] == ("  前后有空格 ", "43040519680315001X", 12.5) and values[3][6] == 'a&b<c>"d"'
    assert values[4][0] == "控制字符" and values[4][1] == "0012" and values[4][6] == "两行\n文字"
    # Text cells are formatted as text and are strings, a formula-looking one too.
    assert ws["B3"].number_format == "@" and ws["G3"].data_type == "s"
    assert ws["A1"].font.b and ws["A2"].font.b and ws["A2"].fill.fgColor.rgb == "FFDDEBF7"


def test_calamine_reads_back_what_the_import_reads():
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(_written())).get_sheet_by_name("人员明细").to_python()

    assert sheet[1] == HEADER
    assert sheet[2][:5] == ["王大", "430405196803150012", 1234, dt.date(2020, 1, 2), True]
    assert sheet[3][0] == "  前后有空格 " and sheet[4][1] == "0012" and sheet[4][2] == 7.25


def test_a_sheet_name_excel_refuses_is_made_acceptable():
    buf = io.BytesIO()
    write_xlsx(buf, sheet="a/b:c*d?[e]" + "x" * 40, title="", header=["h"], rows=[["v"]])

    ws = load_workbook(buf).active
    assert ws.title == "a_b_c_d__e_" + "x" * 20 and ws["A1"].value == "h" and ws["A2"].value == "v"


@pytest.mark.django_db
def test_the_roster_rows_tell_a_progress_bar_of_each_household(regions, tmp_path):
    from fupin.exchange.layouts.roster_export import roster_rows
    from fupin.registry.models import Household
    from tests.exchange.helpers import household, run, write_csv

    run(write_csv(tmp_path / "r.csv", household("430405014201000401", 3) + household("430405014201000402", 2)))
    ids = list(Household.objects.order_by("code").values_list("id", flat=True))
    told: list[int] = []

    rows = list(roster_rows(ids, year=2019, sensitive=lambda _path: True, progress=told.append))

    assert len(rows) == 5 and told == [1, 1]
