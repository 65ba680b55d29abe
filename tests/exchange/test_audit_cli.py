"""What `fupin import` tells a district clerk: a rejected file's counts are what would have
been written, not what was; --valid-only says which households were left out; ignored
columns are named; exit codes 1 (rejected) and 0 (loaded)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import translation

from fupin.registry.models import Household
from tests.exchange.helpers import household, run, write_csv
from tests.exchange.test_spec_gaps import everything

pytestmark = pytest.mark.django_db


def _import(capsys, path, *args: str) -> tuple[int, str]:
    code = 0
    try:
        call_command("import", str(path), "--year", "2019", "--no-progress", *args)
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, capsys.readouterr().out


def _files(tmp_path):
    good = household("430405014201000901", 3)
    assert run(write_csv(tmp_path / "first.csv", good)).status == "loaded"
    # The corrected file drops the youngest member of …901 and adds a bad household.
    bad = household("430405014201000902", 2)
    bad[1]["健康状况"] = "很好"
    shrunk = [dict(r, 家庭人口数="2") for r in good[:2]]
    return write_csv(tmp_path / "second.csv", [dict(r, 备注说明="x") for r in shrunk + bad])


def test_a_rejected_file_says_its_counts_were_not_written(regions, tmp_path, capsys):
    path = _files(tmp_path)
    before = everything()
    code, out = _import(capsys, path)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "文件 second.csv 有错误，已拒绝，数据库未做任何修改。"
    assert lines[1] == "以下数量是文件中没有错误的部分将做的修改，本次均未写入："
    assert "  有错误的户：1" in lines
    # The member the file no longer lists is not said to be ended: nothing was.
    assert "已按“其他转出”减少" not in out
    assert any(line.startswith("以下 1 名成员在文件中已无记录，导入时将按“其他转出”减少") for line in lines)
    assert "说明：" in lines and any("备注说明" in line for line in lines)
    assert everything() == before


def test_valid_only_says_which_households_were_left_out(regions, tmp_path, capsys):
    path = _files(tmp_path)
    code, out = _import(capsys, path, "--valid-only")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("已导入 second.csv（2019 年度")
    assert "  有错误、未导入的户：1" in lines
    assert any(line.startswith("以下 1 名成员在重新导入的文件中已无记录，已按“其他转出”减少") for line in lines)
    expected = "应为以下一项或几项（用逗号分隔）：健康、长期慢性病、患有大病、残疾"
    assert f"  工作表“second” 第 5 行 “健康状况”列 值“很好”：{expected}" in lines
    assert not Household.objects.filter(code="430405014201000902").exists()
    assert Household.objects.get(code="430405014201000901").members.filter(ended_on__isnull=True).count() == 2


def test_the_new_summary_lines_are_english_in_english(regions, tmp_path, capsys):
    path = _files(tmp_path)
    with translation.override("en"):
        code, out = _import(capsys, path)
    assert code == 1
    assert "nothing was written" in out and "Notes:" in out and "an import would remove them" in out
