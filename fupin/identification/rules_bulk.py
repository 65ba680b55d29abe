"""The rules of `rules.py` in columns, for a re-check over a whole district.

Same rules, same stored forms (inputs and per-rule results as the compact arrays of
`models.fields` into which the ORM stores `RuleResult.as_json`), computed with polars over two
frames instead of one snapshot at a time: a re-check of
250,000 households spends well under a second here where the per-snapshot functions need
most of a minute. `tests/identification/test_recheck.py` checks that both paths store
identical assessments for the same households.

Frames:
- households: household_id, region_id, status, per_capita (text "3336.00" or null), persons,
  house_grade, dangerous_house, water_safe, water_difficult, food_secure, clothing_secure;
- members: household_id, member_id, relation, name, birth_date (Date), school_status, health,
  ins_medical, ins_serious_illness;
- policies: region_id, policy_id, line (text or null), and one boolean column per criterion.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from fupin.identification.choices import Criterion
from fupin.identification.models.fields import INPUT_FORMAT, INPUT_KEYS, RESULT_FORMAT, RESULT_KEYS
from fupin.identification.rules import (
    COMPULSORY_AGES,
    DANGEROUS_GRADES,
    HEALTH_EXCUSES,
    NOT_IN_SCHOOL,
    SAFE_GRADES,
)

CRITERIA = [c.value for c in Criterion]
STILL_POOR = ["not_exited", "returned"]
MONEY = pl.Decimal(14, 2)


def _is(col: str, value: bool) -> pl.Expr:
    """`x is True` / `x is False` for a nullable boolean column."""
    return (pl.col(col) == value).fill_null(False)


def _recorded(col: str) -> tuple[pl.Expr, pl.Expr]:
    outcome = (
        pl.when(pl.col(col).is_null())
        .then(pl.lit("unknown"))
        .when(pl.col(col))
        .then(pl.lit("met"))
        .otherwise(pl.lit("not_met"))
    )
    reason = pl.when(pl.col(col).is_null()).then(pl.lit("not_recorded")).otherwise(pl.lit(None, pl.String))
    return outcome, reason


def _json(e: pl.Expr) -> pl.Expr:
    """A value as JSON text (strings escaped, null as null), through polars' own encoder."""
    return pl.struct(e.alias("v")).struct.json_encode().str.slice(5).str.strip_suffix("}")


def _json_bool(col: str) -> pl.Expr:
    return pl.when(pl.col(col)).then(pl.lit("true")).otherwise(pl.lit("false"))


def _member_facts(members: pl.DataFrame, year: int) -> pl.DataFrame:
    low_age, high_age = COMPULSORY_AGES
    # Aged low..high on 1 September of the year (rules.MemberFacts.age_in).
    oldest = dt.date(year - high_age - 1, 9, 1)  # born after this: not yet 16
    youngest = dt.date(year - low_age, 9, 1)  # born on or before this: at least 6
    child = (pl.col("birth_date") > oldest) & (pl.col("birth_date") <= youngest)
    out = child & pl.col("school_status").is_in(sorted(NOT_IN_SCHOOL))
    excused = out & pl.any_horizontal([pl.col("health").str.contains(code, literal=True) for code in HEALTH_EXCUSES])
    return (
        members.sort(["household_id", "relation", "birth_date", "member_id"])
        .with_columns(
            _out=out & ~excused,
            _excused=excused,
            _uninsured=~(pl.col("ins_medical") & pl.col("ins_serious_illness")),
        )
        .group_by("household_id", maintain_order=True)
        .agg(
            n=pl.len(),
            out_of_school=pl.col("name").filter(pl.col("_out")),
            excused=pl.col("name").filter(pl.col("_excused")),
            uninsured=pl.col("name").filter(pl.col("_uninsured")),
            # One JSON row per member in MEMBER_INPUT_FIELDS order; codes and dates need no
            # escaping, so the text is assembled directly.
            members=pl.format(
                '[{},"{}","{}","{}",{},{}]',
                pl.col("member_id"),
                pl.col("birth_date").cast(pl.String),
                pl.col("school_status"),
                pl.col("health"),
                _json_bool("ins_medical"),
                _json_bool("ins_serious_illness"),
            ),
        )
    )


def evaluate_frame(
    households: pl.DataFrame, members: pl.DataFrame, policies: pl.DataFrame, *, year: int
) -> pl.DataFrame:
    """One row per household that has a policy: household_id, region_id, policy_id, inputs and
    results (JSON text), outcome, rule_finding, value, line."""
    facts = _member_facts(members, year)
    empty = pl.lit([], dtype=pl.List(pl.String))
    f = (
        households.join(policies, on="region_id", how="inner")
        .join(facts, on="household_id", how="left")
        .with_columns(
            n=pl.col("n").fill_null(0),
            out_of_school=pl.col("out_of_school").fill_null(empty),
            excused=pl.col("excused").fill_null(empty),
            uninsured=pl.col("uninsured").fill_null(empty),
            members=pl.col("members").fill_null(pl.lit([], dtype=pl.List(pl.String))),
            persons=pl.col("persons").fill_null(0),
            house_grade=pl.col("house_grade").fill_null(""),
        )
    )
    no_line, no_value = pl.col("line").is_null(), pl.col("per_capita").is_null()
    grade = pl.col("house_grade")
    food, food_reason = _recorded("food_secure")
    clothing, clothing_reason = _recorded("clothing_secure")
    housing_bad = grade.is_in(sorted(DANGEROUS_GRADES)) | _is("dangerous_house", True)
    housing_ok = grade.is_in(sorted(SAFE_GRADES)) | _is("dangerous_house", False)
    water_bad = _is("water_safe", False) | _is("water_difficult", True)
    none = pl.lit(None, pl.String)
    outcomes = {
        "income": pl.when(no_line | no_value)
        .then(pl.lit("unknown"))
        .when(pl.col("per_capita").cast(MONEY) >= pl.col("line").cast(MONEY))
        .then(pl.lit("met"))
        .otherwise(pl.lit("not_met")),
        "food": food,
        "clothing": clothing,
        "education": pl.when(pl.col("out_of_school").list.len() > 0).then(pl.lit("not_met")).otherwise(pl.lit("met")),
        "medical": pl.when(pl.col("n") == 0)
        .then(pl.lit("unknown"))
        .when(pl.col("uninsured").list.len() > 0)
        .then(pl.lit("not_met"))
        .otherwise(pl.lit("met")),
        "housing": pl.when(housing_bad)
        .then(pl.lit("not_met"))
        .when(housing_ok)
        .then(pl.lit("met"))
        .otherwise(pl.lit("unknown")),
        "water": pl.when(water_bad)
        .then(pl.lit("not_met"))
        .when(_is("water_safe", True))
        .then(pl.lit("met"))
        .otherwise(pl.lit("unknown")),
    }
    f = f.with_columns([e.alias(f"o_{c}") for c, e in outcomes.items()])
    details = {
        "income": dict(
            year=pl.lit(year),
            line=pl.col("line"),
            value=pl.when(no_line).then(none).otherwise(pl.col("per_capita")),
            reason=pl.when(no_line).then(pl.lit("no_line")).when(no_value).then(pl.lit("no_income")).otherwise(none),
        ),
        "food": dict(reason=food_reason),
        "clothing": dict(reason=clothing_reason),
        "education": dict(out_of_school=pl.col("out_of_school"), excused=pl.col("excused")),
        "medical": dict(
            uninsured=pl.col("uninsured"), reason=pl.when(pl.col("n") == 0).then(pl.lit("no_members")).otherwise(none)
        ),
        "housing": dict(
            grade=grade, reason=pl.when(pl.col("o_housing") == "unknown").then(pl.lit("not_recorded")).otherwise(none)
        ),
        "water": dict(reason=pl.when(pl.col("o_water") == "unknown").then(pl.lit("not_recorded")).otherwise(none)),
    }
    # Compact stored forms (models.fields: compact_results / compact_inputs): one array per
    # applied criterion, [criterion, outcome, *detail values in the layout's order], after the
    # layout's marker.
    parts = [
        pl.when(pl.col(f"c_{c}"))
        .then(
            pl.concat_str(
                [
                    pl.lit(f',["{c}",'),
                    _json(pl.col(f"o_{c}")),
                    *[pl.concat_str([pl.lit(","), _json(details[c][k])]) for k in RESULT_KEYS[c]],
                    pl.lit("]"),
                ]
            )
        )
        .otherwise(none)
        for c in CRITERIA
    ]
    applied_not_met = pl.any_horizontal([pl.col(f"c_{c}") & (pl.col(f"o_{c}") == "not_met") for c in CRITERIA])
    all_met = pl.all_horizontal(
        [~pl.col(f"c_{c}") | (pl.col(f"o_{c}") == "met") for c in CRITERIA]
    ) & pl.any_horizontal([pl.col(f"c_{c}") for c in CRITERIA])
    values = {
        "year": pl.lit(year),
        "per_capita_net_income": pl.col("per_capita"),
        "persons": pl.col("persons"),
        "food_secure": pl.col("food_secure"),
        "clothing_secure": pl.col("clothing_secure"),
        "house_grade": grade,
        "dangerous_house": pl.col("dangerous_house"),
        "water_safe": pl.col("water_safe"),
        "water_difficult": pl.col("water_difficult"),
    }
    inputs = pl.concat_str(
        [
            pl.lit(f'["{INPUT_FORMAT}",'),
            pl.concat_str([_json(values[k]) for k in INPUT_KEYS if k != "members"], separator=","),
            pl.lit(",["),
            pl.col("members").list.join(","),
            pl.lit("]]"),
        ]
    )
    return f.select(
        "household_id",
        "region_id",
        "policy_id",
        inputs.alias("inputs"),
        pl.concat_str([pl.lit(f'["{RESULT_FORMAT}"'), *parts, pl.lit("]")], ignore_nulls=True).alias("results"),
        pl.when(applied_not_met)
        .then(pl.lit("eligible"))
        .when(all_met)
        .then(pl.lit("not_eligible"))
        .otherwise(pl.lit("incomplete"))
        .alias("outcome"),
        (
            pl.col("status").is_in(STILL_POOR) & pl.col("c_income") & (pl.col("o_income") == "met") & ~applied_not_met
        ).alias("rule_finding"),
        pl.col("per_capita").alias("value"),
        "line",
    )
