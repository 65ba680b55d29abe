"""Permission matrix of the identification pages and API.

Who may do what: the village (cadre; the township reviewer covers its villages) proposes and
runs the village steps; the township reviewer reviews and settles findings; the district
office approves, edits policy, uploads lists and runs re-checks; leader and analyst read.
Out of scope or without the permission answers 404; anonymous pages redirect to login (302)
and anonymous API calls answer 401. The application in the world was proposed by the cadre,
so the cadre's own decision on it is refused (maker ≠ checker): 200 with the error on the
page, 409 from the API.
"""

import datetime as dt
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource
from fupin.identification.models import Assessment, ComparisonList, Finding, PolicyVersion, Recheck
from fupin.identification.services.applications import application_propose, appraisal_record
from fupin.regions.models import Region
from fupin.registry.models import Member
from fupin.registry.services import household_create
from tests.conftest import DISTRICT, head_data, make_household, make_user
from tests.matrix import Case, expect, matrix_test

JSON = "application/json"
READ_ALL = expect(200, anonymous=302)
READ_DACHANG = expect(200, anonymous=302, other_cadre=404)
DISTRICT_ONLY = expect(404, anonymous=302, coordinator=200)
FINDING_READERS = expect(200, anonymous=302, cadre=404, other_cadre=404)
DISTRICT_READERS = expect(200, anonymous=302, reviewer=404, cadre=404, other_cadre=404)
VILLAGE_WRITE = expect(302, anonymous=302, other_cadre=404, analyst=404, leader=404)
VILLAGE_STEP = expect(404, anonymous=302, reviewer=302, cadre=302)
IMPORT_LEADS = expect(404, anonymous=302, coordinator=200, reviewer=200)

API_READ_ALL = expect(200, anonymous=401)
API_READ_DACHANG = expect(200, anonymous=401, other_cadre=404)
API_FINDING = expect(200, anonymous=401, cadre=404, other_cadre=404)
API_DISTRICT_READERS = expect(200, anonymous=401, reviewer=404, cadre=404, other_cadre=404)
API_DISTRICT_WRITE = expect(404, anonymous=401, coordinator=202)


@pytest.fixture
def world(world):
    """Add: the cadre's admission case at the appraisal step and one in its first notice
    (both in 大昌村), an assessment, a rule finding, a district list and a re-check."""
    appraiser = make_user("appraiser", "village_cadre", "430405014201")
    from fupin.accounts.models import User

    proposer = User.objects.get(username="cadre")
    h1 = make_household("4304050142010801", registered=False, head=head_data(name="赵一"))
    h2 = make_household("4304050142010802", registered=False, head=head_data(name="钱二"))
    data = {"attribute": "1", "main_cause": "01"}
    world.extra["app"] = application_propose(
        ctx=Context(actor=proposer), household=h1, kind="admission", year=2017, data=data
    )
    noticed = application_propose(ctx=Context(actor=proposer), household=h2, kind="admission", year=2017, data=data)
    world.extra["noticed"] = appraisal_record(
        ctx=Context(actor=appraiser),
        application=noticed,
        meeting_date=timezone.localdate(),
        representatives=20,
        present=18,
        votes_for=15,
        votes_against=1,
    )
    world.extra["objection"] = world.extra["noticed"].objections.create(
        step="village_notice", raised_on=timezone.localdate(), content="异议", recorded_by=appraiser
    )
    policy = PolicyVersion.objects.get(year=2017, region_id=DISTRICT)
    world.extra["assessment"] = Assessment.objects.create(
        household=world.dachang, year=2017, policy=policy, outcome="incomplete"
    )
    world.extra["finding"] = Finding.objects.create(
        region=world.dachang.region,
        kind="rule",
        household=world.dachang,
        fingerprint="R2017:matrix",
        evidence={"year": 2017},
    )
    district = Region.objects.get(code=DISTRICT)
    world.extra["comparison"] = ComparisonList.objects.create(
        region=district, kind="vehicle", kind_name="机动车登记", file_name="cars.csv"
    )
    world.extra["recheck"] = Recheck.objects.create(region=district, year=2017, finished=timezone.now())
    # An import batch that brought in an unregistered household of 大昌村.
    batch_id = uuid.uuid4()
    household_create(
        ctx=Context(actor=None, source=ChangeSource.IMPORT, batch_id=batch_id),
        code="4304050142010803",
        region=world.dachang.region,
        data={},
        head=head_data(name="孙三"),
    )
    world.extra["import_batch"] = batch_id
    return world


def pk(key):
    return lambda w: {"pk": w.extra[key].pk}


def dachang(w):
    return {"pk": w.dachang.pk}


def appraisal(w):
    return {
        "meeting_date": dt.date.today().isoformat(),
        "representatives": 30,
        "present": 25,
        "votes_for": 20,
        "votes_against": 2,
    }


def upload(w):
    number = Member.objects.filter(household=w.dachang).first().id_number
    return {
        "file": SimpleUploadedFile("cars.csv", f"姓名,证件号码,车牌号\n张三,{number},湘D1\n".encode()),
        "kind": "vehicle",
    }


def policy_post(w):
    return {
        "year": 2031,
        "region": Region.objects.get(code=DISTRICT).pk,
        "effective_from": "2031-01-01",
        "monitoring_line": "9000",
        "criteria": ["income"],
        "notice_days": 7,
        "step_overdue_days": 15,
    }


CASES = [
    # Pages
    Case("identification:index", READ_ALL),
    Case("identification:policy_list", READ_ALL),
    Case("identification:policy_create", DISTRICT_ONLY),
    Case("identification:policy_create", DISTRICT_ONLY | {"coordinator": 302}, method="post", data=policy_post),
    Case("identification:household", READ_DACHANG, kwargs=dachang),
    Case(
        "identification:household_assess", VILLAGE_WRITE, kwargs=dachang, method="post", data=lambda w: {"year": 2017}
    ),
    Case(
        "identification:household_needs",
        VILLAGE_WRITE,
        kwargs=dachang,
        method="post",
        data=lambda w: {
            "year": 2017,
            "food_secure": "1",
            "clothing_secure": "0",
            "checked_on": dt.date.today().isoformat(),
        },
    ),
    Case(
        "identification:application_create",
        VILLAGE_WRITE | {"coordinator": 200, "reviewer": 200, "cadre": 200},
        kwargs=dachang,
    ),
    Case(
        "identification:application_create",
        VILLAGE_WRITE,
        kwargs=dachang,
        method="post",
        data=lambda w: {"kind": "removal", "year": 2017, "reason": "家有轿车"},
    ),
    Case("identification:application_list", READ_ALL),
    Case(
        "identification:application_list",
        READ_ALL,
        query="?overdue=1&step=applied&kind=admission",
        id="application-list-filtered",
    ),
    Case("identification:application_detail", READ_DACHANG, kwargs=pk("app")),
    # The cadre proposed the case: the appraisal form comes back with the maker ≠ checker error.
    Case(
        "identification:application_step",
        VILLAGE_STEP | {"cadre": 200},
        kwargs=pk("app"),
        method="post",
        data=appraisal,
    ),
    Case(
        "identification:objection_add",
        VILLAGE_STEP,
        kwargs=pk("noticed"),
        method="post",
        data=lambda w: {"content": "该户有商品房", "raised_on": dt.date.today().isoformat()},
    ),
    Case(
        "identification:objection_answer",
        VILLAGE_STEP,
        kwargs=pk("objection"),
        method="post",
        data=lambda w: {"upheld": "0", "answer": "经核实不属实"},
    ),
    Case(
        "identification:application_withdraw",
        VILLAGE_WRITE,
        kwargs=pk("app"),
        method="post",
        data=lambda w: {"reason": "不再申请"},
    ),
    Case(
        "identification:notice",
        READ_DACHANG,
        kwargs=lambda w: {"region_pk": w.dachang.region_id},
        query="?stage=village_notice",
    ),
    Case("identification:finding_list", FINDING_READERS),
    # The verification list: queued as a job for whoever reads the queue (then its job page).
    Case(
        "identification:finding_export",
        expect(302, cadre=404, other_cadre=404),
        method="post",
        query="?status=open",
        data=lambda w: {"format": "xlsx"},
    ),
    Case("identification:finding_detail", FINDING_READERS, kwargs=pk("finding")),
    Case(
        "identification:finding_detail",
        expect(404, anonymous=302, reviewer=302),
        kwargs=pk("finding"),
        method="post",
        data=lambda w: {"outcome": "explained", "note": "已按退出程序处理"},
        id="finding-decide",
    ),
    Case("identification:comparison_list", FINDING_READERS),
    Case("identification:comparison_create", DISTRICT_ONLY),
    Case("identification:comparison_detail", DISTRICT_READERS, kwargs=pk("comparison")),
    Case("identification:recheck_list", FINDING_READERS),
    Case(
        "identification:recheck_list",
        expect(404, anonymous=302, coordinator=302),
        method="post",
        data=lambda w: {"year": 2017},
        id="recheck-start",
    ),
    # A district campaign is read by the townships too, through their own rows.
    Case("identification:recheck_detail", FINDING_READERS, kwargs=pk("recheck")),
    Case("identification:import_list", IMPORT_LEADS),
    Case("identification:import_applications", IMPORT_LEADS, kwargs=lambda w: {"batch": w.extra["import_batch"]}),
    Case(
        "identification:import_applications",
        expect(404, anonymous=302, coordinator=302, reviewer=302),
        kwargs=lambda w: {"batch": w.extra["import_batch"]},
        method="post",
        data=lambda w: {"year": 2017},
        id="import-applications-start",
    ),
    # API
    Case("identification-policy-list", API_READ_ALL),
    Case(
        "identification-policy-list",
        expect(404, anonymous=401, coordinator=201),
        method="post",
        content_type=JSON,
        data=lambda w: {
            "year": 2031,
            "region_code": DISTRICT,
            "effective_from": "2031-01-01",
            "monitoring_line": "9000",
            "criteria": ["income"],
        },
    ),
    Case(
        "identification-policy-detail", API_READ_ALL, kwargs=lambda w: {"pk": PolicyVersion.objects.get(year=2013).pk}
    ),
    Case("identification-assessment-list", API_READ_ALL),
    Case("identification-assessment-detail", API_READ_DACHANG, kwargs=pk("assessment")),
    Case(
        "identification-assessment-run",
        expect(201, anonymous=401, other_cadre=404, analyst=404, leader=404),
        method="post",
        content_type=JSON,
        data=lambda w: {"household": w.dachang.pk, "year": 2017},
    ),
    Case("identification-application-list", API_READ_ALL),
    Case(
        "identification-application-list",
        expect(201, anonymous=401, other_cadre=404, analyst=404, leader=404),
        method="post",
        content_type=JSON,
        data=lambda w: {"household": w.dachang.pk, "kind": "removal", "year": 2017, "reason": "家有轿车"},
    ),
    Case("identification-application-detail", API_READ_DACHANG, kwargs=pk("app")),
    Case(
        "identification-application-step",
        expect(404, anonymous=401, reviewer=200, cadre=409),
        kwargs=pk("app"),
        method="post",
        content_type=JSON,
        data=appraisal,
    ),
    Case(
        "identification-application-objection",
        expect(404, anonymous=401, reviewer=200, cadre=200),
        kwargs=pk("noticed"),
        method="post",
        content_type=JSON,
        data=lambda w: {"content": "该户有轿车"},
    ),
    Case(
        "identification-application-withdraw",
        expect(200, anonymous=401, other_cadre=404, analyst=404, leader=404),
        kwargs=pk("app"),
        method="post",
        content_type=JSON,
        data=lambda w: {"reason": "不再申请"},
    ),
    Case("identification-finding-list", API_READ_ALL),
    Case("identification-finding-detail", expect(200, anonymous=401, cadre=404, other_cadre=404), kwargs=pk("finding")),
    Case(
        "identification-finding-decide",
        expect(404, anonymous=401, reviewer=200),
        kwargs=pk("finding"),
        method="post",
        content_type=JSON,
        data=lambda w: {"confirmed": False, "note": "已按退出程序处理"},
    ),
    Case("identification-comparison-list", API_READ_ALL),
    Case("identification-comparison-list", API_DISTRICT_WRITE, method="post", data=upload),
    Case("identification-comparison-detail", API_DISTRICT_READERS, kwargs=pk("comparison")),
    Case("identification-recheck-list", API_READ_ALL),
    Case(
        "identification-recheck-list",
        API_DISTRICT_WRITE,
        method="post",
        content_type=JSON,
        data=lambda w: {"year": 2017},
    ),
    # As the page: a township reviewer reads a district campaign through their own row.
    Case("identification-recheck-detail", expect(200, anonymous=401, cadre=404, other_cadre=404), kwargs=pk("recheck")),
]

test_matrix = matrix_test(CASES)
