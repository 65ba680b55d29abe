"""Household facts for the rules: one household as a snapshot (three queries), or every
registered household under a region as two polars frames (two queries whatever their
number) for `rules_bulk`."""

# ruff: noqa: S608 — SQL is built from model table names (_meta), never from input; values are parameters.

from __future__ import annotations

import datetime as dt

import polars as pl
from django.db import connection
from django.db.models import Q

from fupin.identification.bulk import fetch_frame
from fupin.identification.models import NeedsCheck, PolicyVersion
from fupin.identification.rules import HouseholdSnapshot, MemberFacts, PolicyParams
from fupin.regions.models import Region
from fupin.registry.models import Household, HouseholdYear, Member

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


HOUSEHOLD_SCHEMA = {
    "household_id": pl.Int64,
    "region_id": pl.Int64,
    "status": pl.String,
    "per_capita": pl.String,
    "persons": pl.Int64,
    "house_grade": pl.String,
    "dangerous_house": pl.Int8,
    "water_safe": pl.Int8,
    "water_difficult": pl.Int8,
    "food_secure": pl.Int8,
    "clothing_secure": pl.Int8,
}
MEMBER_SCHEMA = {
    "household_id": pl.Int64,
    "member_id": pl.Int64,
    "relation": pl.String,
    "name": pl.String,
    "birth_date": pl.Date,
    "school_status": pl.String,
    "health": pl.String,
    "ins_medical": pl.Int8,
    "ins_serious_illness": pl.Int8,
}
BOOLEAN_COLUMNS = (
    "dangerous_house",
    "water_safe",
    "water_difficult",
    "food_secure",
    "clothing_secure",
    "ins_medical",
    "ins_serious_illness",
)


def _flag(expr: str) -> str:
    # Booleans travel as 1/0/NULL: the same text from PostgreSQL's COPY and from SQLite.
    return f"CASE WHEN {expr} THEN 1 WHEN NOT {expr} THEN 0 END"


PEOPLE_SCHEMA = {
    "household_id": pl.Int64,
    "member_id": pl.Int64,
    "region_id": pl.Int64,
    "registered": pl.Int8,
    "active": pl.Int8,
    "relation": pl.String,
    "name": pl.String,
    "sex": pl.String,
    "birth_date": pl.Date,
    "school_status": pl.String,
    "health": pl.String,
    "ins_medical": pl.Int8,
    "ins_serious_illness": pl.Int8,
}


def open_members_frame(*, region: Region, year: int) -> pl.DataFrame:
    """Every member of an open household under `region` who had not left by the end of
    `year`, with the household's registration and whether the member is still active: the
    one member read of a re-check, shared by the rules (members of registered households)
    and the duplicate checks (active members)."""
    t = _tables()
    sql = f"""
        SELECT m.household_id, m.id, h.region_id, {_flag("h.registered")},
               CASE WHEN m.ended_on IS NULL THEN 1 ELSE 0 END, m.relation, m.name, m.sex,
               CAST(m.birth_date AS VARCHAR(10)), m.school_status, m.health,
               {_flag("m.ins_medical")}, {_flag("m.ins_serious_illness")}
        FROM {t["member"]} m
        JOIN {t["household"]} h ON h.id = m.household_id
        JOIN {t["region"]} r ON r.id = h.region_id
        WHERE h.closed_on IS NULL AND r.path LIKE %s AND (m.ended_on IS NULL OR m.ended_on > %s)"""
    people = fetch_frame(sql, [region.path + "%", year_end(year)], PEOPLE_SCHEMA)
    flags = ("registered", "active", "ins_medical", "ins_serious_illness")
    return people.with_columns([pl.col(c).cast(pl.Boolean) for c in flags])


def registered_frames(
    *, region: Region, year: int, people: pl.DataFrame | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The same facts as `registered_snapshots`, as two polars frames (households; members)
    read with one query each (COPY on PostgreSQL) for `rules_bulk`. `people` (from
    `open_members_frame` for the same region and year) saves the member query."""
    t = _tables()
    pg = connection.vendor == "postgresql"
    money = (
        "CAST(y.per_capita_net_income AS VARCHAR)"
        if pg
        else "CASE WHEN y.per_capita_net_income IS NULL THEN NULL ELSE printf('%%.2f', y.per_capita_net_income) END"
    )
    scope = "h.registered = %s AND h.closed_on IS NULL AND r.path LIKE %s"
    households_sql = f"""
        SELECT h.id, h.region_id, h.status, {money}, y.persons, y.house_grade, {_flag("y.dangerous_house")},
               {_flag("y.water_safe")}, {_flag("y.water_difficult")}, {_flag("n.food_secure")},
               {_flag("n.clothing_secure")}
        FROM {t["household"]} h
        JOIN {t["region"]} r ON r.id = h.region_id
        LEFT JOIN {t["year"]} y ON y.household_id = h.id AND y.year = %s
        LEFT JOIN {t["needs"]} n ON n.id = (
            SELECT n2.id FROM {t["needs"]} n2 WHERE n2.household_id = h.id AND n2.year = %s
            ORDER BY n2.checked_on DESC, n2.id DESC LIMIT 1)
        WHERE {scope}"""
    members_sql = f"""
        SELECT m.household_id, m.id, m.relation, m.name, CAST(m.birth_date AS VARCHAR(10)), m.school_status,
               m.health,
               {_flag("m.ins_medical")}, {_flag("m.ins_serious_illness")}
        FROM {t["member"]} m
        JOIN {t["household"]} h ON h.id = m.household_id
        JOIN {t["region"]} r ON r.id = h.region_id
        WHERE {scope} AND (m.ended_on IS NULL OR m.ended_on > %s)"""
    scope_params = [True, region.path + "%"]
    households = fetch_frame(households_sql, [year, year, *scope_params], HOUSEHOLD_SCHEMA)
    if people is None:
        members = fetch_frame(members_sql, [*scope_params, year_end(year)], MEMBER_SCHEMA)
    else:
        members = people.filter(pl.col("registered")).select(list(MEMBER_SCHEMA))
    as_bool = [pl.col(c).cast(pl.Boolean) for c in BOOLEAN_COLUMNS]
    return (
        households.with_columns([c for c in as_bool if c.meta.output_name() in households.columns]),
        members.with_columns([c for c in as_bool if c.meta.output_name() in members.columns]),
    )
