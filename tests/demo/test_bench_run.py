"""`make bench` finds every bench module and reads whatever shape of result it returns."""

import pytest

from bench import Result
from bench.run import discover, normalise


def test_discovers_every_bench_module_and_filters_by_word():
    modules = discover()
    assert "bench.bench_demo" in modules
    assert all(m.startswith("bench.bench_") for m in modules)
    assert discover(["demo"]) == ["bench.bench_demo"]


def test_results_become_rows_with_ratio_against_the_baseline():
    rows = normalise([Result(name="a", seconds=2.0, n=10, baseline=0.5), {"name": "b", "seconds": 1.0}])
    assert rows[0]["ratio"] == 4.0 and rows[0]["rate"] == 5.0
    assert rows[1]["ratio"] is None
    assert normalise(None) == []
    assert normalise({"name": "c", "seconds": 3, "extra": 1})[0]["extra"] == 1


def test_a_result_without_a_time_is_refused():
    with pytest.raises(TypeError, match="seconds"):
        normalise([{"name": "x"}])
