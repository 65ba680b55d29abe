"""`changes` in an import's result (the preview's JSON, the batch's summary) counts the
records the file creates, updates or ends, as its counts list them. A preview used to say
`changes: 0` whatever it listed, because the figure was the number of change-log rows
written, and a preview writes none."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from fupin.exchange.models import ImportBatch
from tests.exchange.helpers import household, run, state, write_csv

pytestmark = pytest.mark.django_db


def listed(result) -> int:
    return sum(n for counts in result.totals().values() for k, n in counts.items() if k != "unchanged")


@pytest.fixture
def edited(regions, tmp_path):
    """A household already loaded, then a file where its spouse's schooling and its wage
    income changed, with one new household of two."""
    known = household("430405014201000301", 3)
    assert run(write_csv(tmp_path / "first.csv", known)).status == "loaded"
    known[1]["文化程度"] = "高中"
    for row in known:
        row["工资性收入"] = "3600"
    return write_csv(tmp_path / "second.csv", known + household("430405014201000302", 2))


def test_a_preview_counts_the_records_it_would_change(edited):
    before = state()
    preview = run(edited, dry_run=True)
    assert preview.status == "checked" and state() == before
    totals = preview.totals()
    assert totals["households"] == {"created": 1, "updated": 0, "unchanged": 1, "ended": 0}
    assert totals["members"]["created"] == 2 and totals["members"]["updated"] == 1
    assert totals["years"]["created"] == 1 and totals["years"]["updated"] == 1
    assert preview.as_json()["changes"] == 6 == listed(preview)


def test_the_load_reports_what_its_preview_said(edited):
    preview = run(edited, dry_run=True).as_json()["changes"]
    loaded = run(edited)
    assert loaded.status == "loaded" and loaded.as_json()["changes"] == preview == 6


def test_an_unchanged_file_and_a_rejected_one_change_nothing(regions, tmp_path):
    rows = household("430405014201000303", 2)
    assert run(write_csv(tmp_path / "a.csv", rows)).status == "loaded"
    assert run(write_csv(tmp_path / "b.csv", rows), dry_run=True).as_json()["changes"] == 0
    rows[1]["健康状况"] = "很好"  # not a value of the code list
    rows.extend(household("430405014201000304", 2))
    rejected = run(write_csv(tmp_path / "c.csv", rows), dry_run=True)
    assert rejected.status == "rejected" and rejected.as_json()["changes"] == 0


def test_the_web_preview_stores_the_count_in_the_batch_summary(edited, coordinator):
    client = Client()
    client.force_login(coordinator)
    with open(edited, "rb") as fh:
        client.post(reverse("exchange:import_upload"), {"file": fh, "year": "2019"})
    batch = ImportBatch.objects.get(status="previewed")
    assert batch.summary["changes"] == 6
