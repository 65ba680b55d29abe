"""A re-check of a year without a poverty line is refused before anything is recorded: from
the terminal (exit code 1), the district office's button and the API alike. It used to run,
assess nobody and store an empty campaign."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from fupin.core.changelog import Context
from fupin.core.models import Job
from fupin.identification.models import PolicyVersion, Recheck
from fupin.identification.services.recheck import recheck_create
from fupin.regions.models import Region
from tests.conftest import DACHANG, DISTRICT
from tests.identification.conftest import poor_household


def years_with_a_line() -> str:
    years = PolicyVersion.objects.filter(poverty_line__isnull=False).values_list("year", flat=True)
    return "、".join(str(y) for y in sorted(set(years)))


def nothing_recorded() -> bool:
    return not Recheck.objects.exists() and not Job.objects.exists()


def test_the_command_refuses_a_year_without_a_poverty_line_and_names_the_years_that_have_one(regions):
    poor_household(registered=True)
    with pytest.raises(CommandError) as err:
        call_command("recheck", "--year", "1999", "--region", DISTRICT, "--no-progress")
    assert err.value.returncode == 1
    message = str(err.value)
    assert "1999 年没有适用于珠晖区的扶贫标准，不能开展回头看" in message
    assert f"有扶贫标准的年度：{years_with_a_line()}" in message and "2017" in message
    assert nothing_recorded()


def test_the_button_shows_the_refusal_on_the_form_and_queues_nothing(
    regions, coordinator, django_capture_on_commit_callbacks
):
    poor_household(registered=True)
    c = Client()
    c.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = c.post(reverse("identification:recheck_list"), {"year": 2031})
    assert response.status_code == 200
    assert "2031 年没有适用于珠晖区的扶贫标准" in response.content.decode()
    assert callbacks == [] and nothing_recorded()


def test_the_api_answers_409_and_queues_nothing(regions, coordinator):
    poor_household(registered=True)
    c = APIClient()
    c.force_authenticate(coordinator)
    response = c.post("/api/v1/rechecks/", {"year": 2031}, format="json")
    assert response.status_code == 409, response.content  # a business rule refused it, as elsewhere
    assert "2031 年没有适用于珠晖区的扶贫标准" in response.content.decode()
    assert nothing_recorded()


def test_a_village_s_own_line_is_enough_to_run_its_district(regions):
    poor_household(registered=True)  # a district without households is refused (nothing to re-check)
    PolicyVersion.objects.create(
        year=2031, region_id=DACHANG, effective_from=dt.date(2025, 1, 1), poverty_line=Decimal("5000")
    )
    r = recheck_create(ctx=Context(actor=None), year=2031, region=Region.objects.get(code=DISTRICT))
    assert r.year == 2031


def test_the_refusal_in_english(regions):
    with translation.override("en"), pytest.raises(CommandError) as err:
        call_command("recheck", "--year", "1999", "--region", DISTRICT, "--no-progress")
    assert str(err.value).startswith("No poverty line for 1999 applies to 珠晖区") and "2013, 2014" in str(err.value)
