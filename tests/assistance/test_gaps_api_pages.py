"""The public wish board and the measure items in the API are paged like every other list
(count, next, previous, results; `page_size` up to 500, 50 by default). They used to
return one bare list of everything."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from fupin.assistance.models import MeasureItem
from fupin.assistance.services import wish_post
from tests.conftest import SYSTEM, make_household


@pytest.fixture
def household(regions):
    return make_household("4304050142010001")


def test_the_public_board_comes_in_pages_with_a_next_link(household):
    for item in ("书包", "台灯", "棉被"):
        wish_post(ctx=SYSTEM, household=household, item=item, estimated_cost=Decimal(100), public_text="")
    first = APIClient().get("/api/v1/public-wishes/", {"page_size": 2})
    assert first.status_code == 200
    body = first.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3 and len(body["results"]) == 2 and body["previous"] is None
    assert "page=2" in body["next"] and "page_size=2" in body["next"]
    second = APIClient().get(body["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    items = {w["item"] for w in body["results"] + second["results"]}
    assert items == {"书包", "台灯", "棉被"}


def test_the_public_board_pages_by_50_by_default(household):
    body = APIClient().get("/api/v1/public-wishes/").json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_measure_items_come_in_pages_with_a_next_link(coordinator):
    api = APIClient()
    api.force_authenticate(coordinator)
    total = MeasureItem.objects.count()
    assert total > 2  # the seeded catalogue
    body = api.get("/api/v1/measure-items/", {"page_size": 2}).json()
    assert body["count"] == total and len(body["results"]) == 2 and "page=2" in body["next"]
    everything = api.get("/api/v1/measure-items/").json()
    assert len(everything["results"]) == min(total, 50)
    assert (everything["next"] is None) == (total <= 50)
