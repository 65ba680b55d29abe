"""Household snapshots for the rules: one household (three queries), or every registered
household under a region at once (two queries whatever their number)."""

# ruff: noqa: S608 — SQL is built from model table names (_meta), never from input; values are parameters.

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q

from fupin.identification.models import NeedsCheck, PolicyVersion
from fupin.identification.rules import HouseholdSnapshot, MemberFacts, PolicyParams
from fupin.regions.models import Region
from fupin.registry.models import Household, HouseholdYear, Member

CENT = Decimal("0.01")
MEMBER_COLUMNS = ("id", "name", "birth_date", "school_status", "health", "ins_medical", "ins_serious_illness")


def policy_params(policy: PolicyVersion) -> PolicyParams:
    return PolicyParams(
        version_id=policy.pk,
        year=policy.year,
        poverty_line=policy.poverty_line,
        criteria=tuple(policy.criteria or ()),
    )


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def household_snapshot(*, household: Household, year: int) -> HouseholdSnapshot:
    """The facts of `household` for `year`: that year's income and conditions, the latest
    不愁吃穿 check of the year, and the members who had not left by the end of the year."""
    y = HouseholdYear.objects.filter(household=household, year=year).first()
    needs = NeedsCheck.objects.filter(household=household, year=year).order_by("-checked_on", "-id").first()
    members = (
        Member.objects.filter(household=household)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=year_end(year)))
        .order_by("relation", "birth_date", "id")
        .values_list(*MEMBER_COLUMNS)
    )
    return HouseholdSnapshot(
        household_id=household.pk,
        year=year,
        per_capita_net_income=None if y is None else y.per_capita_net_income,
        persons=y.persons if y is not None else 0,
        food_secure=needs.food_secure if needs else None,
        clothing_secure=needs.clothing_secure if needs else None,
        house_grade=y.house_grade if y is not None else "",
        dangerous_house=y.dangerous_house if y is not None else None,
        water_safe=y.water_safe if y is not None else None,
        water_difficult=y.water_difficult if y is not None else None,
        members=tuple(MemberFacts._make(m) for m in members),
    )


def _tables() -> dict[str, str]:
    return {
        "household": Household._meta.db_table,
        "member": Member._meta.db_table,
        "year": HouseholdYear._meta.db_table,
        "needs": NeedsCheck._meta.db_table,
        "region": Region._meta.db_table,
    }


def _bool(v: Any) -> bool | None:
    return None if v is None else bool(v)


def _date(v: Any) -> dt.date:
    return v if isinstance(v, dt.date) else dt.date.fromisoformat(v)


def registered_snapshots(*, region: Region, year: int) -> Iterator[tuple[int, str, HouseholdSnapshot]]:
    """(region id, poverty status, snapshot) for every open registered household under `region`, built from
    two set-based queries (households with their year and latest check; members) merged in
    household order — no per-household query."""
    t = _tables()
    in_scope = f"""
        SELECT h.id FROM {t["household"]} h JOIN {t["region"]} r ON r.id = h.region_id
        WHERE h.registered = %s AND h.closed_on IS NULL AND r.path LIKE %s"""
    households_sql = f"""
        SELECT h.id, h.region_id, y.per_capita_net_income, y.persons, y.house_grade, y.dangerous_house,
               y.water_safe, y.water_difficult, n.food_secure, n.clothing_secure, h.status
        FROM {t["household"]} h
        JOIN {t["region"]} r ON r.id = h.region_id
        LEFT JOIN {t["year"]} y ON y.household_id = h.id AND y.year = %s
        LEFT JOIN {t["needs"]} n ON n.id = (
            SELECT n2.id FROM {t["needs"]} n2 WHERE n2.household_id = h.id AND n2.year = %s
            ORDER BY n2.checked_on DESC, n2.id DESC LIMIT 1)
        WHERE h.registered = %s AND h.closed_on IS NULL AND r.path LIKE %s
        ORDER BY h.id"""
    members_sql = f"""
        SELECT m.household_id, m.id, m.name, m.birth_date, m.school_status, m.health, m.ins_medical,
               m.ins_serious_illness
        FROM {t["member"]} m JOIN ({in_scope}) hh ON hh.id = m.household_id
        WHERE m.ended_on IS NULL OR m.ended_on > %s
        ORDER BY m.household_id"""
    scope = [True, region.path + "%"]
    with connection.cursor() as hc, connection.cursor() as mc:
        hc.execute(households_sql, [year, year, *scope])
        mc.execute(members_sql, [*scope, year_end(year)])
        members_by_household = _grouped(mc)
        current: tuple[int, list[MemberFacts]] | None = next(members_by_household, None)
        for row in _rows(hc):
            hid = row[0]
            while current is not None and current[0] < hid:
                current = next(members_by_household, None)
            members: list[MemberFacts] = []
            if current is not None and current[0] == hid:
                members = current[1]
                current = next(members_by_household, None)
            yield (
                row[1],
                row[10],
                HouseholdSnapshot(
                    household_id=hid,
                    year=year,
                    per_capita_net_income=_money(row[2]),
                    persons=row[3] or 0,
                    food_secure=_bool(row[8]),
                    clothing_secure=_bool(row[9]),
                    house_grade=row[4] or "",
                    dangerous_house=_bool(row[5]),
                    water_safe=_bool(row[6]),
                    water_difficult=_bool(row[7]),
                    members=tuple(members),
                ),
            )


def _grouped(cursor: Any) -> Iterator[tuple[int, list[MemberFacts]]]:
    """Member rows (ordered by household) as (household id, [MemberFacts])."""
    hid, members = None, []
    for m in _rows(cursor):
        if m[0] != hid:
            if hid is not None:
                yield hid, members
            hid, members = m[0], []
        members.append(MemberFacts(m[1], m[2], _date(m[3]), m[4], m[5], bool(m[6]), bool(m[7])))
    if hid is not None:
        yield hid, members


def _money(v: Any) -> Decimal | None:
    # SQLite hands decimals back as floats: go through str so 2950.1 stays 2950.10.
    return None if v is None else Decimal(str(v)).quantize(CENT)


def _rows(cursor: Any) -> Iterator[tuple]:
    while batch := cursor.fetchmany(20000):
        yield from batch
