"""The import's progress bar says what it counts: the records written (households, members
and years), so a 5-row file of 2 households ends at 9/9 条记录, not "9/9 行"."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tests.exchange.helpers import household, write_csv

pytestmark = pytest.mark.django_db


def test_the_import_bar_counts_records_and_is_labelled_so(regions, tmp_path):
    rows = household("430405014201000221", 3) + household("430405014201000222", 2)
    assert len(rows) == 5
    err = io.StringIO()
    call_command(
        "import", str(write_csv(tmp_path / "five.csv", rows)), "--year", "2019", stdout=io.StringIO(), stderr=err
    )
    bar = err.getvalue().replace("\r", "\n")
    # 2 households + 5 members + 2 years written.
    assert "9/9 [" in bar and "条记录/s" in bar, bar
    assert "行/s" not in bar and "9/9 行" not in bar
