"""The ledger says a notice passed "without objection" only when nobody objected.

A village notice in which a villager objected, and the objection was checked and dismissed,
still passes: its ledger entry keeps the stored decision `notice_end` (with the count of
objections in its data) and reads "公示期满，异议已处理", not "公示期满无异议".
"""

import pytest
from django.test import Client
from django.urls import reverse

from fupin.identification.choices import Decision, decision_label
from fupin.identification.services.applications import notice_close, objection_answer, objection_record
from tests.identification.conftest import poor_household
from tests.identification.test_workflow import appraise, at, ctx, propose

pytestmark = pytest.mark.django_db


def closed_notice(cadre, second_cadre, *, objection: bool):
    """An admission whose village notice has passed, with or without a dismissed objection."""
    with at(0):
        app = appraise(second_cadre, propose(cadre, poor_household()))
    if objection:
        with at(2):
            o = objection_record(ctx=ctx(cadre), application=app, raised_by_name="村民王某", content="该户有商品房")
            objection_answer(ctx=ctx(second_cadre), objection=o, upheld=False, answer="经核实，房屋为租住")
    with at(8):
        return notice_close(ctx=ctx(second_cadre), application=app, passed=True)


def ledger_page(user, app, language="zh-hans") -> str:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(reverse("identification:application_detail", args=[app.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_notice_without_objections_passes_without_objection(cadre, second_cadre):
    app = closed_notice(cadre, second_cadre, objection=False)
    entry = app.decisions.get(decision=Decision.NOTICE_END)
    assert entry.data["objections"] == 0
    assert decision_label(entry.decision, entry.data) == "公示期满无异议"
    assert "公示期满无异议" in ledger_page(second_cadre, app)


def test_a_notice_whose_objection_was_dismissed_says_so(cadre, second_cadre):
    app = closed_notice(cadre, second_cadre, objection=True)
    entry = app.decisions.get(decision=Decision.NOTICE_END)
    # The stored code is unchanged; the recorded count tells the two cases apart.
    assert entry.data["objections"] == 1
    assert decision_label(entry.decision, entry.data) == "公示期满，异议已处理"
    page = ledger_page(second_cadre, app)
    assert "公示期满，异议已处理" in page
    assert "公示期满无异议" not in page
    english = ledger_page(second_cadre, app, "en")
    assert "Notice period ended, objections answered" in english
    assert "without objection" not in english


def test_other_decisions_keep_their_labels():
    assert decision_label(Decision.PASS, {"objections": 3}) == "通过"
    assert decision_label(Decision.NOTICE_END, {}) == "公示期满无异议"
    assert decision_label("unknown", None) == "unknown"
