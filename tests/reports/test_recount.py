"""The indicators always equal a naive recount from the raw rows, after random edits made
through the services — including through the dashboard's cache, which must notice every
write."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

import pytest

from fupin.assistance.models import Cadre, LinkedUnit, Measure, MeasureItem, Pairing, WorkTeam
from fupin.assistance.services import cadre_create, measure_create, pairing_assign
from fupin.demo.generator import generate_district
from fupin.registry.choices import MIGRANT_WORK
from fupin.registry.models import Household, Member
from fupin.registry.services import household_update, member_add, member_end
from fupin.reports.selectors.dashboard import dashboard
from fupin.reports.selectors.indicators import KEYS, indicators
from tests.conftest import DACHANG, SYSTEM, new_id, region

pytestmark = pytest.mark.django_db
D = dt.date


def recount(year: int) -> dict:
    """The indicators by the definitions of docs/indicators.md, in plain Python over every row."""
    start, end = D(year, 1, 1), D(year, 12, 31)
    households = {h.pk: h for h in Household.objects.all()}
    members = defaultdict(list)
    for m in Member.objects.all():
        members[m.household_id].append(m)

    def counts(h) -> bool:
        return (
            h.registered
            and (h.identified_year is None or h.identified_year <= year)
            and (h.closed_on is None or h.closed_on >= start)
        )

    def active(m) -> bool:
        joined = m.join_reason == "00" or m.joined_on is None or m.joined_on <= end
        return joined and (m.ended_on is None or m.ended_on >= start)

    groups = {
        "registered": lambda h: True,
        "exited": lambda h: h.status == "exited" and h.exit_year <= year,
        "exited_this_year": lambda h: h.status == "exited" and h.exit_year == year,
        "stably_exited": lambda h: h.status == "exited" and h.exit_year < year,
        "not_exited": lambda h: h.status == "not_exited",
        "returned": lambda h: h.status == "returned",
        "floor_protection": lambda h: h.attribute in ("2", "3"),
    }
    result: dict = {}
    counted = [h for h in households.values() if counts(h)]
    for name, test in groups.items():
        hs = [h for h in counted if test(h)]
        result[name] = {"households": len(hs), "persons": sum(1 for h in hs for m in members[h.pk] if active(m))}
    people = [m for h in counted for m in members[h.pk] if active(m)]
    result["students"] = sum(1 for m in people if m.school_status not in ("", "01"))
    result["migrant_workers"] = sum(1 for m in people if m.work_status in MIGRANT_WORK)
    posts: dict[str, int] = defaultdict(int)
    for m in people:
        if m.welfare_post:
            posts[m.welfare_post] += 1
    result["public_welfare_posts"] = {k: posts[k] for k in sorted(posts)}

    items = {i.pk: i for i in MeasureItem.objects.all()}
    measures = list(Measure.objects.all())
    this_year = [m for m in measures if m.year == year]

    def covered(ms) -> set[int]:
        return {
            p.pk
            for ms_ in ms
            for p in members[ms_.household_id]
            if active(p) and (ms_.beneficiary_id is None or ms_.beneficiary_id == p.pk)
        }

    doctor = [m for m in this_year if items[m.item_id].name == "家庭医生签约"]
    result["family_doctor_contracts"] = len(covered(doctor))
    result["housing_renovated"] = len(
        {
            m.household_id
            for m in measures
            if items[m.item_id].kind == "housing"
            and m.status == "done"
            and ((m.ended_on is not None and start <= m.ended_on <= end) or (m.ended_on is None and m.year == year))
        }
    )
    credit = [m for m in this_year if items[m.item_id].kind == "microcredit"]
    result["microcredit"] = {
        "households": len({m.household_id for m in credit}),
        "amount": sum((m.amount or Decimal(0) for m in credit), Decimal("0.00")),
    }
    by_item = defaultdict(list)
    for m in this_year:
        by_item[m.item_id].append(m)
    ordered = sorted(by_item, key=lambda pk: (items[pk].category, items[pk].sort))
    result["measures"] = {
        items[pk].name: {
            "households": len({m.household_id for m in by_item[pk]}),
            "persons": len(covered(by_item[pk])),
            "amount": sum((m.amount or Decimal(0) for m in by_item[pk]), Decimal("0.00")),
        }
        for pk in ordered
    }

    def overlaps(o) -> bool:
        return (o.started_on is None or o.started_on <= end) and (o.ended_on is None or o.ended_on >= start)

    pairings = list(Pairing.objects.all())
    cadres = {c.pk: c for c in Cadre.objects.all()}
    serving = {c.pk for c in cadres.values() if c.ended_on is None or c.ended_on >= start}
    counted_cadres = serving  # every cadre of this test serves in the district
    teams = [t for t in WorkTeam.objects.all() if overlaps(t)]
    result["cadres"] = len(counted_cadres)
    result["work_teams"] = len(teams)
    units = {t.unit_id for t in teams} | {cadres[pk].unit_id for pk in counted_cadres if cadres[pk].unit_id}
    result["linked_units"] = len(units & set(LinkedUnit.objects.values_list("pk", flat=True)))
    paired = {
        p.household_id
        for p in pairings
        if (p.started_on is None or p.started_on <= end) and (p.ended_on is None or p.ended_on > end)
    }
    n = result["registered"]["households"]
    hit = len([h for h in counted if h.pk in paired])
    result["pairing_coverage"] = {"households": n, "paired": hit, "share": round(hit / n, 4) if n else 0.0}
    return {k: result[k] for k in KEYS}


def _edit(rng: random.Random, cadres: list) -> None:
    households = list(Household.objects.filter(closed_on__isnull=True).order_by("pk"))
    h = rng.choice(households)
    action = rng.randrange(6)
    if action == 0:
        active = list(Member.objects.filter(household=h, ended_on__isnull=True).exclude(relation="01"))
        if active:
            m = rng.choice(active)
            on = max(m.joined_on or D(2015, 1, 1), D(rng.randint(2015, 2018), rng.randint(1, 12), 1))
            member_end(ctx=SYSTEM, member=m, reason="01", on=on)
    elif action == 1:
        born = D(rng.randint(2015, 2018), rng.randint(1, 12), 1)
        member_add(
            ctx=SYSTEM,
            household=h,
            reason="06",
            on=born + dt.timedelta(days=20),
            data={
                "name": "新生儿",
                "id_number": new_id(born),
                "relation": "03",
                "education": "06",
                "health": "01",
                "labour_skill": "4",
            },
        )
    elif action == 2 and h.registered:
        first = h.identified_year or 2014
        if rng.random() < 0.5:
            household_update(
                ctx=SYSTEM,
                household=h,
                data={"status": "exited", "exit_year": rng.randint(first, 2018), "return_year": None},
            )
        else:
            household_update(
                ctx=SYSTEM,
                household=h,
                data={"status": "returned", "exit_year": first, "return_year": min(first + 1, 2018)},
            )
    elif action == 3:
        name = rng.choice(["家庭医生签约", "特色种植", "危房改造", "低保"])
        data = {"item": MeasureItem.objects.get(name=name), "amount": Decimal(rng.randint(1, 90) * 100)}
        if name == "危房改造":
            data.update(
                status="done",
                grade_before="C",
                grade_after="A",
                ended_on=D(rng.randint(2016, 2018), rng.randint(1, 12), 1),
            )
        if name == "家庭医生签约" and rng.random() < 0.5:
            data["beneficiary"] = rng.choice(list(Member.objects.filter(household=h)))
        measure_create(ctx=SYSTEM, household=h, year=rng.randint(2016, 2018), data=data)
    elif action == 4:
        cadre = rng.choice(cadres)
        if (
            not Pairing.objects.filter(household=h, ended_on__isnull=True, cadre=cadre).exists()
            and cadre.pairings.filter(ended_on__isnull=True).count() < 5
        ):
            current = Pairing.objects.filter(household=h, ended_on__isnull=True).first()
            start = D(rng.randint(2016, 2018), rng.randint(1, 12), 1)
            if current is None or current.started_on is None or current.started_on <= start:
                pairing_assign(ctx=SYSTEM, household=h, cadre=cadre, started_on=start)
    else:
        household_update(
            ctx=SYSTEM,
            household=h,
            data={"attribute": rng.choice(["1", "2", "3"])} if h.registered else {"hamlet": "新屋"},
        )


def test_indicators_equal_a_naive_recount_after_random_edits(regions, coordinator):
    generate_district(households=30, seed=7)
    unit = LinkedUnit.objects.create(name="区扶贫办", affiliation="county")
    cadres = [
        cadre_create(
            ctx=SYSTEM, region=region(DACHANG), data={"name": f"干部{i}", "phone": f"1390000000{i}", "unit": unit}
        )
        for i in range(4)
    ]
    rng = random.Random(2017)
    for round_ in range(6):
        for _ in range(8):
            _edit(rng, cadres)
        for year in (2016, 2017, 2018):
            expected = recount(year)
            assert indicators(year=year) == expected, (round_, year)
            # The dashboard goes through the cache: it must see every edit.
            assert dashboard(user=coordinator, year=year)["indicators"] == expected, (round_, year)
    # The edits did happen: members left and were born, measures and pairings were made.
    assert Member.objects.filter(ended_on__isnull=False).exists()
    assert Member.objects.filter(join_reason="06").exists()
    assert Measure.objects.count() >= 3 and Pairing.objects.exists()
