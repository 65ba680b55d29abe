"""Small roster files made by the tests: rows as dicts keyed by header, written as xlsx or
CSV in any encoding, with optional title rows and a two-row merged header."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import transaction
from hypothesis import strategies as st
from openpyxl import Workbook

from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource
from fupin.core.models import ObjectChange
from fupin.exchange.models import ImportBatch
from fupin.exchange.services.imports import import_file
from fupin.registry.models import Household, HouseholdStatusEvent, HouseholdYear, Member
from fupin.utils import idno

SYSTEM = Context(actor=None, source=ChangeSource.COMMAND)
_n = iter(range(1, 10**6))

# What the generated households of the round-trip tests draw from: villages of the test
# region tree, amounts in yuan as a user types them, and a yes/no cell.
VILLAGES = [("东阳渡街道", "大昌村"), ("东阳渡街道", "光辉村"), ("酃湖乡", "解放村"), ("茶山坳镇", "茶山村")]
money = st.integers(min_value=0, max_value=5_000_000).map(lambda c: f"{c / 100:.2f}")
yes_no = st.sampled_from(["是", "否", ""])


def pid(born: dt.date = dt.date(1970, 3, 15), *, female: bool = False) -> str:
    """A fresh valid 18-digit ID number."""
    n = next(_n)
    born = born + dt.timedelta(days=n % 300)
    seq = (n * 2 + (0 if female else 1)) % 1000
    return idno.make("430405", born, seq)


def person(code: str, relation: str = "户主", **kw) -> dict:
    """One roster row of household `code` in 大昌村 with every household column repeated."""
    row = {
        "县(市、区)": "珠晖区",
        "乡(镇)": "东阳渡街道",
        "行政村": "大昌村",
        "自然村": "",
        "户编号": code,
        "姓名": "张三",
        "证件号码": pid(),
        "与户主关系": relation,
        "民族": "汉族",
        "政治面貌": "群众",
        "文化程度": "初中",
        "在校生状况": "",
        "健康状况": "健康",
        "劳动技能": "普通劳动力",
        "是否参加城乡居民基本医疗保险": "是",
        "家庭人口数": "1",
        "贫困户属性": "一般贫困户",
        "主要致贫原因": "因病",
        "其他致贫原因": "",
        "识别标准": "国家标准",
        "识别年度": "2014",
        "脱贫标志": "未脱贫",
        "脱贫年度": "",
        "工资性收入": "3000",
        "生产经营性收入": "1000",
        "财产性收入": "0",
        "转移性收入": "500",
        "生产经营性支出": "500",
        "人均纯收入": "",
    }
    row.update(kw)
    return row


def household(code: str, size: int = 3, **kw) -> list[dict]:
    """A household of `size` rows (head, spouse, children) with 家庭人口数 filled."""
    rows = [person(code, "户主", **{"姓名": "王大", "证件号码": pid(dt.date(1968, 5, 1)), **kw})]
    if size > 1:
        rows.append(person(code, "配偶", **{"姓名": "李梅", "证件号码": pid(dt.date(1970, 2, 1), female=True), **kw}))
    for i in range(size - 2):
        rows.append(person(code, "之子", **{"姓名": f"王小{i}", "证件号码": pid(dt.date(1995, 1, 1)), **kw}))
    for r in rows:
        r["家庭人口数"] = str(size)
    return rows


def headers_of(rows: list[dict]) -> list[str]:
    seen: dict[str, None] = {}
    for r in rows:
        seen.update(dict.fromkeys(r))
    return list(seen)


def write_csv(
    path: Path, rows: list[dict], *, encoding: str = "utf-8", title: str | None = None, headers: list[str] | None = None
) -> Path:
    headers = headers or headers_of(rows)
    buf = io.StringIO()
    w = csv.writer(buf)
    if title:
        w.writerow([title])
    w.writerow(headers)
    for r in rows:
        w.writerow([r.get(h, "") for h in headers])
    Path(path).write_bytes(buf.getvalue().encode(encoding))
    return Path(path)


def write_xlsx(
    path: Path,
    rows: list[dict],
    *,
    title: str | None = None,
    sheet: str = "人员明细",
    two_row_header: bool = False,
    raw: dict[tuple[int, str], object] | None = None,
    extra_rows: list[list] | None = None,
) -> Path:
    """xlsx with optional title rows; `two_row_header` groups the income columns under a
    merged 收入情况（元） cell and merges the other headers down over both rows. `raw`
    overrides a cell value by (row index, header) with a non-text value (e.g. a float)."""
    headers = headers_of(rows)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    r0 = 1
    if title:
        ws.cell(row=1, column=1, value=title)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        ws.cell(row=2, column=1, value="填报单位：珠晖区扶贫办")
        r0 = 3
    income = [h for h in headers if h.endswith("收入") or h.endswith("支出")]
    if two_row_header:
        first = headers.index(income[0]) + 1
        for j, h in enumerate(headers, start=1):
            if h in income:
                ws.cell(row=r0 + 1, column=j, value=h)
            else:
                ws.cell(row=r0, column=j, value=h)
                ws.merge_cells(start_row=r0, start_column=j, end_row=r0 + 1, end_column=j)
        ws.cell(row=r0, column=first, value="收入情况（元）")
        ws.merge_cells(start_row=r0, start_column=first, end_row=r0, end_column=first + len(income) - 1)
        data_start = r0 + 2
    else:
        for j, h in enumerate(headers, start=1):
            ws.cell(row=r0, column=j, value=h)
        data_start = r0 + 1
    for i, row in enumerate(rows):
        for j, h in enumerate(headers, start=1):
            value = row.get(h, "")
            if raw and (i, h) in raw:
                value = raw[(i, h)]
            if value != "":
                cell = ws.cell(row=data_start + i, column=j, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"
    for k, extra in enumerate(extra_rows or []):
        for j, value in enumerate(extra, start=1):
            ws.cell(row=data_start + len(rows) + k, column=j, value=value)
    wb.save(path)
    return Path(path)


def run(path: Path, **kw):
    kw.setdefault("year", 2019)
    return import_file(path=path, ctx=SYSTEM, **kw)


def state() -> tuple:
    """Counts and a checksum of the registry, to assert that nothing changed."""
    members = sorted(Member.objects.values_list("id_number", "name", "relation", "ended_on", "household__code"))
    households = sorted(Household.objects.values_list("code", "status", "main_cause", "region_id"))
    years = sorted(HouseholdYear.objects.values_list("household__code", "year", "wage_income", "persons"))
    return len(households), len(members), hash((tuple(members), tuple(households), tuple(map(str, years))))


def errors_of(result) -> list:
    return [i for i in result.issues.items if i.severity == "error"]


def delete_registry() -> None:
    """Every household, member, year, status event, import batch and history entry: an
    empty registry to import an export into."""
    ObjectChange.objects.all().delete()
    ImportBatch.objects.all().delete()
    HouseholdStatusEvent.objects.all().delete()
    HouseholdYear.objects.all().delete()
    Member.objects.all().delete()
    Household.objects.all().delete()


@contextmanager
def undone() -> Iterator[None]:
    """Run the block in a transaction that is always rolled back: the examples of one
    hypothesis test share the test's database, so each leaves it as it found it."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
