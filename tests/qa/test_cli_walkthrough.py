"""Bugs met walking through the command line and the API as a district office (QA pass).

- `fupin create_token --help` crashed (a lazy help text reached argparse).
- `fupin export` into a missing directory and `fupin import --report` into one ended in a
  traceback; the import one only after the data had been written.
- `fupin export --year Y` for a year without figures wrote empty income columns silently
  (re-imported for another year they clear that year's incomes).
- `fupin monitor --region/--kind` without `--list` were silently ignored.
- `fupin recheck` printed its duplicate counts and timings as raw Python dicts.
- `fupin compare` printed the rejected ID numbers in full, and the API's comparison list
  returned them (and repeated numbers) unmasked.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from fupin.accounts.management.commands.create_token import Command as CreateToken
from fupin.exchange.models import ImportBatch
from fupin.identification.models import ComparisonList
from tests.conftest import DISTRICT, make_household

pytestmark = pytest.mark.django_db

BAD_ID = "110101199001011234"  # check digit should be 7


def test_create_token_help_is_printed():
    text = CreateToken().create_parser("fupin", "create_token").format_help()
    assert "--reset" in text


def test_export_into_a_missing_directory_is_a_clear_error(regions, tmp_path):
    with pytest.raises(CommandError, match="目录不存在"):
        call_command("export", str(tmp_path / "missing" / "x.xlsx"))


def test_import_checks_the_report_path_before_importing(regions, tmp_path):
    source = tmp_path / "list.csv"
    source.write_text("户编号,姓名,证件号码\n", encoding="utf-8")
    batches = ImportBatch.objects.count()
    with pytest.raises(CommandError, match="目录不存在"):
        call_command("import", str(source), "--no-progress", "--report", str(tmp_path / "missing" / "r.xlsx"))
    assert ImportBatch.objects.count() == batches


def test_compare_masks_rejected_id_numbers_in_print_and_api(regions, coordinator, tmp_path, capsys):
    household = make_household("43040501420100001")
    head = household.members.first()
    source = tmp_path / "list.csv"
    source.write_text(f"姓名,证件号码\n{head.name},{head.id_number}\n某人,{BAD_ID}\n", encoding="utf-8")
    call_command("compare", str(source), "--kind", "dibao", "--region", DISTRICT, "--no-progress")
    out = capsys.readouterr().out
    assert "第 3 行" in out
    assert BAD_ID not in out and "110101********1234" in out

    ComparisonList.objects.filter(pk=ComparisonList.objects.latest("pk").pk).update(
        problems={
            "invalid": [{"line": 3, "value": BAD_ID, "message": "x"}],
            "duplicates": [{"id": BAD_ID, "lines": [4, 5]}],
        }
    )
    client = APIClient()
    client.force_authenticate(coordinator)
    body = client.get("/api/v1/comparisons/").content.decode()
    assert BAD_ID not in body
    assert "110101********1234" in body


def test_recheck_prints_labelled_duplicate_counts(regions, capsys):
    make_household("43040501420100001")
    call_command("recheck", "--year", "2017", "--region", DISTRICT, "--no-progress")
    out = capsys.readouterr().out
    assert "证件号码重复 0" in out
    assert "{" not in out and "duplicate_id" not in out


def test_monitor_refuses_list_options_without_a_list(regions):
    with pytest.raises(CommandError, match="--list") as caught:
        call_command("monitor", "--region", "999", "--no-progress")
    assert caught.value.returncode == 2


def test_monitor_names_an_unknown_region_code(regions, tmp_path):
    source = tmp_path / "list.csv"
    source.write_text("姓名,证件号码\n", encoding="utf-8")
    with pytest.raises(CommandError, match="区划代码 999 不存在"):
        call_command("monitor", "--list", str(source), "--kind", "medical", "--region", "999", "--no-progress")


def test_export_warns_when_the_year_has_no_figures(regions, tmp_path, capsys):
    make_household("43040501420100001")
    call_command("export", str(tmp_path / "x.csv"), "--year", "2031")
    assert "2031 年没有收入和生产生活条件数据" in capsys.readouterr().err
