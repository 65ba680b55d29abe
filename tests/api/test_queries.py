"""List endpoints cost a fixed number of queries whatever the page size."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from fupin.registry.services import member_add
from tests.api.conftest import client_for
from tests.conftest import SYSTEM, head_data, make_household, new_id


def queries(user, url, **params) -> tuple[int, int]:
    # A fresh user object per request, as in production: the scope is cached on the user.
    api = client_for(type(user).objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.json()["results"])


def populate(n: int) -> None:
    for i in range(n):
        h = make_household(f"43040501420100{i:02d}", phone="13800138000", head=head_data(name=f"户主{i}"))
        member_add(
            ctx=SYSTEM,
            household=h,
            reason="06",
            data={
                "name": f"孩子{i}",
                "id_number": new_id(),
                "relation": "03",
                "school_status": "02",
                "health": "01,04",
                "labour_skill": "4",
            },
        )


def test_household_list_query_count_is_fixed(cadre):
    populate(12)
    small, small_rows = queries(cadre, "/api/v1/households/", page_size=2)
    large, large_rows = queries(cadre, "/api/v1/households/", page_size=12)
    assert (small_rows, large_rows) == (2, 12)
    assert small == large
    assert large <= 3  # scope, count, page


def test_member_list_query_count_is_fixed(coordinator):
    populate(10)
    small, _ = queries(coordinator, "/api/v1/members/", page_size=2)
    large, rows = queries(coordinator, "/api/v1/members/", page_size=20)
    assert rows == 20 and small == large


def test_region_list_query_count_is_fixed(coordinator):
    small, _ = queries(coordinator, "/api/v1/regions/", page_size=2)
    large, rows = queries(coordinator, "/api/v1/regions/", page_size=30)
    assert rows == 30 and small == large


def test_household_detail_query_count_does_not_grow_with_members(cadre):
    populate(1)
    h = make_household("H-big")
    with CaptureQueriesContext(connection) as small:
        client_for(type(cadre).objects.get(pk=cadre.pk)).get(f"/api/v1/households/{h.pk}/")
    for _ in range(5):
        member_add(
            ctx=SYSTEM,
            household=h,
            reason="06",
            data={
                "name": "孩子",
                "id_number": new_id(),
                "relation": "03",
                "school_status": "02",
                "health": "01",
                "labour_skill": "4",
            },
        )
    with CaptureQueriesContext(connection) as large:
        client_for(type(cadre).objects.get(pk=cadre.pk)).get(f"/api/v1/households/{h.pk}/")
    assert len(small.captured_queries) == len(large.captured_queries)
