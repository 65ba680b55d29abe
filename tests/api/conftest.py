"""The matrix world for the API: the 大昌村 household also has a spouse and facts for 2019."""

import pytest
from rest_framework.test import APIClient

from fupin.registry.services import household_year_save, member_add
from tests.conftest import SYSTEM, new_id

PASSWORD = "test-pass-123"


@pytest.fixture
def world(world):
    world.extra["spouse"] = member_add(
        ctx=SYSTEM,
        household=world.dachang,
        reason="05",
        data={
            "name": "刘芳",
            "id_number": new_id(female=True),
            "relation": "02",
            "education": "03",
            "health": "01",
            "labour_skill": "1",
        },
    )
    household_year_save(ctx=SYSTEM, household=world.dachang, year=2019, data={"wage_income": "12000"})
    return world


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client
