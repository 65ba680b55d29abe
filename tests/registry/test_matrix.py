"""Permission matrix of the registry pages. Reads answer 200 in scope and 404 out of it;
edit pages answer 404 to everyone without the change permission on the household's region
(leader and analyst have it nowhere); closing is the district office's alone. A successful
form post redirects (302); a post the user may make but with a region outside their scope
re-shows the form (200). Anonymous visitors are sent to the login page (302)."""

import pytest

from fupin.registry.services import household_year_save, member_add
from tests.conftest import SYSTEM, new_id
from tests.matrix import Case, expect, matrix_test
from tests.registry.test_views_forms import (
    household_edit_post,
    household_post,
    member_edit_post,
    member_post,
    today,
    year_post,
)

READ_DACHANG = expect(200, anonymous=302, other_cadre=404)
READ_JIEFANG = expect(200, anonymous=302, cadre=404, reviewer=404)
EDIT_DACHANG = expect(200, anonymous=302, other_cadre=404, analyst=404, leader=404)
POST_DACHANG = expect(302, anonymous=302, other_cadre=404, analyst=404, leader=404)
CLOSE = expect(404, anonymous=302, coordinator=200)
GET_ONLY = expect(405, anonymous=302)


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


def dachang(w):
    return {"pk": w.dachang.pk}


def spouse(w):
    return {"pk": w.dachang.pk, "member_pk": w.extra["spouse"].pk}


def year_2019(w):
    return {"pk": w.dachang.pk, "year": 2019}


CASES = [
    Case("registry:household_list", expect(200, anonymous=302)),
    Case(
        "registry:household_list",
        expect(200, anonymous=302),
        query="?q=张&status=not_exited&page_size=10",
        id="list-filtered",
    ),
    Case("registry:household_list", GET_ONLY, method="post", data=lambda w: {}),
    Case("registry:household_detail", READ_DACHANG, kwargs=dachang),
    Case("registry:household_detail", READ_JIEFANG, kwargs=lambda w: {"pk": w.jiefang.pk}, id="detail-jiefang"),
    Case("registry:household_detail", GET_ONLY, kwargs=dachang, method="post", data=lambda w: {}),
    Case("registry:household_create", EDIT_DACHANG | {"other_cadre": 200}),
    # other_cadre may create households, but not in 大昌村: the form comes back with the error.
    Case(
        "registry:household_create",
        POST_DACHANG | {"other_cadre": 200},
        method="post",
        data=lambda w: household_post("4304050142010999"),
    ),
    Case("registry:household_edit", EDIT_DACHANG, kwargs=dachang),
    Case(
        "registry:household_edit",
        POST_DACHANG,
        kwargs=dachang,
        method="post",
        data=lambda w: household_edit_post(w.dachang),
    ),
    Case("registry:household_close", CLOSE, kwargs=dachang),
    Case(
        "registry:household_close",
        CLOSE | {"coordinator": 302},
        kwargs=dachang,
        method="post",
        data=lambda w: {"close_reason": "moved_out", "closed_on": today(), "note": "区扶贫办〔2020〕3号"},
    ),
    Case("registry:member_add", EDIT_DACHANG, kwargs=dachang),
    Case("registry:member_add", POST_DACHANG, kwargs=dachang, method="post", data=lambda w: member_post()),
    Case("registry:member_edit", EDIT_DACHANG, kwargs=spouse),
    Case(
        "registry:member_edit",
        POST_DACHANG,
        kwargs=spouse,
        method="post",
        data=lambda w: member_edit_post(w.extra["spouse"]),
    ),
    Case("registry:member_end", EDIT_DACHANG, kwargs=spouse),
    Case(
        "registry:member_end",
        POST_DACHANG,
        kwargs=spouse,
        method="post",
        data=lambda w: {"end_reason": "02", "ended_on": today(), "note": "嫁到外县"},
    ),
    Case("registry:year_create", EDIT_DACHANG, kwargs=dachang),
    Case("registry:year_create", POST_DACHANG, kwargs=dachang, method="post", data=lambda w: year_post(year="2020")),
    Case("registry:year_edit", EDIT_DACHANG, kwargs=year_2019),
    Case("registry:year_edit", POST_DACHANG, kwargs=year_2019, method="post", data=lambda w: year_post()),
]

test_matrix = matrix_test(CASES)
