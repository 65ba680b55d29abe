"""`fupin summary` and `fupin audit` of a year nobody has entered: the registry's counts still
come out (they read the households' status history), so the commands say on stderr that the
year has no records of its own, and still exit 0. A year with its data gets no note."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.utils import translation

from fupin.assistance.models import Measure
from fupin.demo.generator import generate_district
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.registry.models import Household, HouseholdYear
from tests.conftest import DISTRICT

NOTE_2031 = "注意：2031 年没有数据：没有该年度的家庭年度信息，也没有帮扶措施"


@pytest.fixture
def district(regions):
    generate_district(households=10, seed=5)
    assert HouseholdYear.objects.filter(year=2017).exists() and Measure.objects.filter(year=2017).exists()


def test_the_summary_of_an_empty_year_says_so_and_still_prints_the_figures(district, capsys):
    call_command("summary", "--year", "2031")
    out, err = capsys.readouterr()
    assert NOTE_2031 in err
    assert "2031 年 全部区域" in out and "帮扶措施：无" in out and "扶贫小额信贷：0 户 0 元" in out


def test_the_summary_note_leaves_the_json_parseable(district, capsys):
    call_command("summary", "--year", "2031", "--json")
    out, err = capsys.readouterr()
    assert NOTE_2031 in err and json.loads(out)["measures"] == {}


def test_a_year_with_data_gets_no_note(district, capsys):
    call_command("summary", "--year", "2017")
    call_command("audit", "--region", DISTRICT, "--year", "2017", "--list", "0")
    assert "注意" not in capsys.readouterr().err


def test_the_note_reads_the_region_asked_for(district, capsys):
    used = set(Household.objects.values_list("region__path", flat=True))
    villages = Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=DISTRICT)
    empty = next(v for v in villages if not any(p.startswith(v.path) for p in used))
    call_command("summary", "--year", "2017", "--region", empty.code)
    assert "注意：2017 年没有数据" in capsys.readouterr().err


def test_the_audit_of_an_empty_year_says_so_and_still_stores_its_counts(district, capsys):
    call_command("audit", "--region", DISTRICT, "--year", "2031", "--list", "0")
    out, err = capsys.readouterr()
    assert NOTE_2031 in err and "珠晖区 2031 年：" in out


def test_the_audit_names_the_missing_half(district, capsys):
    Measure.objects.filter(year=2017).update(year=2016)
    call_command("audit", "--region", DISTRICT, "--year", "2017", "--list", "0")
    assert "注意：2017 年没有帮扶措施" in capsys.readouterr().err
    HouseholdYear.objects.filter(year=2016).delete()  # the measures are in 2016 now
    call_command("audit", "--region", DISTRICT, "--year", "2016", "--list", "0")
    assert "注意：2016 年没有家庭年度信息（收入和生产生活条件）" in capsys.readouterr().err


def test_the_note_in_english(district, capsys):
    with translation.override("en"):
        call_command("summary", "--year", "2031")
    assert "Note: no data for 2031" in capsys.readouterr().err
