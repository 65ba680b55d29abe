"""Audit findings and skip reasons are stored as a message key and values, and read in the
reader's language: a run started by the command (Chinese) reads in English to an English
reader, a run started by an English reader reads in Chinese to a Chinese one, on the rule
page, the audit page and the API alike. Findings stored as text before the change are
converted by the migration where their text matches a message."""

from __future__ import annotations

import datetime as dt
import importlib
import re

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import translation

from fupin.assistance.models import VisitPolicy
from fupin.core.changelog import Context
from fupin.regions.models import Region
from fupin.registry.choices import Health, LabourSkill, Relation
from fupin.registry.models import Member
from fupin.reports.choices import AuditRule
from fupin.reports.models import AuditFinding, AuditRun
from fupin.reports.services.audit import audit_run
from tests.conftest import DACHANG, DISTRICT, make_household, region

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _chinese_again():
    # A request with the English cookie leaves English active in the thread.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _reader(user, language: str) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _rule_page(client: Client, rule: str) -> str:
    response = client.get(reverse("reports:audit_rule", args=[rule]))
    assert response.status_code == 200
    return response.content.decode()


def _run(language: str) -> AuditRun:
    with translation.override(language):
        return audit_run(ctx=Context(actor=None), region=region(DISTRICT), year=2017)


def test_a_run_of_the_command_reads_in_english_to_an_english_reader(district, coordinator):
    run = _run("zh-hans")
    assert {AuditRule.NO_CADRE, AuditRule.OVERDUE_VISIT, AuditRule.ILLNESS_NO_HEALTH} <= {
        code for code, n in run.counts.items() if n
    }
    english = _reader(coordinator, "en")
    page = _rule_page(english, AuditRule.NO_CADRE)
    assert "No responsible assistant" in page and "无帮扶责任人" not in page
    page = _rule_page(english, AuditRule.ILLNESS_NO_HEALTH)
    assert "Poor due to illness, no health measure in 2017" in page and "因病致贫" not in page
    page = _rule_page(english, AuditRule.OVERDUE_VISIT)
    assert "Never visited" in page or "Last visited or paired on 2017-" in page
    assert "从未走访" not in page and "最近走访" not in page


def test_a_run_of_an_english_reader_reads_in_chinese_to_a_chinese_reader(district, coordinator):
    _run("en")
    page = _rule_page(_reader(coordinator, "zh-hans"), AuditRule.NO_CADRE)
    assert "无帮扶责任人" in page and "No responsible assistant" not in page


def test_findings_keep_keys_and_values_not_text(district):
    run = _run("en")
    findings = list(AuditFinding.objects.filter(run=run))
    assert findings
    for f in findings:
        assert f.message.split(".")[0] == f.rule  # a message of the finding's own rule
        assert not any(isinstance(v, str) and (CJK.search(v) or " " in v) for v in f.params.values()), f.params
    since = next(f for f in findings if f.message == "overdue_visit.since")
    assert dt.date.fromisoformat(since.params["on"]).year == 2017


def test_a_labour_skill_is_named_in_the_readers_language(district, coordinator):
    """The stored value is the code: the label follows the reader, not the runner."""
    h = make_household("430405014201990001", DACHANG)
    adult = Member.objects.get(household=h, relation=Relation.HEAD)
    Member.objects.filter(pk=adult.pk).update(
        birth_date=dt.date(1987, 3, 1), health=Health.HEALTHY, school_status="", labour_skill=LabourSkill.NONE
    )
    run = _run("zh-hans")
    finding = AuditFinding.objects.get(run=run, rule=AuditRule.AGE_LABOUR, member=adult)
    assert (finding.message, finding.params) == ("age_labour.skill", {"age": 30, "skill": LabourSkill.NONE.value})
    assert finding.detail == "30 岁，劳动技能为“无劳动力”"
    with translation.override("en"):
        assert finding.detail == 'Aged 30, labour skill is "No labour"'
    page = _rule_page(_reader(coordinator, "en"), AuditRule.AGE_LABOUR)
    assert "Aged 30, labour skill is &quot;No labour&quot;" in page


def test_a_skipped_rule_gives_its_reason_in_the_readers_language(district, coordinator):
    VisitPolicy.objects.all().delete()
    run = _run("zh-hans")
    assert run.skipped == {"overdue_visit": {"message": "overdue_visit.no_policy", "params": {"year": 2017}}}
    english = _reader(coordinator, "en")
    page = english.get(reverse("reports:audit")).content.decode()
    assert "No applicable visit-frequency policy for 2017" in page and "走访频次" not in page
    data = english.get(reverse("reports-audit-run-detail", kwargs={"pk": run.pk})).json()
    assert data["skipped"] == {"overdue_visit": "No applicable visit-frequency policy for 2017"}
    chinese = _reader(coordinator, "zh-hans").get(reverse("reports-audit-run-detail", kwargs={"pk": run.pk})).json()
    assert chinese["skipped"] == {"overdue_visit": "2017 年没有适用的走访频次政策"}


def test_the_ledger_regions_are_bracketed_in_the_readers_language(district, coordinator):
    village = Region.objects.get(code=DACHANG)
    with translation.override("en"):
        level = str(village.get_level_display())
    page = _reader(coordinator, "en").get(reverse("reports:ledgers")).content.decode()
    assert f"{village.name} ({level})" in page and f"{village.name}（" not in page
    page = _reader(coordinator, "zh-hans").get(reverse("reports:ledgers")).content.decode()
    assert f"{village.name}（{village.get_level_display()}）" in page


# ------------------------------------------------------------------ the migration

MIGRATION = importlib.import_module("fupin.reports.migrations.0002_auditfinding_message_params")


@pytest.mark.django_db(transaction=True)
def test_the_migration_converts_stored_text_in_either_language(regions):
    h = make_household("430405014201990002", DACHANG)
    executor = MigrationExecutor(connection)
    executor.migrate([("reports", "0001_initial")])
    try:
        old = executor.loader.project_state([("reports", "0001_initial")]).apps
        run = old.get_model("reports", "AuditRun").objects.create(
            region_id=h.region_id,
            year=2017,
            as_of=dt.date(2017, 12, 31),
            skipped={"exited_below_line": "2017 年没有适用的扶贫标准", "overdue_visit": "某个未知原因"},
        )
        texts = {
            "户主 2 人": ("one_head", "one_head", {"n": 2}),
            'Aged 40, labour skill is "Lost ability to work"': (
                "age_labour",
                "age_labour.skill",
                {"age": 40, "skill": "3"},
            ),
            "务工时间 — 个月，务工状况“省外务工”": ("work_months", "work_months", {"m": None, "s": "04"}),
            "Last visited or paired on 2017-02-01": ("overdue_visit", "overdue_visit.since", {"on": "2017-02-01"}),
            "手写的说明": ("no_cadre", "", {"text": "手写的说明"}),
        }
        Finding = old.get_model("reports", "AuditFinding")
        for text, (rule, _key, _params) in texts.items():
            Finding.objects.create(run=run, rule=rule, household_id=h.pk, detail=text)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    converted = {(f.message, tuple(sorted(f.params.items()))) for f in AuditFinding.objects.all()}
    assert converted == {(key, tuple(sorted(params.items()))) for _rule, key, params in texts.values()}
    run = AuditRun.objects.get()
    assert run.skipped == {
        "exited_below_line": {"message": "exited_below_line.no_policy", "params": {"year": 2017}},
        "overdue_visit": {"message": "", "params": {"text": "某个未知原因"}},
    }
    with translation.override("en"):
        assert run.skip_reasons == {
            "exited_below_line": "No applicable poverty line for 2017",
            "overdue_visit": "某个未知原因",
        }
        details = {f.detail for f in AuditFinding.objects.all()}
    assert details == {
        "2 household heads",
        'Aged 40, labour skill is "Lost ability to work"',
        '— months employed, employment status "Working outside the province"',
        "Last visited or paired on 2017-02-01",
        "手写的说明",
    }
