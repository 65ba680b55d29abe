"""The batch page heads notes (an ignored column, a skipped sheet) with their own count, apart
from warnings: it once listed an ignored column under "提醒 0 处"."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from fupin.exchange.models import ImportBatch
from tests.exchange.helpers import household, write_csv

pytestmark = pytest.mark.django_db


def batch_page(coordinator, path) -> str:
    client = Client()
    client.force_login(coordinator)
    with open(path, "rb") as fh:
        client.post(reverse("exchange:import_upload"), {"file": fh, "year": "2019"})
    batch = ImportBatch.objects.get()
    return client.get(reverse("exchange:batch_detail", args=[batch.pk])).content.decode()


def section(page: str, ident: str) -> str:
    found = re.search(rf'<details class="card" id="{ident}">(.*?)</details>', page, re.S)
    return found.group(1) if found else ""


def test_an_ignored_column_is_a_note_under_its_own_heading(coordinator, tmp_path):
    rows = [dict(r, 备用列="x") for r in household("430405014201000211", 2)]
    page = batch_page(coordinator, write_csv(tmp_path / "roster.csv", rows))
    notes = section(page, "batch-notes")
    assert "说明 1 条" in notes and "备用列" in notes
    assert section(page, "batch-warnings") == ""  # no warnings: no heading counting them
    assert not re.search(r"提醒\s*0\s*处", page) and "0 处" not in page


def test_a_file_without_notes_or_warnings_shows_neither_heading(coordinator, tmp_path):
    page = batch_page(coordinator, write_csv(tmp_path / "roster.csv", household("430405014201000212", 2)))
    assert 'id="batch-notes"' not in page and 'id="batch-warnings"' not in page
    assert "说明 " not in page and "提醒 " not in page
