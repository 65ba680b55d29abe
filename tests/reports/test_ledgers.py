"""台账: the region ledgers as jobs, the household file, ID columns as text, masking."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from fupin.core.jobs import execute
from fupin.core.models import Job
from fupin.reports.jobs import LEDGER
from tests.conftest import DACHANG, DONGYANGDU, region

pytestmark = pytest.mark.django_db


def _ledger(user, kind: str, code: str, year: int = 2017):
    job = Job.objects.create(kind=LEDGER, actor=user, params={"kind": kind, "region_id": region(code).pk, "year": year})
    execute(job)
    job.refresh_from_db()
    assert job.status == "done", job.log
    wb = load_workbook(io.BytesIO(job.result_file.read()))
    return job, wb.worksheets[0]


def _rows(ws):
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_the_household_ledger_of_a_township(district, reviewer):
    job, ws = _ledger(reviewer, "households", DONGYANGDU)
    rows = _rows(ws)
    assert rows[0][0] == "2017 年一户一档汇总台账"
    header = rows[2]
    body = {r[0]: dict(zip(header, r, strict=True)) for r in rows[3:]}
    assert set(body) == {"4304050142010001", "4304050142010002", "4304050142020003", "4304050142010007"}
    h2 = body["4304050142010002"]
    assert h2["村"] == "大昌村" and h2["组"] == "大昌村一组" and h2["家庭人口"] == 2
    assert h2["贫困户属性"] == "低保贫困户" and h2["脱贫标志"] == "已脱贫"
    h1 = body["4304050142010001"]
    assert h1["帮扶责任人"] == "干部一" and h1["措施数"] == 2
    assert len(h1["户主证件号码"]) == 18 and "*" not in h1["户主证件号码"]  # the reviewer may see IDs
    id_cell = next(
        c for c in next(iter(ws.iter_rows(min_row=4, max_row=4))) if c.column == header.index("户主证件号码") + 1
    )
    assert id_cell.data_type == "s" and id_cell.number_format == "@"  # text: Excel keeps all 18 digits
    assert job.result["rows"] == 4


def test_a_leader_gets_masked_personal_data(district, leader):
    _job, ws = _ledger(leader, "students", DACHANG)
    rows = _rows(ws)
    header = rows[2]
    students = [dict(zip(header, r, strict=True)) for r in rows[3:]]
    assert [s["学生姓名"] for s in students] == ["赵小一"]
    assert "********" in students[0]["证件号码"]
    assert "脱敏" in rows[1][0]


def test_measures_visits_and_floor_ledgers(district, coordinator):
    _job, ws = _ledger(coordinator, "measures", "430405")
    rows = _rows(ws)
    assert len(rows) - 3 == 6  # the 2017 measures of the district
    _job, ws = _ledger(coordinator, "floor", "430405")
    rows = _rows(ws)
    header = rows[2]
    floor = {r[0]: dict(zip(header, r, strict=True)) for r in rows[3:]}
    h2 = floor["4304050142010002"]
    # 270 yuan × (2 persons January–June, the member who died on 30 June counts in June) + 1 person after
    assert [h2[f"{m}月人数"] for m in range(1, 13)] == [2] * 6 + [1] * 6
    assert h2["标准(元/人·月)"] == 270 and h2["全年应发(元)"] == 270 * 18
    assert h2["已录措施金额(元)"] == 6480 and h2["差额(元)"] == 6480 - 270 * 18
    _job, ws = _ledger(coordinator, "visits", "430405")
    assert len(_rows(ws)) == 3  # no visits: title, subtitle, header


def test_a_ledger_outside_the_scope_fails_without_a_file(district, other_cadre):
    job = Job.objects.create(
        kind=LEDGER, actor=other_cadre, params={"kind": "households", "region_id": region(DACHANG).pk, "year": 2017}
    )
    execute(job)
    job.refresh_from_db()
    assert job.status == "failed" and not job.result_file


def test_the_household_file_has_every_section(district, cadre):
    c = Client()
    c.force_login(cadre)
    r = c.get(reverse("reports:household_ledger", kwargs={"pk": district.h["H1"].pk}) + "?year=2017")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["基本情况", "家庭成员", "收入与生产生活条件", "帮扶责任人", "帮扶措施", "走访记录"]
    members = [[c.value for c in row] for row in wb["家庭成员"].iter_rows(min_row=3)]
    assert {m[0] for m in members} == {"赵一", "钱一", "赵小一"}


def test_posting_the_form_queues_a_job(district, cadre):
    c = Client()
    c.force_login(cadre)
    r = c.post(reverse("reports:ledgers"), {"kind": "visits", "year": "2017", "region": region(DACHANG).pk})
    job = Job.objects.get(kind=LEDGER)
    assert r.status_code == 302 and r["Location"] == reverse("core:job_detail", kwargs={"pk": job.pk})
    assert job.params == {"kind": "visits", "region_id": region(DACHANG).pk, "year": 2017}
    r = c.post(reverse("reports:ledgers"), {"kind": "nonsense", "year": "2017", "region": region(DACHANG).pk})
    assert r.status_code == 200 and Job.objects.filter(kind=LEDGER).count() == 1
