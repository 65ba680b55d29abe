"""Permission matrix of every monitoring page and API endpoint (tests/matrix.py)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fupin.identification.models import PolicyVersion
from fupin.monitoring.models import DepartmentList, ExitAssessment, ExitCase, MonitoringObject
from fupin.monitoring.services.alerts import alert_report, alert_self_report
from tests.conftest import DACHANG, DISTRICT, SYSTEM, region
from tests.matrix import Case, expect, matrix_test
from tests.monitoring.conftest import exited_household

JSON = "application/json"


@pytest.fixture
def world(world, cadre):
    """The shared world plus, in 大昌村: an alert, an unmatched self-report, a monitoring
    object, an exit case of the world's poor household, and a district medical list."""
    exited = exited_household("4304050142019901")
    x = world.extra
    x["alert"] = alert_report(ctx=SYSTEM, household=exited, source="cadre", description="户主住院")
    x["unmatched"] = alert_self_report(
        ctx=SYSTEM, village=region(DACHANG), name="王五", phone="13800001111", description="受灾"
    )
    x["object"] = MonitoringObject.objects.create(
        household=exited, object_type="unstable", year=2021, identified_on=dt.date.today(), alert=x["alert"]
    )
    policy = PolicyVersion.objects.filter(year=2017).first()
    assessment = ExitAssessment.objects.create(
        household=world.dachang, year=2017, policy=policy, inputs={}, results=[], passed=True
    )
    x["case"] = ExitCase.objects.create(
        household=world.dachang, year=2017, assessment=assessment, proposer=cadre, next_step="verification"
    )
    x["list"] = DepartmentList.objects.create(
        kind="medical",
        year=2021,
        title="医保名单",
        original_name="m.csv",
        file="monitoring/lists/m.csv",
        region=region(DISTRICT),
        rows=1,
    )
    x["village"] = region(DACHANG)
    return world


def pk(name):
    return lambda w: {"pk": w.extra[name].pk}


PAGE = expect(200, anonymous=302)
VIEWERS = expect(200, anonymous=302, analyst=404)  # every role with monitoring data in scope
IN_DACHANG = expect(200, anonymous=302, other_cadre=404, analyst=404)
DISTRICT_ONLY_POST = expect(404, anonymous=302, coordinator=302)
API_ALL = expect(200, anonymous=401)
API_DACHANG = expect(200, anonymous=401, other_cadre=404, analyst=404)


def csv_upload(w):
    return {
        "kind": "medical",
        "year": 2021,
        "title": "医保",
        "file": SimpleUploadedFile("m.csv", "证件号码,个人自付\n430405196503150010,100\n".encode()),
    }


CASES = [
    # pages
    Case("monitoring:dashboard", VIEWERS),
    Case("monitoring:screening_start", DISTRICT_ONLY_POST, method="post", data=lambda w: {"year": 2021}),
    Case("monitoring:report", expect(200)),
    Case(
        "monitoring:report",
        expect(302),
        method="post",
        id="post:monitoring:report",
        data=lambda w: {
            "village": w.extra["village"].pk,
            "name": "赵六",
            "phone": "13900001111",
            "description": "家中老人住院",
        },
    ),
    Case("monitoring:report_done", expect(200)),
    Case("monitoring:alert_list", VIEWERS),
    Case("monitoring:alert_create", expect(200, anonymous=302, analyst=404, leader=404)),
    Case(
        "monitoring:alert_create",
        expect(302, anonymous=302, analyst=404, leader=404, other_cadre=200),
        method="post",
        id="post:monitoring:alert_create",
        data=lambda w: {"household": w.dachang.code, "source": "cadre", "description": "务工受伤"},
    ),
    Case("monitoring:alert_detail", IN_DACHANG, kwargs=pk("alert")),
    Case(
        "monitoring:alert_match",
        expect(302, anonymous=302, other_cadre=404, analyst=404, leader=404),
        method="post",
        kwargs=pk("unmatched"),
        data=lambda w: {"household": w.dachang.code},
    ),
    Case(
        "monitoring:alert_step",
        expect(302, anonymous=302, other_cadre=404, analyst=404, leader=404),
        method="post",
        kwargs=pk("alert"),
        data=lambda w: {"step": "verification", "decision": "pass"},
    ),
    Case("monitoring:alert_notice", IN_DACHANG, kwargs=pk("alert")),
    Case("monitoring:object_list", VIEWERS),
    Case("monitoring:object_detail", IN_DACHANG, kwargs=pk("object")),
    # The conditions do not hold (not six months yet): a permitted proposer gets the reasons (400).
    Case(
        "monitoring:object_propose",
        expect(400, anonymous=302, other_cadre=404, analyst=404, leader=404),
        method="post",
        kwargs=pk("object"),
        data=lambda w: {
            "method": "natural",
            "notice_starts": dt.date.today(),
            "notice_ends": dt.date.today() + dt.timedelta(days=5),
        },
    ),
    # Nothing proposed: the county's decider is told so (400); nobody else may decide.
    Case(
        "monitoring:object_decide",
        expect(404, anonymous=302, coordinator=400),
        method="post",
        kwargs=pk("object"),
        data=lambda w: {"decision": "pass"},
    ),
    Case("monitoring:object_notice", IN_DACHANG, kwargs=pk("object")),
    Case("monitoring:exit_list", VIEWERS),
    Case("monitoring:stable_list", VIEWERS),
    Case("monitoring:household_exit", IN_DACHANG, kwargs=lambda w: {"pk": w.dachang.pk}),
    Case("monitoring:exit_detail", IN_DACHANG, kwargs=pk("case")),
    Case(
        "monitoring:exit_step",
        expect(404, anonymous=302, coordinator=302, reviewer=302),
        method="post",
        kwargs=pk("case"),
        data=lambda w: {"step": "verification", "decision": "pass"},
    ),
    Case("monitoring:exit_notice", IN_DACHANG, kwargs=pk("case")),
    Case("monitoring:village_list", PAGE),
    Case("monitoring:village_detail", expect(200, anonymous=302, other_cadre=404), kwargs=pk("village")),
    Case(
        "monitoring:village_population",
        DISTRICT_ONLY_POST,
        method="post",
        kwargs=pk("village"),
        data=lambda w: {"rural_population": 1200},
    ),
    Case("monitoring:list_list", PAGE),
    Case(
        "monitoring:list_list",
        expect(404, anonymous=302, coordinator=302, analyst=302),
        method="post",
        id="post:monitoring:list_list",
        data=csv_upload,
    ),
    Case(
        "monitoring:list_detail",
        expect(404, anonymous=302, coordinator=200, analyst=200, leader=200),
        kwargs=pk("list"),
    ),
    Case("monitoring:policy_list", PAGE),
    # API
    Case("monitoring-alert-list", API_ALL),
    Case(
        "monitoring-alert-list",
        expect(201, anonymous=401, other_cadre=404, analyst=404, leader=404),
        method="post",
        id="post:monitoring-alert-list",
        content_type=JSON,
        data=lambda w: {"household": w.dachang.pk, "source": "cadre", "description": "务工受伤"},
    ),
    Case("monitoring-alert-detail", API_DACHANG, kwargs=pk("alert")),
    Case(
        "monitoring-alert-step",
        expect(200, anonymous=401, other_cadre=404, analyst=404, leader=404),
        method="post",
        kwargs=pk("alert"),
        content_type=JSON,
        data=lambda w: {"step": "verification", "decision": "pass"},
    ),
    Case("monitoring-object-list", API_ALL),
    Case("monitoring-object-detail", API_DACHANG, kwargs=pk("object")),
    Case("monitoring-exitcase-list", API_ALL),
    Case("monitoring-exitcase-detail", API_DACHANG, kwargs=pk("case")),
    Case("monitoring-village-list", API_ALL),
]

test_matrix = matrix_test(CASES)
