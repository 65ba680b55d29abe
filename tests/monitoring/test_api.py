"""The monitoring API: the procedure through the API, refusals as 400/409, masked evidence."""

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from fupin.monitoring.models import Alert
from fupin.monitoring.services.alerts import alert_self_report
from tests.conftest import DACHANG, SYSTEM, region
from tests.monitoring.conftest import at, exited_household


def api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


@pytest.fixture
def in_2021(regions):
    with time_machine.travel(at(2021, 3, 1), tick=False) as t:
        yield t


def test_report_and_walk_the_procedure_through_the_api(in_2021, cadre, reviewer, coordinator):
    h = exited_household("4304050142013001")
    r = api(cadre).post(
        "/api/v1/monitoring/alerts/",
        {"household": h.pk, "source": "cadre", "description": "务工受伤", "risk_hint": "05"},
        format="json",
    )
    assert r.status_code == 201, r.data
    url = f"/api/v1/monitoring/alerts/{r.data['id']}/step/"
    for step in ("verification", "consent", "comparison"):
        assert api(cadre).post(url, {"step": step, "decision": "pass"}, format="json").status_code == 200
    bad = api(cadre).post(url, {"step": "appraisal", "decision": "pass"}, format="json")
    assert bad.status_code == 400 and "votes_for" in bad.data
    wrong_order = api(cadre).post(url, {"step": "notice", "decision": "pass"}, format="json")
    assert wrong_order.status_code == 409 and "当前应办理" in wrong_order.data["detail"]
    ok = api(cadre).post(
        url, {"step": "appraisal", "decision": "pass", "votes_for": 12, "votes_against": 0}, format="json"
    )
    assert ok.status_code == 200 and ok.data["next_step"] == "notice"
    assert [s["step"] for s in ok.data["steps"]] == ["verification", "consent", "comparison", "appraisal"]


def test_self_reports_mask_the_phone_in_lists(in_2021, cadre):
    alert_self_report(ctx=SYSTEM, village=region(DACHANG), name="王五", phone="13812345678", description="困难")
    listed = api(cadre).get("/api/v1/monitoring/alerts/").data["results"][0]
    assert listed["phone"] == "138****5678"
    detail = api(cadre).get(f"/api/v1/monitoring/alerts/{listed['id']}/").data
    assert detail["phone"] == "13812345678"


def test_medical_evidence_only_for_those_with_personal_access(in_2021, cadre, leader):
    h = exited_household("4304050142013002")
    a = Alert.objects.create(
        region=h.region,
        household=h,
        source="department",
        deadline=dt.date(2021, 3, 16),
        evidence={
            "kind": "medical",
            "list_title": "医保",
            "persons": 1,
            "rows": 1,
            "out_of_pocket": "15000.00",
            "rules": ["amount"],
            "amount_threshold": "10000.00",
        },
    )
    assert "15,000" in api(cadre).get(f"/api/v1/monitoring/alerts/{a.pk}/").data["evidence_summary"]
    assert api(leader).get(f"/api/v1/monitoring/alerts/{a.pk}/").data["evidence_summary"] == ""


def test_village_incidence(in_2021, coordinator):
    village = region(DACHANG)
    village.rural_population = 500
    village.save()
    rows = {r["code"]: r for r in api(coordinator).get("/api/v1/monitoring/villages/").data["results"]}
    assert rows[DACHANG]["rural_population"] == 500 and rows[DACHANG]["meets"] is True
