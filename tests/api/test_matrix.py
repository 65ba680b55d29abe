"""Permission matrix of API v1. Reads answer 200 in scope and 404 out of it; a write the
user may not make answers 404 too (the scoped queryset is empty, or the service's scope
check refuses the target region); anonymous calls answer 401."""

from tests.api.conftest import PASSWORD
from tests.conftest import DACHANG, new_id
from tests.matrix import Case, expect, matrix_test

JSON = "application/json"
READ_DACHANG = expect(200, anonymous=401, other_cadre=404)
WRITE_DACHANG = expect(200, anonymous=401, other_cadre=404, analyst=404, leader=404)
CREATE_DACHANG = expect(201, anonymous=401, other_cadre=404, analyst=404, leader=404)


def dachang(w):
    return {"pk": w.dachang.pk}


def spouse(w):
    return {"pk": w.extra["spouse"].pk}


def new_household(w):
    return {
        "code": "4304050142010777",
        "region": DACHANG,
        "registered": True,
        "attribute": "1",
        "main_cause": "01",
        "identified_year": 2014,
        "status": "not_exited",
        "head": {"name": "王五", "id_number": new_id(), "education": "03", "health": ["01"], "labour_skill": "1"},
    }


def new_member(w):
    return {
        "name": "王小宝",
        "id_number": new_id(),
        "relation": "03",
        "school_status": "02",
        "health": ["01"],
        "labour_skill": "4",
        "join_reason": "06",
    }


CASES = [
    Case("api-root", expect(200, anonymous=401)),
    Case(
        "api-token",
        expect(200),
        method="post",
        content_type=JSON,
        data=lambda w: {"username": "cadre", "password": PASSWORD},
        id="token-ok",
    ),
    Case(
        "api-token",
        expect(400),
        method="post",
        content_type=JSON,
        data=lambda w: {"username": "cadre", "password": "wrong"},
        id="token-bad-password",
    ),
    Case("api-schema", expect(200)),
    Case("api-docs", expect(200)),
    Case("api-redoc", expect(200)),
    Case("region-list", expect(200, anonymous=401)),
    Case("region-detail", READ_DACHANG, kwargs=lambda w: {"code": DACHANG}),
    Case("household-list", expect(200, anonymous=401)),
    Case("household-list", CREATE_DACHANG, method="post", content_type=JSON, data=new_household, id="household-create"),
    Case("household-detail", READ_DACHANG, kwargs=dachang),
    Case(
        "household-detail",
        WRITE_DACHANG,
        kwargs=dachang,
        method="patch",
        content_type=JSON,
        data=lambda w: {"hamlet": "上屋"},
        id="household-patch",
    ),
    Case("household-detail", expect(405, anonymous=401), kwargs=dachang, method="delete", id="household-delete"),
    Case(
        "household-detail",
        expect(405, anonymous=401),
        kwargs=dachang,
        method="put",
        content_type=JSON,
        data=lambda w: {"hamlet": "上屋"},
        id="household-put",
    ),
    Case(
        "household-close",
        expect(404, anonymous=401, coordinator=200),
        kwargs=dachang,
        method="post",
        content_type=JSON,
        data=lambda w: {"close_reason": "moved_out", "note": "区扶贫办〔2020〕3号"},
    ),
    Case("household-members", CREATE_DACHANG, kwargs=dachang, method="post", content_type=JSON, data=new_member),
    Case("household-year", READ_DACHANG, kwargs=lambda w: {"pk": w.dachang.pk, "year": 2019}),
    Case(
        "household-year",
        CREATE_DACHANG,
        kwargs=lambda w: {"pk": w.dachang.pk, "year": 2020},
        method="put",
        content_type=JSON,
        data=lambda w: {"wage_income": "8000.00"},
        id="household-year-put",
    ),
    Case("member-list", expect(200, anonymous=401)),
    Case("member-detail", READ_DACHANG, kwargs=spouse),
    Case(
        "member-detail",
        WRITE_DACHANG,
        kwargs=spouse,
        method="patch",
        content_type=JSON,
        data=lambda w: {"political": "01"},
        id="member-patch",
    ),
    Case("member-detail", expect(405, anonymous=401), kwargs=spouse, method="delete", id="member-delete"),
    Case(
        "member-end",
        WRITE_DACHANG,
        kwargs=spouse,
        method="post",
        content_type=JSON,
        data=lambda w: {"end_reason": "02", "note": "嫁到外县"},
    ),
]

test_matrix = matrix_test(CASES)
