"""Households in a group (村民小组) and with a hamlet (自然村) survive a round trip.

The roster has one 自然村 column (alias 村民小组, 组) for what the registry keeps apart: the
household's region, which may be a group of its village, and its free-text hamlet. A
district office that exports its list and imports the file back unchanged must see nothing
updated and no history written, whatever mix of groups and hamlets its households have.
"""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from fupin.core.models import ObjectChange
from fupin.exchange.services.exports import export_households
from fupin.regions.models import Region
from fupin.registry.models import Household, HouseholdYear, Member
from tests.exchange.helpers import household, run, write_csv

pytestmark = pytest.mark.django_db

DACHANG, GROUP_1, GROUP_2, GROUP_3 = "430405014201", "430405014201001", "430405014201002", "430405014201003"
# 户编号 → (region code, hamlet): the shapes a district's households take (the demo puts some
# in groups, others in the village with a hamlet), and two odd ones: a hamlet that shares a
# group's name, and a household in a group whose hamlet is that group's name (what the import
# made of an export before the group came first).
CAST = {
    "430405014201900001": (GROUP_1, ""),
    "430405014201900002": (GROUP_2, "老屋场"),
    "430405014201900003": (DACHANG, "塘边"),
    "430405014201900004": (DACHANG, ""),
    "430405014201900005": (DACHANG, "大昌村三组"),
    "430405014201900006": (GROUP_3, "大昌村三组"),
}


@pytest.fixture
def district(regions, tmp_path):
    """The cast households, loaded from a file and then placed as CAST says."""
    rows = [r for code in CAST for r in household(code, size=2)]
    loaded = run(write_csv(tmp_path / "cast.csv", rows))
    assert loaded.status == "loaded", [str(i) for i in loaded.issues.items]
    for code, (region_code, hamlet) in CAST.items():
        Household.objects.filter(code=code).update(region=regions[region_code], hamlet=hamlet)
    return CAST


def snapshot() -> tuple:
    """Every stored value of the households, their members and years, and the history size."""
    skip = {"updated"}

    def rows(qs) -> list[tuple]:
        return sorted(tuple(sorted((k, str(v)) for k, v in r.items() if k not in skip)) for r in qs.values())

    return rows(Household.objects), rows(Member.objects), rows(HouseholdYear.objects), ObjectChange.objects.count()


def export(path, fmt: str) -> None:
    ids = list(Household.objects.order_by("code").values_list("id", flat=True))
    export_households(path, household_ids=ids, fmt=fmt, year=2019)


def hamlet_cells(path, fmt: str) -> dict[str, str]:
    """户编号 → the 自然村 cell of an export."""
    if fmt == "csv":
        table = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    else:
        table = [
            ["" if v is None else str(v) for v in r] for r in load_workbook(path).active.iter_rows(values_only=True)
        ]
        table = table[1:]  # the title row
    head = table[0]
    return {r[head.index("户编号")]: r[head.index("自然村")] for r in table[1:]}


def drop_column(path, name: str):
    table = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    j = table[0].index(name)
    out = path.with_name(f"no-{path.name}")
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([r[:j] + r[j + 1 :] for r in table])
    return out


def set_cells(path, values: dict[str, str]):
    """A copy of a CSV export with the 自然村 cell of some households rewritten."""
    table = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    code, j = table[0].index("户编号"), table[0].index("自然村")
    for r in table[1:]:
        if r[code] in values:
            r[j] = values[r[code]]
    out = path.with_name(f"edited-{path.name}")
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(table)
    return out


def placed(code: str) -> tuple[str, str]:
    h = Household.objects.select_related("region").get(code=code)
    return h.region.code, h.hamlet


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_unchanged_export_imports_back_as_nothing_changed(district, tmp_path, fmt):
    path = tmp_path / f"export.{fmt}"
    export(path, fmt)
    before = snapshot()

    preview = run(path, dry_run=True)
    result = run(path)

    for outcome in (preview, result):
        assert outcome.ok, [str(i) for i in outcome.issues.items]
        totals = outcome.totals()
        assert totals["households"] == {"created": 0, "updated": 0, "unchanged": len(CAST), "ended": 0}
        assert totals["members"]["updated"] == totals["members"]["created"] == totals["members"]["ended"] == 0
        assert totals["years"]["updated"] == totals["years"]["created"] == 0
    assert result.changes == 0
    assert snapshot() == before
    assert {code: placed(code) for code in CAST} == CAST


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_column_holds_the_group_when_there_is_one_else_the_hamlet(district, tmp_path, fmt):
    path = tmp_path / f"export.{fmt}"
    export(path, fmt)

    cells = hamlet_cells(path, fmt)

    assert cells == {
        "430405014201900001": "大昌村一组",
        "430405014201900002": "大昌村二组",
        "430405014201900003": "塘边",
        "430405014201900004": "",
        "430405014201900005": "大昌村三组",
        "430405014201900006": "大昌村三组",
    }


def test_a_file_that_wrote_the_hamlet_of_a_household_in_a_group_keeps_the_group(district, tmp_path):
    # Exports before the group came first wrote 老屋场 for the household of 二组.
    path = tmp_path / "export.csv"
    export(path, "csv")
    old = set_cells(path, {"430405014201900002": "老屋场"})
    before = snapshot()

    result = run(old)

    assert result.totals()["households"]["updated"] == 0 and result.changes == 0
    assert snapshot() == before


def test_a_file_without_the_column_leaves_groups_and_hamlets_alone(district, tmp_path):
    path = tmp_path / "export.csv"
    export(path, "csv")
    before = snapshot()

    result = run(drop_column(path, "自然村"))

    assert result.ok and result.totals()["households"]["updated"] == 0 and result.changes == 0
    assert snapshot() == before


def test_an_edited_cell_still_moves_the_household(district, tmp_path):
    path = tmp_path / "export.csv"
    export(path, "csv")
    edited = set_cells(
        path,
        {
            "430405014201900001": "大昌村二组",  # to another group: the hamlet stays
            "430405014201900002": "枫树坪",  # a hamlet that is no group: back to the village
            "430405014201900003": "大昌村一组",  # from the village into a group, hamlet kept
            "430405014201900004": "竹山",  # a new hamlet in the village
            "430405014201900006": "",  # emptied: the village, no hamlet
        },
    )

    result = run(edited)

    assert result.totals()["households"]["updated"] == 5
    assert placed("430405014201900001") == (GROUP_2, "")
    assert placed("430405014201900002") == (DACHANG, "枫树坪")
    assert placed("430405014201900003") == (GROUP_1, "塘边")
    assert placed("430405014201900004") == (DACHANG, "竹山")
    assert placed("430405014201900005") == (DACHANG, "大昌村三组")
    assert placed("430405014201900006") == (DACHANG, "")
    changed = ObjectChange.objects.filter(batch_id=result.batch_id)
    assert changed.count() == 5


def test_a_new_household_named_in_a_group_has_no_hamlet(regions, tmp_path):
    rows = household("430405014201900009", size=1, **{"自然村": "大昌村三组"})
    rows += household("430405014201900010", size=1, **{"自然村": "新屋里"})

    assert run(write_csv(tmp_path / "new.csv", rows)).status == "loaded"

    assert placed("430405014201900009") == (GROUP_3, "")
    assert placed("430405014201900010") == (DACHANG, "新屋里")
    assert Region.objects.get(code=GROUP_3).name == "大昌村三组"
