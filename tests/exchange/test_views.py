"""The district office uploads a roster, reads the preview, confirms, and the load runs as a
job; exports keep the household list's filters and the reader's scope."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from fupin.accounts.choices import RoleCode
from fupin.core.models import Job, ObjectChange
from fupin.exchange.models import ImportBatch
from fupin.registry.models import Household, Member
from tests.conftest import DONGYANGDU, make_household, make_user
from tests.exchange.helpers import household, state, write_csv

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def upload(client: Client, path, **extra):
    with open(path, "rb") as fh:
        return client.post(reverse("exchange:import_upload"), {"file": fh, "year": "2019", **extra})


def test_upload_preview_confirm_and_load(coordinator, tmp_path, django_capture_on_commit_callbacks):
    client = login(coordinator)
    path = write_csv(tmp_path / "roster.csv", household("430405014201000201", 3) + household("430405014201000202", 2))
    before = state()
    response = upload(client, path)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("exchange:batch_detail", args=[batch.pk])
    assert batch.status == "previewed" and batch.households_created == 2
    assert state() == before  # the preview wrote nothing
    page = client.get(response.url)
    assert page.status_code == 200 and "确认导入" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exchange:batch_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "loaded" and batch.job.status == "done", (batch.job.result, batch.job.log)
    assert Household.objects.filter(code__startswith="43040501420100020").count() == 2
    changes = ObjectChange.objects.filter(batch_id=batch.pk)
    assert changes.count() == 2 and {c.actor_id for c in changes} == {coordinator.pk}  # one per new household
    assert "导入结果" in client.get(reverse("exchange:batch_detail", args=[batch.pk])).content.decode()
    # The household page shows the import's creation of the household in its history.
    h = Household.objects.get(code="430405014201000201")
    detail = client.get(reverse("registry:household_detail", args=[h.pk])).content.decode()
    assert "badge-create" in detail and "430405014201000201" in detail
    # … with its members and its year as small tables, never as raw text.
    nested = detail.partition('class="table table-compact history-nested"')[2]
    assert "<caption>" in nested and "王大" in nested and "李梅" in nested and '<th scope="col">姓名</th>' in nested
    assert "{'" not in detail and "[{" not in detail


def test_errors_are_previewed_with_a_downloadable_report_and_block_a_plain_confirm(coordinator, tmp_path):
    client = login(coordinator)
    rows = household("430405014201000203", 2)
    rows[1]["健康状况"] = "很好"
    upload(client, write_csv(tmp_path / "bad.csv", rows))
    batch = ImportBatch.objects.get()
    page = client.get(reverse("exchange:batch_detail", args=[batch.pk])).content.decode()
    assert "很好" in page and "只导入无误的户" in page
    report = client.get(reverse("exchange:batch_report", args=[batch.pk]))
    wb = load_workbook(io.BytesIO(b"".join(report.streaming_content)))
    assert "错误汇总" in wb.sheetnames
    from fupin.core.changelog import Context
    from fupin.core.errors import ApplicationError
    from fupin.exchange.services.batches import batch_confirm

    with pytest.raises(ApplicationError):
        batch_confirm(ctx=Context(actor=coordinator), batch=batch, valid_only=False)


def test_households_outside_the_importers_scope_are_rejected_naming_the_rows(regions, tmp_path):
    township_office = make_user("township_office", RoleCode.DISTRICT_OFFICE, DONGYANGDU)
    client = login(township_office)
    inside = household("430405014201000204", 1)
    outside = household("430405201201000205", 2, 乡镇="酃湖乡", 行政村="解放村")
    for r in outside:
        r["乡(镇)"] = "酃湖乡"
        r.pop("乡镇")
    upload(client, write_csv(tmp_path / "scope.csv", inside + outside))
    batch = ImportBatch.objects.get()
    errors = batch.summary["issues"]["first"]
    assert [e["row"] for e in errors if e["kind"] == "scope"] == [3]
    assert batch.summary["sheets"][0]["rejected"] == 1


def test_a_large_file_is_previewed_by_a_job(coordinator, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    from fupin.exchange.services import batches

    monkeypatch.setattr(batches, "INLINE_PREVIEW_BYTES", {".csv": 0})
    client = login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, write_csv(tmp_path / "big.csv", household("430405014201000206", 2)))
    batch = ImportBatch.objects.get()
    assert batch.job.kind == "exchange.preview" and batch.job.status == "done"
    assert batch.status == "previewed" and batch.households_created == 1


def test_only_csv_and_xlsx_are_accepted(coordinator, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    response = upload(login(coordinator), path)
    assert response.status_code == 200 and "只能导入" in response.content.decode()
    assert not ImportBatch.objects.exists()


# ------------------------------------------------------------------------------ export


@pytest.fixture
def two_villages(regions):
    a = make_household(
        "4304050142010301",
        head={
            "name": "=cmd|' /C calc'!A0",
            "id_number": "430405196803150012",
            "education": "03",
            "health": "01",
            "labour_skill": "1",
        },
    )
    b = make_household("4304052012010302", "430405201201")
    return a, b


def _rows(response) -> list[tuple]:
    wb = load_workbook(io.BytesIO(response.content))
    return list(wb.active.iter_rows(values_only=True))


def test_export_keeps_the_list_filters_and_the_scope(two_villages, coordinator, reviewer, leader):
    everything = _rows(login(coordinator).get(reverse("exchange:household_export")))
    assert everything[0][0] == "珠晖区建档立卡贫困人口明细表" and everything[1][0] == "县(市、区)"
    assert {r[4] for r in everything[2:]} == {"4304050142010301", "4304052012010302"}
    filtered = _rows(login(coordinator).get(reverse("exchange:household_export") + "?q=4304052012"))
    assert {r[4] for r in filtered[2:]} == {"4304052012010302"}
    township = _rows(login(reviewer).get(reverse("exchange:household_export")))
    assert {r[4] for r in township[2:]} == {"4304050142010301"}
    masked = _rows(login(leader).get(reverse("exchange:household_export")))
    ids = [r[8] for r in masked[2:]]
    assert all("********" in i for i in ids)


def test_export_writes_id_columns_as_text_and_labels_not_codes(two_villages, coordinator):
    response = login(coordinator).get(reverse("exchange:household_export"))
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.active
    header = [c.value for c in ws[2]]
    id_cell = ws.cell(row=3, column=header.index("证件号码") + 1)
    assert id_cell.number_format == "@" and isinstance(id_cell.value, str)
    assert ws.cell(row=3, column=header.index("主要致贫原因") + 1).value == "因病"
    # A name that looks like a formula stays text in xlsx.
    assert ws.cell(row=3, column=header.index("姓名") + 1).data_type == "s"


def test_csv_export_neutralises_formulas_and_has_a_bom(two_villages, coordinator):
    response = login(coordinator).get(reverse("exchange:household_export") + "?format=csv")
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert "'=cmd" in text and ",=cmd" not in text


def test_export_is_refused_without_the_export_permission(two_villages, cadre):
    assert login(cadre).get(reverse("exchange:household_export")).status_code == 403


def test_a_large_export_runs_as_a_job(two_villages, coordinator, monkeypatch, django_capture_on_commit_callbacks):
    from fupin.exchange import views

    monkeypatch.setattr(views, "EXPORT_INLINE_LIMIT", 1)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(coordinator).get(reverse("exchange:household_export") + "?format=csv")
    job = Job.objects.get(kind="exchange.export")
    assert response.status_code == 302 and str(job.pk) in response.url
    assert job.status == "done" and job.result["households"] == 2
    assert job.result_file.read().decode("utf-8-sig").count("\n") == 3
    assert Member.objects.count() == 2


def test_a_loaded_batch_with_unregistered_households_links_to_their_applications(
    coordinator, tmp_path, django_capture_on_commit_callbacks
):
    client = login(coordinator)
    upload(client, write_csv(tmp_path / "r.csv", household("430405014201000211", 2)))
    batch = ImportBatch.objects.get()
    target = reverse("identification:import_applications", args=[batch.pk])
    assert target not in client.get(reverse("exchange:batch_detail", args=[batch.pk])).content.decode()  # a preview
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exchange:batch_confirm", args=[batch.pk]))
    # Every household of the roster is registered: nobody to apply for.
    assert target not in client.get(reverse("exchange:batch_detail", args=[batch.pk])).content.decode()
    Household.objects.filter(code="430405014201000211").update(registered=False, status="")
    assert target in client.get(reverse("exchange:batch_detail", args=[batch.pk])).content.decode()
    assert client.get(target).status_code == 200
