"""Duplicates and the re-check campaign."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from fupin.core.changelog import Context
from fupin.core.jobs import Progress
from fupin.core.models import Job
from fupin.identification.models import Assessment, Finding, Recheck
from fupin.identification.services.duplicates import duplicates_find, sound_key
from fupin.identification.services.findings import finding_decide
from fupin.identification.services.recheck import recheck_create, recheck_run
from fupin.regions.models import Region
from fupin.registry.models import Member
from fupin.registry.services import household_year_save, member_add, member_end
from tests.conftest import DISTRICT, JIEFANG, SYSTEM, head_data, make_household, new_id
from tests.identification.conftest import poor_household


def test_sound_keys_meet_for_homophones_and_dialect_confusions():
    assert sound_key("张伟") == sound_key("章威")
    assert sound_key("刘玲") == sound_key("牛林")  # l ~ n, -ng ~ -n
    assert sound_key("陈诗") == sound_key("岑斯")  # ch ~ c, sh ~ s
    assert sound_key("张伟") != sound_key("李伟")


def test_duplicate_checks(regions):
    born = dt.date(1961, 4, 4)
    a = make_household("4304050142010001", head=head_data(name="张伟", id_number=new_id(born)))
    b = make_household("4304052012010001", JIEFANG, head=head_data(name="张伟", id_number=new_id(born)))
    c = make_household("4304050142010002", registered=False, head=head_data(name="章威", id_number=new_id(born)))
    # Not reported: different birth date, or both households unregistered.
    make_household("4304050142010003", head=head_data(name="张伟", id_number=new_id(dt.date(1962, 1, 1))))
    u1 = make_household("4304050142010004", registered=False, head=head_data(name="李强", id_number=new_id(born)))
    make_household("4304050142010005", registered=False, head=head_data(name="李强", id_number=new_id(born)))
    # A dead member whose ID number is active again elsewhere.
    dead = member_add(
        ctx=SYSTEM, household=u1, data=head_data(name="王某", relation="11", id_number=new_id(dt.date(1930, 1, 1)))
    )
    member_end(ctx=SYSTEM, member=dead, reason="01")
    alive = member_add(ctx=SYSTEM, household=a, data=head_data(name="王某", relation="11", id_number=dead.id_number))

    counts = duplicates_find(region=Region.objects.get(code=DISTRICT))
    assert counts == {"duplicate_id": 1, "two_households": 1, "likely_duplicate": 2}
    two = Finding.objects.get(kind="two_households")
    assert {two.household_id, two.other_member.household_id} == {a.pk, b.pk}
    alike = Finding.objects.filter(kind="likely_duplicate")
    assert {frozenset((f.member.household_id, f.other_member.household_id)) for f in alike} == {
        frozenset((a.pk, c.pk)),
        frozenset((b.pk, c.pk)),
    }
    gone = Finding.objects.get(kind="duplicate_id")
    assert (gone.member_id, gone.other_member_id) == (alive.pk, dead.pk)
    # Running again files nothing new.
    assert duplicates_find(region=Region.objects.get(code=DISTRICT)) == {
        "duplicate_id": 0,
        "two_households": 0,
        "likely_duplicate": 0,
    }


def test_confirming_a_duplicate_ends_the_chosen_record(regions, reviewer):
    born = dt.date(1961, 4, 4)
    make_household("4304050142010001", head=head_data(name="张伟", id_number=new_id(born)))
    b = make_household("4304050142020001", "430405014202", head=head_data(name="张伟", id_number=new_id(born)))
    extra = member_add(ctx=SYSTEM, household=b, data=head_data(name="张某某", relation="03", id_number=new_id()))
    duplicates_find(region=Region.objects.get(code=DISTRICT))
    f = Finding.objects.get(kind="two_households")
    ctx = Context(actor=reviewer)
    with pytest.raises(Exception, match="重复成员"):
        finding_decide(ctx=ctx, finding=f, confirmed=True, note="同一人", end_member=extra)
    b_head = Member.objects.get(household=b, relation="01")
    finding_decide(ctx=ctx, finding=f, confirmed=True, note="同一人两处登记", end_member=b_head, new_head=extra)
    b_head.refresh_from_db()
    assert b_head.end_reason == "08"
    assert Member.objects.get(pk=extra.pk).relation == "01"


def run_recheck(year=2017):
    recheck = recheck_create(ctx=SYSTEM, year=year)
    return recheck, recheck_run(recheck=recheck, progress=Progress(Job(kind="recheck")))


def test_the_recheck_assesses_every_registered_household_and_flags_those_above_the_line(regions):
    below = poor_household("4304050142010001", registered=True, income="3334")
    above = poor_household("4304050142010002", registered=True, income="3336")
    exited = poor_household("4304050142010003", registered=True, income="9000", status="exited", exit_year=2016)
    no_facts = make_household("4304052012010001", JIEFANG, head=head_data(ins_medical=True, ins_serious_illness=True))
    make_household("4304050142010009", registered=False)  # not assessed
    # 不愁吃穿 recorded for the household above the line: its assessment is complete.
    from fupin.identification.services.assessments import needs_check_record

    needs_check_record(ctx=SYSTEM, household=above, year=2017, food_secure=True, clothing_secure=True)
    recheck, totals = run_recheck()
    assert (totals["households"], totals["assessed"], totals["rule_findings"]) == (4, 4, 1)
    outcomes = dict(Assessment.objects.filter(recheck=recheck).values_list("household_id", "outcome"))
    assert outcomes == {
        below.pk: "eligible",
        above.pk: "not_eligible",
        exited.pk: "incomplete",
        no_facts.pk: "incomplete",
    }
    a = Assessment.objects.get(recheck=recheck, household=above)
    assert a.policy.poverty_line == Decimal("3335") and a.policy.floor_standard_monthly == Decimal("270")
    assert a.inputs["per_capita_net_income"] == "3336.00"
    f = Finding.objects.get(kind="rule")
    assert (f.household_id, f.evidence["value"], f.evidence["line"]) == (above.pk, "3336.00", "3335.00")
    towns = {t["code"]: t for t in Recheck.objects.get(pk=recheck.pk).summary["townships"]}
    assert towns["430405014"]["open"]["rule"] == 1 and towns["430405014"]["new"]["rule"] == 1
    assert towns["430405014"]["outcomes"] == {"eligible": 1, "not_eligible": 1, "incomplete": 1}
    assert towns["430405201"]["outcomes"] == {"incomplete": 1}
    # A second run adds assessments but does not file the same lead twice.
    _, again = run_recheck()
    assert again["rule_findings"] == 0 and Finding.objects.filter(kind="rule").count() == 1


def test_bulk_and_single_assessments_agree(regions):
    """The column-wise rules of the re-check store exactly what the per-household rules store,
    over households that exercise every branch."""
    import random

    from fupin.identification.services.assessments import assessment_run, needs_check_record

    rng = random.Random(4)
    households = []
    for i in range(30):
        h = make_household(
            f"43040501420103{i:02d}",
            head=head_data(
                name=f"户主{i}",
                ins_medical=rng.random() < 0.8,
                ins_serious_illness=rng.random() < 0.8,
                health=rng.choice(["01", "02,04", "03"]),
            ),
        )
        for k in range(rng.randrange(0, 3)):
            born = dt.date(rng.choice([2000, 2002, 2005, 2010, 2011, 2012, 2016]), rng.randrange(1, 13), 1)
            in_school = rng.random() < 0.5
            member_add(
                ctx=SYSTEM,
                household=h,
                data=head_data(
                    name=f"子{i}{k}",
                    relation="03",
                    id_number=new_id(born),
                    education="" if in_school else "02",
                    school_status="03" if in_school else "",
                    health=rng.choice(["01", "04"]),
                    ins_medical=rng.random() < 0.9,
                    ins_serious_illness=True,
                ),
            )
        if rng.random() < 0.8:
            household_year_save(
                ctx=SYSTEM,
                household=h,
                year=2017,
                data={
                    "wage_income": Decimal(rng.choice(["3335", "3334.99", "100.5", "12000"])),
                    "production_cost": Decimal(rng.choice(["0", "0", "20000"])),
                    "house_grade": rng.choice(["", "A", "B", "C", "D", "9"]),
                    "dangerous_house": rng.choice([None, True, False]),
                    "water_safe": rng.choice([None, True, False]),
                    "water_difficult": rng.choice([None, True, False]),
                },
            )
        if rng.random() < 0.6:
            needs_check_record(
                ctx=SYSTEM, household=h, year=2017, food_secure=rng.random() < 0.8, clothing_secure=rng.random() < 0.8
            )
        households.append(h)
    clean = poor_household("4304050142010399", registered=True, income="9000")
    needs_check_record(ctx=SYSTEM, household=clean, year=2017, food_secure=True, clothing_secure=True)
    households.append(clean)
    singles = {h.pk: assessment_run(ctx=SYSTEM, household=h, year=2017) for h in households}
    recheck, _ = run_recheck()
    bulk = {a.household_id: a for a in Assessment.objects.filter(recheck=recheck)}
    assert set(bulk) == set(singles)
    for pk, single in singles.items():
        b = bulk[pk]
        assert (b.results, b.outcome, b.policy_id) == (single.results, single.outcome, single.policy_id), pk
        assert b.inputs == single.inputs, pk
    assert len({a.outcome for a in bulk.values()}) == 3
    # Stored alike too (the compact arrays), not only read back alike.
    with connection.cursor() as c:
        c.execute("SELECT household_id, recheck_id, inputs, results FROM identification_assessment")
        raw = {(h, r is not None): (_doc(i), _doc(res)) for h, r, i, res in c.fetchall()}
    for pk in singles:
        assert raw[pk, True] == raw[pk, False], pk
        inputs, results = raw[pk, True]
        assert inputs[0] == results[0] == "v1" and all(isinstance(r, list) for r in results[1:])


def _doc(value):
    return json.loads(value) if isinstance(value, str) else value


def test_the_recheck_command(regions, capsys):
    poor_household("4304050142010002", registered=True, income="3336")
    call_command("recheck", "--year", "2017", "--no-progress")
    out = capsys.readouterr().out
    assert "评估 1 户" in out and "东阳渡街道" in out
