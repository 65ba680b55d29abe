"""The re-check API answers as the re-check pages do: a township reviewer reads a district
campaign through their own township's row (without the district totals); whoever holds no
re-check scope over it gets 404, an anonymous caller 401."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from fupin.accounts.choices import RoleCode
from fupin.identification.models import Recheck
from tests.conftest import DISTRICT, DONGYANGDU, LINGHU, make_user, region

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


def detail(pk: int) -> str:
    return reverse("identification-recheck-detail", args=[pk])


LIST = "/api/v1/rechecks/"


def township_row(code: str, eligible: int) -> dict:
    r = region(code)
    return {
        "id": r.pk,
        "code": r.code,
        "name": r.name,
        "outcomes": {"eligible": eligible},
        "new": {},
        "open": {},
        "new_total": 0,
        "open_total": 0,
        "candidates": 0,
    }


def district_campaign() -> Recheck:
    summary = {
        "townships": [township_row(DONGYANGDU, 41), township_row(LINGHU, 57)],
        "totals": {"households": 9876, "assessed": 98},
    }
    return Recheck.objects.create(region=region(DISTRICT), year=2017, summary=summary, finished=timezone.now())


@pytest.fixture
def district_recheck(regions):
    return district_campaign()


@pytest.fixture
def linghu_reviewer(regions):
    return make_user("reviewer_linghu", RoleCode.TOWNSHIP_REVIEWER, LINGHU)


def names(summary: dict) -> list[str]:
    return [t["name"] for t in summary["townships"]]


def test_the_district_office_reads_every_row_and_the_totals(district_recheck, coordinator):
    r = api(coordinator).get(detail(district_recheck.pk))
    assert r.status_code == 200
    summary = r.json()["summary"]
    assert names(summary) == [region(DONGYANGDU).name, region(LINGHU).name]
    assert summary["totals"] == {"households": 9876, "assessed": 98}


def test_a_township_reviewer_reads_a_district_recheck_through_their_own_row(district_recheck, reviewer):
    r = api(reviewer).get(detail(district_recheck.pk))
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == district_recheck.pk
    assert body["summary"]["townships"] == [township_row(DONGYANGDU, 41)]
    # District-wide totals are not the township's to read.
    assert "totals" not in body["summary"]
    assert "9876" not in r.content.decode()
    # The list shows the campaign too, scoped the same way.
    listed = {row["id"]: row for row in api(reviewer).get(LIST).json()["results"]}
    assert names(listed[district_recheck.pk]["summary"]) == [region(DONGYANGDU).name]


def test_the_api_shows_the_rows_the_page_shows(district_recheck, reviewer):
    page = APIClient()
    page.force_login(reviewer)
    html = page.get(reverse("identification:recheck_detail", args=[district_recheck.pk])).content.decode()
    rows = api(reviewer).get(detail(district_recheck.pk)).json()["summary"]["townships"]
    assert [t["name"] for t in rows] == [region(DONGYANGDU).name]
    assert region(DONGYANGDU).name in html and region(LINGHU).name not in html


def test_the_reviewer_of_another_township_reads_only_their_row(district_recheck, linghu_reviewer):
    summary = api(linghu_reviewer).get(detail(district_recheck.pk)).json()["summary"]
    assert names(summary) == [region(LINGHU).name]
    assert "totals" not in summary


def test_a_recheck_of_another_township_stays_absent(regions, reviewer, district_recheck):
    other = Recheck.objects.create(region=region(LINGHU), year=2017, summary={}, finished=timezone.now())
    assert api(reviewer).get(detail(other.pk)).status_code == 404
    listed = {row["id"] for row in api(reviewer).get(LIST).json()["results"]}
    assert listed == {district_recheck.pk}


def test_village_cadres_hold_no_recheck_scope(district_recheck, cadre, other_cadre):
    for user in (cadre, other_cadre):
        assert api(user).get(detail(district_recheck.pk)).status_code == 404
        assert api(user).get(LIST).json()["results"] == []


def test_an_anonymous_caller_is_asked_to_authenticate(district_recheck):
    assert api().get(detail(district_recheck.pk)).status_code == 401
    assert api().get(LIST).status_code == 401


def test_a_running_campaign_shows_an_empty_summary(regions, reviewer):
    running = Recheck.objects.create(region=region(DISTRICT), year=2017)
    body = api(reviewer).get(detail(running.pk)).json()
    assert body["summary"] == {} and body["finished"] is None


def test_the_list_reads_the_townships_of_a_page_in_one_query(regions, reviewer):
    district_campaign()
    client = api(reviewer)
    client.get(LIST)  # the user's scope is cached from here on

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST).status_code == 200
        return len(ctx.captured_queries)

    one = queries()
    for _ in range(3):
        district_campaign()
    assert queries() == one
