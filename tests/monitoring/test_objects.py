"""Risk elimination: measures per risk, the six-month rule, and households without labour."""

import datetime as dt

import pytest
import time_machine

from fupin.core.changelog import Context
from fupin.core.errors import ApplicationError, ScopeError, ValidationError
from fupin.monitoring.choices import ObjectEventKind, ObjectStatus
from fupin.monitoring.models import MonitoringObject, Risk
from fupin.monitoring.rules import passed
from fupin.monitoring.services.alerts import alert_report
from fupin.monitoring.services.objects import elimination_check, elimination_decide, elimination_propose
from tests.conftest import head_data
from tests.monitoring.conftest import SAFE, add_measure, at, exited_household, facts, no_labour_head, walk_to_decision

INSURED = {"ins_medical": True, "ins_serious_illness": True}


def ctx(user):
    return Context(actor=user)


@pytest.fixture
def march_2021():
    with time_machine.travel(at(2021, 3, 1), tick=False) as t:
        yield t


@pytest.fixture
def monitored(march_2021, cadre, reviewer, coordinator):
    """An exited household with labour, identified 因病 on 2021-03-07, helped by a health and
    an employment measure, whose 2021 income is back above the line."""
    h = exited_household("4304050142010401", head=head_data(**INSURED))
    facts(h, 2021, wage=7000, **SAFE)
    add_measure(h, "health", "医疗救助")
    add_measure(h, "employment", "乡外务工")
    a = alert_report(ctx=ctx(cadre), household=h, source="cadre", description="户主住院")
    a = walk_to_decision(a, village_user=cadre, township_user=reviewer, county_user=coordinator, traveller=march_2021)
    return a.monitoring_object


def propose(user, o, on, method="assisted"):
    return elimination_propose(
        ctx=ctx(user),
        obj=o,
        method=method,
        on=on,
        notice_starts=on,
        notice_ends=on + dt.timedelta(days=4),
        comment="收入稳定，风险已消除",
    )


def test_six_months_must_pass_before_elimination(monitored, march_2021, cadre):
    assert monitored.identified_on == dt.date(2021, 3, 7)
    march_2021.move_to(at(2021, 9, 6))
    with pytest.raises(ApplicationError, match="2021-09-07 方满 6 个月"):
        propose(cadre, monitored, dt.date(2021, 9, 6))
    march_2021.move_to(at(2021, 9, 7))
    o = propose(cadre, monitored, dt.date(2021, 9, 7))
    assert o.proposed_method == "assisted" and o.status == ObjectStatus.MONITORED


def test_elimination_is_decided_by_someone_else_after_the_notice(monitored, march_2021, cadre, coordinator):
    march_2021.move_to(at(2021, 9, 7))
    o = propose(coordinator, monitored, dt.date(2021, 9, 7))
    with pytest.raises(ApplicationError, match="不同人员"):
        elimination_decide(ctx=ctx(coordinator), obj=o, approve=True)
    o = MonitoringObject.objects.get(pk=o.pk)
    o.proposed_by = cadre  # as if the cadre had proposed it
    o.save()
    with pytest.raises(ApplicationError, match="期满后方可审定"):
        elimination_decide(ctx=ctx(coordinator), obj=o, approve=True)
    march_2021.move_to(at(2021, 9, 12))
    o = elimination_decide(ctx=ctx(coordinator), obj=o, approve=True, comment="同意")
    assert (o.status, o.elimination_method, o.eliminated_on) == ("eliminated", "assisted", dt.date(2021, 9, 12))
    # Nothing is deleted: risks and history stay with the eliminated object.
    assert Risk.objects.filter(monitoring_object=o).count() == 1
    assert list(o.events.values_list("kind", flat=True)) == [
        ObjectEventKind.IDENTIFIED,
        ObjectEventKind.ELIMINATION_PROPOSED,
        ObjectEventKind.ELIMINATION_APPROVED,
    ]


def test_a_cadre_proposes_but_cannot_decide(monitored, march_2021, cadre):
    march_2021.move_to(at(2021, 9, 20))
    o = propose(cadre, monitored, dt.date(2021, 9, 20))
    with pytest.raises(ScopeError):
        elimination_decide(ctx=ctx(cadre), obj=o, approve=True)


def test_a_household_without_labour_is_never_eliminated(march_2021, cadre, reviewer, coordinator):
    h = exited_household("4304050142010402", head=no_labour_head(**INSURED))
    facts(h, 2021, transfer=9000, **SAFE)
    add_measure(h, "health", "家庭医生签约")
    a = walk_to_decision(
        alert_report(ctx=ctx(cadre), household=h, source="cadre", description="独居老人"),
        village_user=cadre,
        township_user=reviewer,
        county_user=coordinator,
        traveller=march_2021,
        risks=[{"kind": "08"}],
    )
    o = a.monitoring_object
    for when in (at(2021, 9, 8), at(2022, 3, 8), at(2024, 3, 8)):
        march_2021.move_to(when)
        for method in ("assisted", "natural"):
            results = elimination_check(obj=o, method=method, on=when.date())
            assert not passed(results)
            with pytest.raises(ApplicationError, match="整户无劳动能力"):
                propose(cadre, o, when.date(), method)
    o.refresh_from_db()
    assert o.status == ObjectStatus.MONITORED and not o.proposed_method


def test_assisted_elimination_needs_a_developmental_measure(march_2021, cadre, reviewer, coordinator):
    h = exited_household("4304050142010403", head=head_data(**INSURED))
    facts(h, 2021, wage=8000, **SAFE)
    add_measure(h, "health", "医疗救助")
    a = walk_to_decision(
        alert_report(ctx=ctx(cadre), household=h, source="cadre", description="住院"),
        village_user=cadre,
        township_user=reviewer,
        county_user=coordinator,
        traveller=march_2021,
    )
    march_2021.move_to(at(2021, 10, 1))
    with pytest.raises(ApplicationError, match="开发式帮扶"):
        propose(cadre, a.monitoring_object, dt.date(2021, 10, 1))
    # Natural elimination does not ask for measures.
    assert propose(cadre, a.monitoring_object, dt.date(2021, 10, 1), "natural").proposed_method == "natural"


def test_a_new_alert_blocks_elimination(monitored, march_2021, cadre):
    march_2021.move_to(at(2021, 9, 10))
    alert_report(ctx=ctx(cadre), household=monitored.household, source="self", description="又受灾")
    with pytest.raises(ApplicationError, match="预警在核查中"):
        propose(cadre, monitored, dt.date(2021, 9, 10))


def test_income_at_the_line_blocks_elimination(march_2021, cadre, reviewer, coordinator):
    h = exited_household("4304050142010404", head=head_data(**INSURED))
    facts(h, 2021, wage=6500, oop=500, **SAFE)  # 6,500 − 500 合规自付 = 6,000: not above the line
    add_measure(h, "health", "医疗救助")
    add_measure(h, "employment", "乡外务工")
    a = walk_to_decision(
        alert_report(ctx=ctx(cadre), household=h, source="cadre", description="住院"),
        village_user=cadre,
        township_user=reviewer,
        county_user=coordinator,
        traveller=march_2021,
    )
    march_2021.move_to(at(2021, 10, 1))
    with pytest.raises(ApplicationError, match="未高于监测线 6,000 元"):
        propose(cadre, a.monitoring_object, dt.date(2021, 10, 1))


def test_a_rejected_elimination_keeps_monitoring_and_needs_a_reason(monitored, march_2021, cadre, coordinator):
    march_2021.move_to(at(2021, 9, 8))
    o = propose(cadre, monitored, dt.date(2021, 9, 8))
    with pytest.raises(ValidationError):
        elimination_decide(ctx=ctx(coordinator), obj=o, approve=False)
    o = elimination_decide(ctx=ctx(coordinator), obj=o, approve=False, comment="收入尚不稳定")
    assert o.status == ObjectStatus.MONITORED and not o.proposed_method
    assert o.events.filter(kind=ObjectEventKind.ELIMINATION_REJECTED).exists()
