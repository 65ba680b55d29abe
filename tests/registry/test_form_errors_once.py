"""The new-household page reports every error of both its forms on one submit: a wrong check
digit in the head's ID number used to appear only after the required fields were fixed."""

import pytest
from django.urls import reverse

from fupin.registry.models import Household
from tests.registry.test_views_forms import client_for, household_post

pytestmark = pytest.mark.django_db

BAD_CHECK = "430405196503150011"  # valid length and date, wrong last digit
CODE = "4304050142010700"


def test_missing_field_and_bad_check_digit_are_reported_together(cadre):
    data = household_post(CODE, **{"head-id_number": BAD_CHECK})
    del data["region"]  # a required field of the household form
    response = client_for(cadre).post(reverse("registry:household_create"), data)
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert "校验位错误" in response.context["head"].errors["id_number"][0]
    page = response.content.decode()
    assert "校验位错误" in page
    # The input is kept for the second try.
    assert 'value="上屋"' in page and BAD_CHECK in page
    assert not Household.objects.filter(code=CODE).exists()


def test_head_required_field_and_bad_check_digit_in_the_same_form(cadre):
    data = household_post(CODE, **{"head-id_number": BAD_CHECK, "head-name": ""})
    response = client_for(cadre).post(reverse("registry:household_create"), data)
    errors = response.context["head"].errors
    assert "name" in errors and "校验位错误" in errors["id_number"][0]


def test_a_valid_post_still_creates_the_household(cadre):
    response = client_for(cadre).post(reverse("registry:household_create"), household_post(CODE))
    assert response.status_code == 302
    assert Household.objects.filter(code=CODE).exists()
