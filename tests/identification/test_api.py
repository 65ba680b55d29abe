"""The API speaks the same workflow: errors as 400/404/409, data as the pages show it."""

import datetime as dt

from rest_framework.test import APIClient

from fupin.identification.models import Application, Finding
from tests.identification.conftest import poor_household


def api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_a_case_through_the_api(regions, cadre, second_cadre):
    h = poor_household()
    created = api(cadre).post(
        "/api/v1/applications/",
        {"household": h.pk, "kind": "admission", "year": 2017, "attribute": "1", "main_cause": "01"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["step_display"] == "申请（待村民主评议）"
    missing = api(second_cadre).post(f"/api/v1/applications/{pk}/step/", {"present": 20}, format="json")
    assert missing.status_code == 400 and "meeting_date" in missing.json()
    step = {
        "meeting_date": dt.date.today().isoformat(),
        "representatives": 30,
        "present": 25,
        "votes_for": 20,
        "votes_against": 2,
    }
    refused = api(cadre).post(f"/api/v1/applications/{pk}/step/", step, format="json")
    assert refused.status_code == 409 and "提出人" in refused.json()["detail"]
    ok = api(second_cadre).post(f"/api/v1/applications/{pk}/step/", step, format="json")
    assert ok.status_code == 200 and ok.json()["step"] == "village_notice"
    assert [d["decision"] for d in ok.json()["decisions"]] == ["submit", "pass"]
    objection = api(second_cadre).post(f"/api/v1/applications/{pk}/objection/", {"content": "有轿车"}, format="json")
    assert objection.status_code == 200 and objection.json()["objections"][0]["outcome"] == "open"
    oid = objection.json()["objections"][0]["id"]
    answered = api(second_cadre).post(
        f"/api/v1/applications/{pk}/objection/",
        {"objection": oid, "upheld": False, "answer": "经核实为借用"},
        format="json",
    )
    assert answered.json()["objections"][0]["outcome"] == "dismissed"
    early = api(second_cadre).post(f"/api/v1/applications/{pk}/step/", {"passed": True}, format="json")
    assert early.status_code == 409 and "期满" in early.json()["detail"]
    assert Application.objects.get(pk=pk).step == "village_notice"


def test_assessment_through_the_api_explains_itself(regions, cadre):
    h = poor_household()
    r = api(cadre).post("/api/v1/assessments/run/", {"household": h.pk, "year": 2017}, format="json")
    assert r.status_code == 201
    assert r.json()["explanation"].startswith("人均纯收入 2,950 元，低于 2017 年扶贫标准 3,335 元")
    assert r.json()["outcome_display"] == "符合识别条件"
    missing = api(cadre).post("/api/v1/assessments/run/", {"household": h.pk, "year": 2030}, format="json")
    assert missing.status_code == 409 and "2030 年没有适用" in missing.json()["detail"]


def test_finding_masks_the_id_for_readers_without_the_sensitive_permission(regions, reviewer, leader):
    h = poor_household(registered=True)
    m = h.members.get()
    f = Finding.objects.create(
        region=h.region, kind="list_match", household=h, member=m, fingerprint="x1", list_kind="vehicle"
    )
    full = api(reviewer).get(f"/api/v1/findings/{f.pk}/").json()["member_id_number"]
    masked = api(leader).get(f"/api/v1/findings/{f.pk}/").json()["member_id_number"]
    assert full == m.id_number and masked != m.id_number and masked.endswith(m.id_number[-4:])
    decided = api(reviewer).post(f"/api/v1/findings/{f.pk}/decide/", {"confirmed": True, "note": "属实"}, format="json")
    assert decided.status_code == 200 and decided.json()["application"] is not None


def test_policy_versions_through_the_api(regions, coordinator):
    r = api(coordinator).post(
        "/api/v1/policy-versions/",
        {
            "year": 2022,
            "region_code": "430405",
            "effective_from": "2022-01-01",
            "monitoring_line": "6500",
            "criteria": ["income", "housing"],
        },
        format="json",
    )
    assert r.status_code == 201 and r.json()["region_code"] == "430405"
    national = api(coordinator).post(
        "/api/v1/policy-versions/",
        {"year": 2022, "effective_from": "2022-01-01", "monitoring_line": "6500", "criteria": ["income"]},
        format="json",
    )
    assert national.status_code == 409 and "全国默认" in national.json()["detail"]
    bad = api(coordinator).post(
        "/api/v1/policy-versions/",
        {
            "year": 2022,
            "region_code": "430405",
            "effective_from": "2022-01-01",
            "criteria": ["income"],
            "notice_days": 3,
        },
        format="json",
    )
    assert bad.status_code == 400 and {"poverty_line", "notice_days"} <= set(bad.json())
