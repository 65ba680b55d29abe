"""A district officer who reads the site in English previews a roster: the layout is named
in English (the sheet keeps the name the user gave it) and the messages that list rows use
English separators."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from fupin.exchange.models import ImportBatch
from tests.exchange.helpers import household, write_xlsx

pytestmark = pytest.mark.django_db


def english(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def preview_page(client: Client, path) -> str:
    with open(path, "rb") as fh:
        client.post(reverse("exchange:import_upload"), {"file": fh, "year": "2019"})
    batch = ImportBatch.objects.get()
    return client.get(reverse("exchange:batch_detail", args=[batch.pk])).content.decode()


def test_the_layout_is_named_in_english_and_the_sheet_keeps_its_name(coordinator, tmp_path):
    path = write_xlsx(tmp_path / "roster.xlsx", household("430405014201000301", 2))

    page = preview_page(english(coordinator), path)

    assert 'Sheet "人员明细" (Member details)' in page
    assert "(人员明细)" not in page


def test_rows_that_disagree_are_listed_with_english_separators(coordinator, tmp_path):
    rows = household("430405014201000302", 3)
    rows[1]["贫困户属性"] = "低保贫困户"
    rows[2]["贫困户属性"] = "特困供养贫困户"
    path = write_xlsx(tmp_path / "roster.xlsx", rows)

    page = preview_page(english(coordinator), path)

    assert "Rows of household no. 430405014201000302 are inconsistent" in page
    listing = page.partition("are inconsistent: ")[2].partition("<")[0]
    assert "；" not in listing and "; Row 3" in listing
