"""An alert's democratic appraisal passes only when the votes for outnumber the votes against:
QA recorded 5 for and 5 against as a pass. A tie is not a majority — the rule the exit proposal
applies to its appraisal too."""

import pytest
import time_machine
from django.urls import reverse

from fupin.core.changelog import Context
from fupin.core.errors import ValidationError
from fupin.monitoring.choices import AlertStatus
from fupin.monitoring.models import AlertStep
from fupin.monitoring.services.alerts import alert_report
from fupin.monitoring.services.common import appraisal_carried
from fupin.monitoring.services.procedure import alert_step
from tests.monitoring.conftest import at, exited_household


@pytest.fixture
def march_2021():
    with time_machine.travel(at(2021, 3, 1), tick=False) as t:
        yield t


def at_appraisal(cadre, code="4304050142010401"):
    a = alert_report(
        ctx=Context(actor=cadre), household=exited_household(code), source="cadre", description="户主住院，花费较大"
    )
    for step in ("verification", "consent", "comparison"):
        a = alert_step(ctx=Context(actor=cadre), alert=a, step=step, decision="pass")
    return a


@pytest.mark.parametrize(("votes_for", "votes_against", "carried"), [(5, 5, False), (4, 5, False), (6, 5, True)])
def test_the_rule(votes_for, votes_against, carried):
    assert appraisal_carried(votes_for=votes_for, votes_against=votes_against) is carried


def test_a_tie_cannot_be_recorded_as_a_pass(march_2021, cadre):
    a = at_appraisal(cadre)
    with pytest.raises(ValidationError) as err:
        alert_step(ctx=Context(actor=cadre), alert=a, step="appraisal", decision="pass", votes_for=5, votes_against=5)
    assert "未超过反对 5 票" in err.value.message_dict["votes_for"][0]
    a.refresh_from_db()
    assert a.next_step == "appraisal" and not AlertStep.objects.filter(alert=a, step="appraisal").exists()


def test_a_tie_is_recorded_as_a_rejection(march_2021, cadre):
    a = at_appraisal(cadre)
    a = alert_step(
        ctx=Context(actor=cadre),
        alert=a,
        step="appraisal",
        decision="reject",
        votes_for=5,
        votes_against=5,
        comment="赞成票未过半",
    )
    assert a.status == AlertStatus.DISMISSED
    assert AlertStep.objects.get(alert=a, step="appraisal").data == {"votes_for": 5, "votes_against": 5}


def test_a_majority_passes(march_2021, cadre):
    a = alert_step(
        ctx=Context(actor=cadre),
        alert=at_appraisal(cadre),
        step="appraisal",
        decision="pass",
        votes_for=6,
        votes_against=5,
    )
    assert a.next_step == "notice"


def test_the_page_puts_the_refusal_on_the_votes(march_2021, client, cadre):
    a = at_appraisal(cadre)
    client.force_login(cadre)
    r = client.post(
        reverse("monitoring:alert_step", args=[a.pk]),
        {"step": "appraisal", "decision": "pass", "on": "2021-03-01", "votes_for": 5, "votes_against": 5},
    )
    assert "民主评议未通过" in r.content.decode()
    a.refresh_from_db()
    assert a.next_step == "appraisal"
