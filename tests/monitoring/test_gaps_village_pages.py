"""The village incidence table in the API is paged like every other list (count, next,
previous, results). It used to return one bare list of every village."""

import pytest
import time_machine
from rest_framework.test import APIClient

from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from tests.conftest import DISTRICT
from tests.monitoring.conftest import at


@pytest.fixture
def in_2021(regions):
    with time_machine.travel(at(2021, 3, 1), tick=False) as t:
        yield t


def test_the_village_table_comes_in_pages_with_a_next_link(in_2021, coordinator):
    api = APIClient()
    api.force_authenticate(coordinator)
    villages = Region.objects.filter(path__startswith=Region.objects.get(code=DISTRICT).path, level=RegionLevel.VILLAGE)
    assert villages.count() > 3
    body = api.get("/api/v1/monitoring/villages/", {"page_size": 3}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == villages.count() and len(body["results"]) == 3
    assert body["previous"] is None and "page=2" in body["next"]
    second = api.get(body["next"]).json()
    assert second["previous"] is not None
    assert {r["code"] for r in body["results"]}.isdisjoint(r["code"] for r in second["results"])


def test_page_size_is_capped_like_the_other_lists(in_2021, coordinator):
    api = APIClient()
    api.force_authenticate(coordinator)
    body = api.get("/api/v1/monitoring/villages/", {"page_size": 10_000}).json()
    assert len(body["results"]) == min(body["count"], 500)
