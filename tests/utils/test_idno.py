"""GB 11643 ID numbers: generated valid numbers pass, any single changed digit fails."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fupin.utils import idno

areas = st.sampled_from(["430405", "430406", "110105", "440524", "340524"])
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31))
seqs = st.integers(min_value=0, max_value=999)


@given(area=areas, born=births, seq=seqs)
def test_generated_numbers_are_valid(area, born, seq):
    number = idno.make(area, born, seq)
    assert idno.problem(number) is None
    assert idno.birth_date(number) == born
    assert idno.sex_code(number) == ("1" if seq % 2 else "2")


@settings(max_examples=300)
@given(area=areas, born=births, seq=seqs, pos=st.integers(min_value=0, max_value=17), delta=st.integers(1, 9))
def test_any_single_changed_digit_is_rejected(area, born, seq, pos, delta):
    number = idno.make(area, born, seq)
    chars = list(number)
    if chars[pos] == "X":
        chars[pos] = str(delta)
    else:
        new = (int(chars[pos]) + delta) % 10
        chars[pos] = str(new)
    changed = "".join(chars)
    assert changed != number
    # MOD 11-2 detects every single-digit substitution; a date digit may also break the date.
    assert idno.problem(changed) is not None


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",
        "440524188001010014",
        "34052419800101001X",
        "430405196503150010",
        "430405197808200028",
        "430405201001010038",
        "430405194509090048",
    ],
)
def test_spec_examples_are_valid(number):
    assert idno.problem(number) is None


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("430122195601101206", "check"),
        ("43040519650315001", "length"),
        ("4304051965031500100", "length"),
        ("430405196513150015", "date"),
        ("4.30405196503150E+17", "number"),
        ("43040519650315001A", "chars"),
        ("", "empty"),
    ],
)
def test_problems_say_why(raw, code):
    problem = idno.problem(idno.normalize(raw))
    assert problem is not None and problem.code == code


def test_normalise_full_width_lower_x_and_spaces():
    assert idno.normalize("１１０１０５ 19491231002x") == "11010519491231002X"


def test_upgrade_15_digit_number():
    upgraded = idno.upgrade_15("430405650315001")
    assert upgraded == "430405196503150010"
    assert idno.problem(upgraded) is None


def test_future_birth_date_is_rejected():
    number = idno.make("430405", dt.date(2030, 1, 1), 1)
    assert idno.problem(number, today=dt.date(2026, 1, 1)).code == "date"
