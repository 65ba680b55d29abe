"""A screening list's row that has cells but no ID number is not dropped in silence: it is
counted and named by its row, in the words identification's comparison uses for it, and the
list is refused like one with an invalid number. Empty rows and 合计 rows stay skipped."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from fupin.core.errors import ValidationError
from fupin.monitoring.models import DepartmentList
from fupin.monitoring.screening.reader import ListError, read_list
from fupin.monitoring.services.lists import department_list_upload
from fupin.utils import idno
from tests.conftest import DISTRICT, SYSTEM, region
from tests.monitoring.conftest import write_csv

GOOD = idno.make("430405", dt.date(1960, 4, 1), 11)
OTHER = idno.make("430405", dt.date(1972, 9, 9), 22)
HEADER = ["证件号码", "姓名", "个人自付"]


def _medical(tmp_path, rows, **kw):
    return write_csv(tmp_path / "med.csv", HEADER, rows, title="2021年医疗费用结算名单", **kw)


def test_rows_without_an_id_are_counted_and_named(tmp_path):
    # Line 1 is the title, line 2 the header: the rows without an ID are lines 4 and 6.
    path = _medical(tmp_path, [[GOOD, "甲", 100], ["", "乙", 200], [OTHER, "丙", 300], ["  ", "丁", 50]])
    with pytest.raises(ListError) as err:
        read_list(path, kind="medical", filename="med.csv")
    assert err.value.messages == ["med.csv：2 行没有证件号码", "第 4 行 证件号码为空", "第 6 行 证件号码为空"]


def test_the_messages_are_in_english_on_an_english_page(tmp_path):
    path = _medical(tmp_path, [[GOOD, "甲", 100], ["", "乙", 200]])
    with translation.override("en"), pytest.raises(ListError) as err:
        read_list(path, kind="medical", filename="med.csv")
    assert err.value.messages == ["med.csv: 1 rows have no ID number", "Row 4: ID number is empty"]


def test_empty_and_summary_rows_are_still_skipped(tmp_path):
    rows = [[GOOD, "甲", 100], ["", "", ""], [OTHER, "丙", 300], ["", "合计", 400], ["合计", "", 400]]
    read = read_list(_medical(tmp_path, rows), kind="medical", filename="med.csv")
    assert read.rows == 2
    assert read.frame["line"].to_list() == [3, 5]


@pytest.mark.django_db
def test_an_upload_with_a_row_without_an_id_keeps_nothing(regions, tmp_path):
    path = _medical(tmp_path, [[GOOD, "甲", 100], ["", "乙", 200]])
    with pytest.raises(ValidationError) as err:
        department_list_upload(
            ctx=SYSTEM, region=region(DISTRICT), kind="medical", year=2021, upload=path, filename="med.csv"
        )
    assert "第 4 行 证件号码为空" in err.value.messages
    assert not DepartmentList.objects.exists()
