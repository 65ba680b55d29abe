"""The compact stored form of an assessment's inputs and results (models/fields.py).

Stored arrays are read by position, so a decision can only be explained later if every layout
ever written still decodes as it was written."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.db.models import JSONField, Value

from fupin.identification.models import Assessment
from fupin.identification.models.fields import (
    INPUT_FORMAT,
    INPUT_KEYS,
    INPUT_LAYOUTS,
    RESULT_FORMAT,
    RESULT_KEYS,
    RESULT_LAYOUTS,
    compact_inputs,
    compact_results,
    expand_inputs,
    expand_results,
)
from fupin.identification.rules import DETAIL_KEYS, MEMBER_INPUT_FIELDS, HouseholdSnapshot
from fupin.identification.services.assessments import assessment_run
from tests.conftest import SYSTEM
from tests.identification.conftest import poor_household

CHANGE = (
    "rows are stored with this layout and decoded by position: do not edit it. Add a new marker "
    "and layout in fupin/identification/models/fields.py (and a data migration if stored rows "
    "are to be rewritten), then pin the new layout here too."
)

V1_INPUTS = (
    "year",
    "per_capita_net_income",
    "persons",
    "food_secure",
    "clothing_secure",
    "house_grade",
    "dangerous_house",
    "water_safe",
    "water_difficult",
    "members",
)
V1_RESULTS = {
    "income": ("year", "line", "value", "reason"),
    "food": ("reason",),
    "clothing": ("reason",),
    "education": ("out_of_school", "excused"),
    "medical": ("uninsured", "reason"),
    "housing": ("grade", "reason"),
    "water": ("reason",),
}


def test_the_stored_layouts_are_pinned():
    assert INPUT_LAYOUTS["v1"] == V1_INPUTS, CHANGE
    assert RESULT_LAYOUTS["v1"] == V1_RESULTS, CHANGE
    assert set(INPUT_LAYOUTS) == {"v1"} and set(RESULT_LAYOUTS) == {"v1"}, "pin each new layout here"
    assert (INPUT_FORMAT, RESULT_FORMAT) == ("v1", "v1"), CHANGE
    assert (INPUT_KEYS, DETAIL_KEYS) == (V1_INPUTS, V1_RESULTS), CHANGE


def test_what_the_rules_write_is_the_current_layout():
    # RuleResult.as_json writes DETAIL_KEYS and HouseholdSnapshot.as_inputs the inputs (members
    # as positional rows too): the compact form stores exactly those keys, in that order.
    assert DETAIL_KEYS == RESULT_KEYS, CHANGE
    snapshot = HouseholdSnapshot(household_id=1, year=2017)
    assert tuple(snapshot.as_inputs()) == INPUT_KEYS, CHANGE
    members = ("id", "birth_date", "school_status", "health", "ins_medical", "ins_serious_illness")
    assert members == MEMBER_INPUT_FIELDS, "stored member rows are read by position: " + CHANGE


INPUTS = dict(zip(V1_INPUTS, [2017, "3336.00", 3, True, None, "B", False, True, False, [[1, "户主"]]], strict=True))
RESULTS = [
    {"criterion": "income", "outcome": "not_met", "year": 2017, "line": "3335.00", "value": "3336.00"},
    {"criterion": "food", "outcome": "unknown", "reason": "not_recorded"},
    {"criterion": "housing", "outcome": "met", "grade": "B"},
    {"criterion": "other", "outcome": "met", "note": "kept keyed"},
]


def test_written_with_a_marker_and_read_back_keyed():
    stored_inputs, stored_results = compact_inputs(INPUTS), compact_results(RESULTS)
    assert stored_inputs[0] == "v1" and stored_results[0] == "v1"
    assert stored_results[1] == ["income", "not_met", 2017, "3335.00", "3336.00", None]
    assert stored_results[-1] == RESULTS[-1]
    assert expand_inputs(stored_inputs) == INPUTS
    assert expand_results(stored_results) == RESULTS
    assert expand_results(compact_results([])) == []


def test_arrays_stored_before_the_marker_read_as_v1():
    legacy_inputs = [INPUTS[k] for k in V1_INPUTS]
    legacy_results = [["income", "not_met", 2017, "3335.00", "3336.00", None], ["food", "unknown", "not_recorded"]]
    assert expand_inputs(legacy_inputs) == INPUTS
    assert expand_results(legacy_results) == RESULTS[:2]
    assert expand_results([]) == []


def test_an_unknown_marker_is_refused_not_guessed():
    with pytest.raises(ValueError, match="v9"):
        expand_inputs(["v9", *INPUTS.values()])
    with pytest.raises(ValueError, match="v9"):
        expand_results(["v9", ["income", "met"]])


@pytest.mark.django_db
def test_stored_rows_of_either_form_read_alike(regions):
    h = poor_household("4304050142010002", registered=True, income="3336")
    a = assessment_run(ctx=SYSTEM, household=h, year=2017)
    with connection.cursor() as c:
        c.execute("SELECT inputs, results FROM identification_assessment WHERE id = %s", [a.pk])
        inputs, results = (_doc(v) for v in c.fetchone())
    assert inputs[0] == "v1" and results[0] == "v1"
    # The same row as it was stored before the marker (a plain JSONField writes it as given).
    Assessment.objects.filter(pk=a.pk).update(
        inputs=Value(inputs[1:], output_field=JSONField()), results=Value(results[1:], output_field=JSONField())
    )
    with connection.cursor() as c:
        c.execute("SELECT inputs FROM identification_assessment WHERE id = %s", [a.pk])
        assert _doc(c.fetchone()[0])[0] == 2017
    again = Assessment.objects.get(pk=a.pk)
    assert (again.inputs, again.results) == (a.inputs, a.results)


def _doc(value):
    return json.loads(value) if isinstance(value, str) else value
