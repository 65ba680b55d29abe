"""`fupin export` writes the layout by extension, limited to a region; the importer's
per-capita arithmetic is the registry's."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from fupin.exchange.layouts.roster_read import per_capita_cents
from fupin.registry.income import per_capita
from tests.exchange.helpers import household, run, write_csv


@pytest.mark.django_db
def test_cli_export_of_a_region_as_csv_and_xlsx(regions, tmp_path):
    rows = household("430405014201000401", 2) + household("430405201201000402", 1, 乡镇="x")
    for r in rows[2:]:
        r["乡(镇)"], r["行政村"] = "酃湖乡", "解放村"
        r.pop("乡镇")
    assert run(write_csv(tmp_path / "in.csv", rows)).status == "loaded"
    call_command("export", str(tmp_path / "dyd.csv"), "--layout", "roster", "--region", "430405014")
    text = (tmp_path / "dyd.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(text) == 3 and text[0].startswith("县(市、区),乡(镇),行政村")
    call_command("export", str(tmp_path / "all.xlsx"))
    sheet = load_workbook(tmp_path / "all.xlsx").active
    assert sheet.title == "人员明细" and sheet["A1"].value == "珠晖区建档立卡贫困人口明细表" and sheet.max_row == 5
    with pytest.raises(CommandError):
        call_command("export", str(tmp_path / "x.xlsx"), "--region", "999999")


@given(net=st.integers(min_value=-(10**9), max_value=10**9), persons=st.integers(min_value=0, max_value=20))
def test_per_capita_in_cents_is_the_registry_formula(net, persons):
    frame = pl.DataFrame({"net": [net], "persons": [persons]})
    cents = frame.select(per_capita_cents(pl.col("net"), pl.col("persons"))).item()
    assert Decimal(cents) / 100 == per_capita(Decimal(net) / 100, persons)
