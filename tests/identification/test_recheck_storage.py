"""How the re-check stores its bulk rows: an assessment's columns are JSON text (`json` on
PostgreSQL) that reads back in the keyed shape; several lists matched together file one lead
per person and list, the first row naming the person as its evidence, and nothing twice."""

import datetime as dt
import json
from pathlib import Path

from django.db import connection

from fupin.core.changelog import Context
from fupin.identification.lists import read_list
from fupin.identification.models import Assessment, ComparisonList, Finding
from fupin.identification.models.fields import INPUT_FORMAT, RESULT_FORMAT
from fupin.identification.services.assessments import assessment_run
from fupin.identification.services.comparison import comparison_load, comparisons_match, list_kind_parse
from fupin.regions.models import Region
from fupin.registry.models import Member
from tests.conftest import DISTRICT, JIEFANG, SYSTEM, make_household, new_id
from tests.identification.conftest import poor_household


def test_an_assessment_is_stored_compact_as_json_text_and_read_back_keyed(regions):
    h = poor_household("4304050142010001", registered=True, income="3336")
    a = assessment_run(ctx=SYSTEM, household=h, year=2017)
    again = Assessment.objects.get(pk=a.pk)
    assert again.inputs == a.inputs and again.inputs["per_capita_net_income"] == "3336.00"
    assert again.results == a.results and again.results[0]["criterion"] == "income"
    with connection.cursor() as c:
        c.execute("SELECT inputs, results FROM identification_assessment WHERE id = %s", [a.pk])
        inputs, results = (json.loads(v) if isinstance(v, str) else v for v in c.fetchone())
    assert (inputs[0], results[0]) == (INPUT_FORMAT, RESULT_FORMAT)
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = 'identification_assessment' AND column_name IN ('inputs', 'results')"
            )
            assert dict(c.fetchall()) == {"inputs": "json", "results": "json"}


def _store(tmp_path: Path, kind: str, ids: list[str]) -> ComparisonList:
    path = tmp_path / f"{kind}.csv"
    lines = ["序号,姓名,证件号码", *(f"{n},某,{i}" for n, i in enumerate(ids, start=1))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, name = list_kind_parse(kind)
    return comparison_load(
        ctx=Context(actor=None),
        region=Region.objects.get(code=DISTRICT),
        kind=code,
        kind_name=name,
        data=read_list(path),
    )


def test_lists_matched_together_file_one_lead_per_person_and_list(tmp_path, regions):
    a = make_household("4304050142010001")
    b = make_household("4304052012010001", JIEFANG)
    a_id, b_id = (Member.objects.get(household=h, relation="01").id_number for h in (a, b))
    stranger = new_id(dt.date(1980, 1, 1))
    # The vehicle list names A twice (lines 1 and 3); both lists name A.
    vehicle = _store(tmp_path, "vehicle", [a_id, b_id, a_id, stranger])
    housing = _store(tmp_path, "housing", [a_id])

    totals = comparisons_match(comparisons=[vehicle, housing])
    assert (totals["matched"], totals["unmatched"], totals["findings"]) == (3, 1, 3)
    found = Finding.objects.filter(comparison__in=[vehicle, housing])
    assert sorted((f.comparison_id, f.household_id) for f in found) == sorted(
        [(vehicle.pk, a.pk), (vehicle.pk, b.pk), (housing.pk, a.pk)]
    )
    first = found.get(comparison=vehicle, household=a)
    assert first.row.line == min(vehicle.rows.filter(id_number=a_id).values_list("line", flat=True))
    vehicle.refresh_from_db()
    assert (vehicle.matched, vehicle.unmatched, vehicle.findings) == (2, 1, 2)

    # Matched again (the next re-check): the same counts, no lead filed twice.
    again = comparisons_match(comparisons=[vehicle, housing])
    assert (again["matched"], again["findings"]) == (3, 0)
    assert found.count() == 3
