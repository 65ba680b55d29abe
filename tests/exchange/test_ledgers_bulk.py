"""Layouts 4 and 5 loaded set-based: a ledger of measures is created with its plan headers and
change log in bulk, re-imported at the cost of one lookup per kind of reference, updated
with per-field diffs, and a refused row still names its row, column and reason. A dry run
reports the same counts and leaves nothing behind. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fupin.assistance.models import Measure, Pairing, Plan
from fupin.core.models import ObjectChange
from tests.exchange.helpers import errors_of, run, write_csv
from tests.exchange.test_assist_layouts import MEASURES, all_sheets, workbook

pytestmark = pytest.mark.django_db

H1, H2 = "430405014201000301", "430405014201000302"


def ledger(n: int) -> list[dict]:
    """`n` distinct measures over the two households of `all_sheets`, years 2017–2020."""
    items = [("产业", "特色种植"), ("产业", "特色养殖"), ("健康", "家庭医生签约"), ("产业", "加入合作社")]
    rows = []
    for i in range(n):
        category, item = items[(i // 8) % len(items)]
        rows.append(
            {
                "户编号": (H1, H2)[i % 2],
                "年度": str(2017 + (i // 2) % 4),
                "措施类别": category,
                "措施项目": item,
                "金额(元)": str(100 + i),
                "开始日期": f"2019-01-{1 + i // 32:02d}",
            }
        )
    return rows


@pytest.fixture
def loaded(regions, tmp_path):
    result = run(workbook(tmp_path / "all.xlsx", all_sheets(帮扶措施=ledger(32))))
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    return result


def changes(model, batch_id, action="create"):
    return ObjectChange.objects.filter(
        content_type__model=model._meta.model_name, batch_id=batch_id, action=action
    ).order_by("id")


def test_a_first_import_creates_measures_plans_and_their_change_log_in_the_batch(loaded):
    assert loaded.totals()["measures"] == {"created": 32, "updated": 0, "unchanged": 0}
    assert Measure.objects.count() == 32
    # One plan header per household and year that has a measure, each logged once.
    assert set(Plan.objects.values_list("household__code", "year")) == {
        (h, y) for h in (H1, H2) for y in range(2017, 2021)
    }
    assert changes(Measure, loaded.batch_id).count() == 32
    plan_rows = changes(Plan, loaded.batch_id)
    assert plan_rows.count() == 8
    first = plan_rows.first()
    plan = Plan.objects.get(pk=first.object_id)
    assert first.related_id == plan.household_id and first.object_repr == str(plan)
    assert first.after == {
        "household": plan.household_id,
        "year": plan.year,
        "goal": "",
        "target_exit_year": None,
        "note": "",
    }
    row = changes(Measure, loaded.batch_id).first()
    m = Measure.objects.select_related("household", "item").get(pk=row.object_id)
    assert row.object_repr == str(m) and row.related_id == m.household_id
    assert row.after["amount"] == str(m.amount) and row.after["item"] == m.item_id and row.after["status"] == "done"


def test_an_unchanged_ledger_costs_a_few_queries_whatever_its_length(loaded, tmp_path):
    path = write_csv(tmp_path / "measures.csv", ledger(32))
    before = ObjectChange.objects.count()
    with CaptureQueriesContext(connection) as queries:
        again = run(path)
    assert again.status == "loaded", [str(i) for i in again.issues.items]
    assert again.totals()["measures"] == {"created": 0, "updated": 0, "unchanged": 32}
    measure_queries = [q for q in queries.captured_queries if "assistance_measure" in q["sql"]]
    assert len(measure_queries) <= 2, measure_queries
    assert len(queries.captured_queries) < 32
    assert ObjectChange.objects.count() == before + 0 or not changes(Measure, again.batch_id).exists()


def test_a_changed_row_is_updated_with_a_diff_of_its_fields(loaded, tmp_path):
    rows = ledger(32)
    rows[5]["金额(元)"] = "9999"
    rows[6]["状态"] = "计划"
    result = run(write_csv(tmp_path / "changed.csv", rows))
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    assert result.totals()["measures"] == {"created": 0, "updated": 2, "unchanged": 30}
    diffs = list(changes(Measure, result.batch_id, "update"))
    assert sorted(((d.before, d.after) for d in diffs), key=str) == sorted(
        [({"amount": "105.00"}, {"amount": "9999.00"}), ({"status": "done"}, {"status": "planned"})], key=str
    )
    assert not changes(Plan, result.batch_id).exists()


def test_refused_rows_name_their_row_column_and_reason(loaded, tmp_path):
    rows = ledger(4)
    rows.append({"户编号": "430405014201000399", "年度": "2019", "措施类别": "产业", "措施项目": "特色种植"})
    rows.append({"户编号": H1, "年度": "2019", "措施类别": "产业", "措施项目": "不存在的项目"})
    rows.append({"户编号": H1, "年度": "2019", "措施类别": "产业", "措施项目": "特色种植", "项目名称": "无此项目"})
    rows.append({"户编号": H1, "年度": "2013", "措施类别": "产业", "措施项目": "特色养殖"})
    rows.append(
        {
            "户编号": H1,
            "年度": "2019",
            "措施类别": "产业",
            "措施项目": "特色养殖",
            "结束日期": "2018-01-01",
            "开始日期": "2019-02-01",
        }
    )
    before = (Measure.objects.count(), ObjectChange.objects.count())
    result = run(write_csv(tmp_path / "bad.csv", rows))
    assert result.status == "rejected"
    errors = [(e.row, e.column) for e in errors_of(result)]
    assert errors == [(6, "户编号"), (7, "措施项目"), (8, "项目名称"), (9, "年度"), (10, "结束日期")]
    messages = [e.message for e in errors_of(result)]
    assert "不存在（请先导入人员明细）" in messages[0] and "不在“产业”类的措施目录中" in messages[1]
    assert "项目“无此项目”不存在" in messages[2] and "年度应在" in messages[3] and "结束日期不能早于" in messages[4]
    assert (Measure.objects.count(), ObjectChange.objects.count()) == before
    # Only the valid rows, when asked: the refused ones are counted, the rest go in.
    valid = run(write_csv(tmp_path / "bad.csv", rows), valid_only=True)
    assert valid.status == "loaded" and [s.rejected for s in valid.sheets] == [5]
    assert valid.totals()["measures"] == {"created": 0, "updated": 0, "unchanged": 4}


def test_a_row_repeating_an_earlier_rows_measure_finds_it(loaded, tmp_path):
    rows = [*ledger(32), dict(ledger(32)[0], 备注="第二次")]
    rows.append(dict(MEASURES[1], 年度="2020"))
    rows.append(dict(MEASURES[1], 年度="2020"))
    result = run(write_csv(tmp_path / "dup.csv", rows))
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    assert result.totals()["measures"] == {"created": 1, "updated": 1, "unchanged": 33}
    assert Measure.objects.count() == 33


def test_a_dry_run_reports_the_same_counts_and_leaves_nothing(regions, tmp_path):
    path = workbook(tmp_path / "all.xlsx", all_sheets(帮扶措施=ledger(32)))
    before = (Measure.objects.count(), Plan.objects.count(), Pairing.objects.count(), ObjectChange.objects.count())
    dry = run(path, dry_run=True)
    assert dry.status == "checked", [str(i) for i in dry.issues.items]
    assert (
        Measure.objects.count(),
        Plan.objects.count(),
        Pairing.objects.count(),
        ObjectChange.objects.count(),
    ) == before
    real = run(path)
    assert {k: real.totals()[k] for k in ("pairings", "measures")} == {
        k: dry.totals()[k] for k in ("pairings", "measures")
    }
    # A dry run once the households exist writes the measures to check them, then rolls back.
    rows = [*ledger(32), dict(MEASURES[0], 年度="2020")]
    count = (Measure.objects.count(), Plan.objects.count(), ObjectChange.objects.count())
    checked = run(write_csv(tmp_path / "more.csv", rows), dry_run=True)
    assert checked.status == "checked" and checked.totals()["measures"] == {"created": 1, "updated": 0, "unchanged": 32}
    assert (Measure.objects.count(), Plan.objects.count(), ObjectChange.objects.count()) == count


def test_pairings_reimported_unchanged_touch_no_pairing_row_by_row(loaded, tmp_path):
    rows = [
        {"户编号": H1, "帮扶责任人": "周队长", "帮扶责任人电话": "13900000001", "开始日期": "2018-04-01"},
        {"户编号": H2, "帮扶责任人": "吴干部", "帮扶责任人电话": "13900000002", "开始日期": "2018-04-02"},
    ]
    with CaptureQueriesContext(connection) as queries:
        again = run(write_csv(tmp_path / "p.csv", rows))
    assert again.totals()["pairings"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert len([q for q in queries.captured_queries if "assistance_pairing" in q["sql"]]) == 1
    # A new cadre for H1 goes through pairing_assign: the old pairing ends the day the new one starts.
    rows.append({"户编号": H1, "帮扶责任人": "吴干部", "帮扶责任人电话": "13900000002", "开始日期": "2019-01-01"})
    changed = run(write_csv(tmp_path / "p2.csv", rows))
    assert changed.totals()["pairings"] == {"created": 1, "updated": 0, "unchanged": 2}
    history = list(
        Pairing.objects.filter(household__code=H1).order_by("started_on").values_list("cadre__name", "ended_on")
    )
    assert [n for n, _e in history] == ["周队长", "吴干部"] and history[1][1] is None
    assert changes(Pairing, changed.batch_id).count() == 1
