"""A roster may list households that were never registered (一般农户: 边缘易致贫户 candidates,
applicants) beside registered ones, told apart by 户类型. Registered rows keep every rule of
layout 1; 一般农户 rows load unregistered, without a poverty status, and can become
applications from the import's batch."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from fupin.exchange.models import ImportBatch
from fupin.registry.models import Household
from tests.exchange.helpers import household, run, state, write_csv

pytestmark = pytest.mark.django_db

NONE_OF_REGISTRATION = {"识别年度": "", "脱贫标志": "", "贫困户属性": "", "主要致贫原因": "", "识别标准": ""}


def ordinary(code: str, size: int = 2, **kw) -> list[dict]:
    return household(code, size, 户类型="一般农户", **{**NONE_OF_REGISTRATION, **kw})


def errors_of(result):
    return [i for i in result.issues.items if i.severity == "error"]


def test_ordinary_households_load_unregistered_beside_registered_ones(regions, tmp_path):
    rows = household("430405014201000901", 2, 户类型="脱贫户") + ordinary("430405014201000902")
    result = run(write_csv(tmp_path / "mixed.csv", rows))
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    poor = Household.objects.get(code="430405014201000901")
    plain = Household.objects.get(code="430405014201000902")
    assert poor.registered and poor.status == "not_exited" and poor.identified_year == 2014
    assert not plain.registered and plain.status == "" and plain.identified_year is None
    assert plain.members.count() == 2
    again = run(write_csv(tmp_path / "mixed.csv", rows))
    assert again.totals()["households"] == {"created": 0, "updated": 0, "unchanged": 2, "ended": 0}


def test_an_applicant_may_state_attribute_and_cause(regions, tmp_path):
    rows = ordinary("430405014201000903", 1, 贫困户属性="一般贫困户", 主要致贫原因="因病")
    assert run(write_csv(tmp_path / "a.csv", rows)).status == "loaded"
    h = Household.objects.get(code="430405014201000903")
    assert not h.registered and (h.attribute, h.main_cause) == ("1", "01")


def test_a_file_of_ordinary_households_alone_needs_no_registration_columns(regions, tmp_path):
    rows = [{k: v for k, v in r.items() if k not in NONE_OF_REGISTRATION} for r in ordinary("430405014201000904")]
    result = run(write_csv(tmp_path / "o.csv", rows))
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    assert not Household.objects.get(code="430405014201000904").registered


def test_registered_rows_keep_their_required_fields(regions, tmp_path):
    rows = household("430405014201000905", 1, 户类型="脱贫户", 识别年度="") + ordinary("430405014201000906")
    before = state()
    result = run(write_csv(tmp_path / "r.csv", rows))
    assert result.status == "rejected"
    assert [(e.kind, e.row, e.column) for e in errors_of(result)] == [("required", 2, "识别年度")]
    assert state() == before


def test_an_ordinary_household_with_a_poverty_status_contradicts_itself(regions, tmp_path):
    rows = ordinary("430405014201000907", 1, 脱贫标志="已脱贫")
    result = run(write_csv(tmp_path / "c.csv", rows))
    assert result.status == "rejected"
    error = next(e for e in errors_of(result) if e.column == "脱贫标志")
    assert (error.row, error.value) == (2, "已脱贫") and "一般农户" in error.message


def test_a_roster_never_takes_a_registered_household_out_of_registration(regions, tmp_path):
    assert run(write_csv(tmp_path / "1.csv", household("430405014201000908", 1))).status == "loaded"
    before = state()
    result = run(write_csv(tmp_path / "2.csv", ordinary("430405014201000908", 1)))
    assert result.status == "rejected"
    [error] = errors_of(result)
    assert (error.row, error.column) == (2, "户类型") and "已建档立卡" in error.message
    assert state() == before and Household.objects.get(code="430405014201000908").registered


def test_the_batch_page_offers_applications_for_its_ordinary_households(
    coordinator, tmp_path, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(coordinator)
    rows = household("430405014201000909", 1) + ordinary("430405014201000910")
    with open(write_csv(tmp_path / "b.csv", rows), "rb") as fh:
        client.post(reverse("exchange:import_upload"), {"file": fh, "year": "2019"})
    batch = ImportBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exchange:batch_confirm", args=[batch.pk]))
    target = reverse("identification:import_applications", args=[batch.pk])
    assert target in client.get(reverse("exchange:batch_detail", args=[batch.pk])).content.decode()
    page = client.get(target)
    assert page.status_code == 200 and page.context["p"].eligible == 1


def _untyped(rows: list[dict]) -> list[dict]:
    """The rows of a roster without the 户类型 column."""
    return [{k: v for k, v in r.items() if k != "户类型"} for r in rows]


@pytest.mark.parametrize(
    "again",
    [
        pytest.param(_untyped, id="no-column"),
        pytest.param(lambda rows: [dict(r, 户类型="") for r in rows], id="empty-cell"),
    ],
)
def test_an_ordinary_household_stays_unregistered_when_a_roster_leaves_its_type_out(regions, tmp_path, again):
    rows = household("430405014201000911", 1) + ordinary("430405014201000912")
    assert run(write_csv(tmp_path / "1.csv", rows)).status == "loaded"
    result = run(write_csv(tmp_path / "2.csv", again(rows)))
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    assert not errors_of(result)
    assert result.totals()["households"] == {"created": 0, "updated": 0, "unchanged": 2, "ended": 0}
    plain = Household.objects.get(code="430405014201000912")
    assert not plain.registered and plain.status == "" and plain.identified_year is None
    assert not plain.status_events.exists()


@pytest.mark.parametrize("type_cell", [None, ""], ids=["no-column", "empty-cell"])
def test_registration_filled_in_for_an_unregistered_household_without_a_type_is_refused(regions, tmp_path, type_cell):
    assert run(write_csv(tmp_path / "1.csv", ordinary("430405014201000913", 1))).status == "loaded"
    before = state()
    rows = household("430405014201000913", 1)  # 识别年度 2014, 未脱贫 …
    if type_cell is not None:
        rows = [dict(r, 户类型=type_cell) for r in rows]
    result = run(write_csv(tmp_path / "2.csv", rows))
    assert result.status == "rejected"
    assert {(e.row, e.column) for e in errors_of(result)} == {(2, "识别年度"), (2, "脱贫标志")}
    assert all("一般农户" in e.message for e in errors_of(result))
    assert state() == before and not Household.objects.get(code="430405014201000913").registered


def test_a_roster_never_registers_an_unregistered_household(regions, tmp_path):
    assert run(write_csv(tmp_path / "1.csv", ordinary("430405014201000914", 1))).status == "loaded"
    before = state()
    result = run(write_csv(tmp_path / "2.csv", household("430405014201000914", 1, 户类型="脱贫户")))
    assert result.status == "rejected"
    [error] = errors_of(result)
    assert (error.row, error.column, error.value) == (2, "户类型", "脱贫户") and "识别" in error.message
    assert state() == before and not Household.objects.get(code="430405014201000914").registered


def test_a_new_household_without_a_type_is_registered_and_needs_its_registration(regions, tmp_path):
    rows = household("430405014201000915", 1, 户类型="", 识别年度="")
    result = run(write_csv(tmp_path / "n.csv", rows))
    assert result.status == "rejected"
    assert [(e.kind, e.row, e.column) for e in errors_of(result)] == [("required", 2, "识别年度")]
    rows = _untyped(household("430405014201000915", 1))
    assert run(write_csv(tmp_path / "n2.csv", rows)).status == "loaded"
    assert Household.objects.get(code="430405014201000915").registered
