"""The verification list (核查清单): the queue page's export keeps its filters and the reader's
scope, runs as a job whose page offers the file, and never carries a full ID number, a phone
or a bank account to the village cadres who receive it."""

from __future__ import annotations

import html
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from fupin.core.models import Job
from fupin.identification.models import ComparisonList, ComparisonRow, Finding
from tests.conftest import DISTRICT, JIEFANG, make_household, new_id, region

FULL_ID = re.compile(r"\d{17}[\dX]")


@pytest.fixture
def queue(regions):
    """Two findings in 大昌村 (东阳渡街道): a vehicle-list match whose row carries the
    department's other columns, and a duplicate; one in 解放村 (酃湖乡)."""
    dachang = make_household("4304050142010301")
    jiefang = make_household("4304052012010301", JIEFANG)
    member = dachang.members.get()
    lst = ComparisonList.objects.create(
        region=region(DISTRICT), kind="vehicle", kind_name="机动车登记", file_name="车辆.xlsx"
    )
    row = ComparisonRow.objects.create(
        comparison=lst,
        line=2,
        id_number=member.id_number,
        name=member.name,
        evidence={
            "号牌号码": "湘D12345",
            "车主身份证": member.id_number,
            "联系电话": "13907341234",
            "银行账号": "6222021234567890123",
            "病种": "糖尿病",
            "备注": f"车主 {new_id()}，电话 13812345678",
        },
    )
    list_match = Finding.objects.create(
        region=dachang.region,
        kind="list_match",
        household=dachang,
        member=member,
        list_kind="vehicle",
        comparison=lst,
        row=row,
        fingerprint="fx-1",
    )
    duplicate = Finding.objects.create(
        region=dachang.region,
        kind="duplicate_id",
        household=dachang,
        member=member,
        evidence={"name": member.name, "birth_date": "1970-01-01"},
        fingerprint="fx-2",
    )
    other = Finding.objects.create(
        region=jiefang.region, kind="rule", household=jiefang, member=jiefang.members.get(), fingerprint="fx-3"
    )
    return {"list_match": list_match, "duplicate": duplicate, "other": other, "member": member}


def _client(user, language: str = "zh-hans") -> Client:
    c = Client()
    c.force_login(user)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return c


def _export(client: Client, query: str = "", fmt: str = "xlsx", capture=None) -> Job:
    url = reverse("identification:finding_export") + (f"?{query}" if query else "")
    with capture(execute=True):
        response = client.post(url, {"format": fmt})
    job = Job.objects.filter(kind="exchange.findings").latest("created")
    assert response.status_code == 302 and response.url == reverse("core:job_detail", args=[job.pk])
    assert job.status == "done", job.log
    return job


def _cells(job: Job) -> list[list[object]]:
    wb = load_workbook(io.BytesIO(job.result_file.read()), read_only=True)
    return [list(r) for r in wb.active.iter_rows(values_only=True)]


def test_the_export_button_keeps_the_page_filters(queue, coordinator):
    dachang = queue["list_match"].region
    page = _client(coordinator).get(
        reverse("identification:finding_list"), {"status": "all", "kind": "list_match", "region": dachang.pk, "page": 1}
    )
    action = re.search(r'<form method="post" class="actions" action="([^"]+)"', page.content.decode())
    assert action is not None
    url = urlsplit(html.unescape(action.group(1)))
    assert url.path == reverse("identification:finding_export")
    assert parse_qs(url.query) == {"status": ["all"], "kind": ["list_match"], "region": [str(dachang.pk)]}


def test_the_export_follows_the_filters(queue, coordinator, django_capture_on_commit_callbacks):
    job = _export(_client(coordinator), "kind=duplicate_id", capture=django_capture_on_commit_callbacks)
    rows = _cells(job)[2:]
    assert [r[7] for r in rows] == ["证件号码重复"] and job.result["rows"] == 1


def test_a_township_reviewer_exports_only_their_township(
    queue, reviewer, coordinator, django_capture_on_commit_callbacks
):
    # Asking for another township's region is ignored, as the page ignores it.
    jiefang = queue["other"].region
    job = _export(_client(reviewer), f"region={jiefang.pk}", capture=django_capture_on_commit_callbacks)
    rows = _cells(job)
    assert rows[0][0].startswith("东阳渡街道核查清单")
    assert {r[1] for r in rows[2:]} == {"东阳渡街道"} and len(rows) == 4
    assert {r[3] for r in rows[2:]} == {"4304050142010301"}
    everything = _export(_client(coordinator), capture=django_capture_on_commit_callbacks)
    assert {r[3] for r in _cells(everything)[2:]} == {"4304050142010301", "4304052012010301"}


def test_no_full_id_phone_or_account_leaves_in_the_file(queue, coordinator, django_capture_on_commit_callbacks):
    job = _export(_client(coordinator), capture=django_capture_on_commit_callbacks)
    rows = _cells(job)
    text = "\n".join(str(v) for r in rows for v in r if v is not None)
    assert not FULL_ID.search(text), text
    for secret in ("13907341234", "13812345678", "6222021234567890123", "糖尿病"):
        assert secret not in text
    header, first = rows[1], rows[2]
    assert header[:7] == ["序号", "乡镇", "村", "户编号", "户主姓名", "成员姓名", "证件号码"]
    assert header[-4:] == ["核查结果", "核查人", "核查日期", "说明"]
    member_id = queue["member"].id_number
    assert first[6] == f"{member_id[:6]}********{member_id[-4:]}"
    assert first[8] == "机动车登记（车辆.xlsx）"
    assert "号牌号码：湘D12345" in first[9] and "联系电话：139****1234" in first[9]
    assert "病种" not in first[9] and "银行账号" not in first[9]
    assert not any(first[12:])  # left for the cadre


def test_the_job_page_offers_the_file_to_its_starter(queue, reviewer, cadre, django_capture_on_commit_callbacks):
    client = _client(reviewer)
    job = _export(client, "status=all", capture=django_capture_on_commit_callbacks)
    detail = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    download = reverse("core:job_download", args=[job.pk])
    assert download in detail
    response = client.get(download)
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(b"".join(response.streaming_content))).active["A2"].value == "序号"
    assert _client(cadre).get(download).status_code == 404  # another person's file


def test_csv_is_offered_too(queue, coordinator, django_capture_on_commit_callbacks):
    job = _export(_client(coordinator), fmt="csv", capture=django_capture_on_commit_callbacks)
    text = job.result_file.read().decode("utf-8-sig")
    assert text.startswith("序号,乡镇,村,户编号") and not FULL_ID.search(text)
    assert job.result_file.name.endswith(".csv") and job.result["rows"] == 3


def test_export_is_absent_for_a_visitor_without_the_queue(queue, client):
    assert client.post(reverse("identification:finding_export")).status_code == 302  # to the login page


def test_the_button_in_english(queue, coordinator):
    page = _client(coordinator, "en").get(reverse("identification:finding_list")).content.decode()
    assert "Export verification list" in page


def test_the_command_line_export(queue, tmp_path):
    path = tmp_path / "核查清单.xlsx"
    out = io.StringIO()
    call_command("findings", "export", str(path), "--region", "430405014", "--status", "all", stdout=out)
    wb = load_workbook(path, read_only=True)
    rows = [list(r) for r in wb.active.iter_rows(values_only=True)]
    assert len(rows) == 4 and {r[1] for r in rows[2:]} == {"东阳渡街道"}
    assert not FULL_ID.search(str(rows))
