"""Audit findings store a message key and values instead of text in the runner's language.

Existing findings (and skip reasons of runs) are converted by matching their text against
the messages as they read in Chinese and English when this migration was written; text
that matches none is kept as is (`params["text"]`, shown unchanged). The patterns and
labels are frozen here on purpose: later wording changes must not change this conversion.
"""

import re

from django.db import migrations, models

# key → (Chinese, English) wording of fupin.reports.audit.messages at the time of writing.
PATTERNS = {
    "one_head": ("户主 {n} 人", "{n} household heads"),
    "size": ("家庭人口数 {persons}，成员 {n} 人", "Household size {persons}, {n} members"),
    "education_xor_school.empty": (
        "文化程度与在校生状况均为空",
        "Education level and student status are both empty",
    ),
    "education_xor_school.both": (
        "文化程度与在校生状况均已填写",
        "Education level and student status are both filled in",
    ),
    "age_labour.welfare_post": ("{age} 岁，不应安排公益性岗位", "Aged {age}; should not hold a public-welfare job"),
    "age_labour.skill": ("{age} 岁，劳动技能为“{skill}”", 'Aged {age}, labour skill is "{skill}"'),
    "phone.household": (
        "户联系电话为 {n} 位，应为 11 位手机号",
        "Household contact phone has {n} digits; must be an 11-digit mobile number",
    ),
    "phone.member": (
        "成员联系电话为 {n} 位，应为 11 位手机号",
        "Member contact phone has {n} digits; must be an 11-digit mobile number",
    ),
    "work_months": ("务工时间 {m} 个月，务工状况“{s}”", '{m} months employed, employment status "{s}"'),
    "income": (
        "填报人均纯收入 {stated}，按收入构成计算为 {computed}",
        "Reported per-capita net income {stated}, calculated from income components {computed}",
    ),
    "illness_no_health": ("因病致贫，{year} 年无健康帮扶措施", "Poor due to illness, no health measure in {year}"),
    "house_no_measure": (
        "住房为 {grade} 级危房，无危房改造或易地搬迁措施",
        "Grade-{grade} dilapidated house, no renovation or relocation measure",
    ),
    "exited_below_line.no_income": ("已脱贫，无 {year} 年收入记录", "Exited poverty, no income record for {year}"),
    "exited_below_line.below": (
        "已脱贫，人均纯收入 {value} 元未超过扶贫标准 {line} 元",
        "Exited poverty, but per-capita net income {value} yuan does not exceed the poverty line of {line} yuan",
    ),
    "child_not_in_school": (
        "{age} 岁，义务教育阶段未在校",
        "Aged {age}, of compulsory-education age but not in school",
    ),
    "no_cadre": ("无帮扶责任人", "No responsible assistant"),
    "overdue_visit.never": ("从未走访", "Never visited"),
    "overdue_visit.since": ("最近走访或结对于 {on}", "Last visited or paired on {on}"),
}
SKIP_PATTERNS = {
    "exited_below_line": {
        "exited_below_line.no_policy": ("{year} 年没有适用的扶贫标准", "No applicable poverty line for {year}")
    },
}
SKIP_PREFIX = re.compile(r"^(?P<year>\d{4}) 年没有适用的走访频次")
INTEGERS = {"n", "persons", "age", "year", "m"}
MISSING = "—"
# Labels (Chinese and English) → code of LabourSkill ("skill") and WorkStatus ("s").
LABELS = {
    "skill": {
        "普通劳动力": "1",
        "Ordinary labour": "1",
        "技能劳动力": "2",
        "Skilled labour": "2",
        "弱劳动力或半劳动力": "5",
        "Weak or half labour": "5",
        "丧失劳动力": "3",
        "Lost ability to work": "3",
        "无劳动力": "4",
        "No labour": "4",
    },
    "s": {
        "乡(镇)内务工": "01",
        "Working within the township": "01",
        "乡(镇)外县内务工": "02",
        "Working outside the township, within the county": "02",
        "县外省内务工": "03",
        "Working outside the county, within the province": "03",
        "省外务工": "04",
        "Working outside the province": "04",
        "其他": "05",
        "Other": "05",
    },
}


def _regex(pattern):
    parts = re.split(r"\{(\w+)\}", pattern)
    out = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
    return re.compile(f"^{out}$")


def _compile(patterns):
    return [(key, _regex(text)) for key, texts in patterns.items() for text in texts]


def _value(name, raw):
    if raw == MISSING:
        return None if name in INTEGERS else ""
    if name in INTEGERS:
        return int(raw) if raw.isdigit() else raw
    if name in LABELS:
        return LABELS[name].get(raw, raw)
    return raw


def _match(compiled, text):
    for key, regex in compiled:
        found = regex.match(text)
        if found is not None:
            return key, {name: _value(name, raw) for name, raw in found.groupdict().items()}
    return "", {"text": text}


def forwards(apps, schema_editor):
    AuditFinding = apps.get_model("reports", "AuditFinding")
    AuditRun = apps.get_model("reports", "AuditRun")
    by_rule = {}
    for key, texts in PATTERNS.items():
        by_rule.setdefault(key.split(".")[0], {})[key] = texts
    compiled = {rule: _compile(patterns) for rule, patterns in by_rule.items()}
    batch = []
    for finding in AuditFinding.objects.exclude(detail="").only("pk", "rule", "detail").iterator(chunk_size=2000):
        finding.message, finding.params = _match(compiled.get(finding.rule, []), finding.detail)
        batch.append(finding)
        if len(batch) >= 2000:
            AuditFinding.objects.bulk_update(batch, ["message", "params"])
            batch = []
    if batch:
        AuditFinding.objects.bulk_update(batch, ["message", "params"])
    skip_compiled = {rule: _compile(patterns) for rule, patterns in SKIP_PATTERNS.items()}
    for run in AuditRun.objects.exclude(skipped={}).only("pk", "skipped"):
        skipped = {}
        for code, reason in run.skipped.items():
            if not isinstance(reason, str):
                skipped[code] = reason
                continue
            key, params = _match(skip_compiled.get(code, []), reason)
            visits = SKIP_PREFIX.match(reason) if code == "overdue_visit" else None
            if visits is not None:
                key, params = "overdue_visit.no_policy", {"year": int(visits["year"])}
            skipped[code] = {"message": key, "params": params}
        run.skipped = skipped
        run.save(update_fields=["skipped"])


def backwards(apps, schema_editor):
    """Back to Chinese text (the default language), which is what most runs were in."""
    AuditFinding = apps.get_model("reports", "AuditFinding")
    batch = []
    for finding in AuditFinding.objects.only("pk", "message", "params").iterator(chunk_size=2000):
        texts = PATTERNS.get(finding.message)
        params = finding.params or {}
        if texts is None:
            finding.detail = str(params.get("text", ""))[:200]
        else:
            values = {k: MISSING if v in (None, "") else v for k, v in params.items()}
            for name, labels in LABELS.items():
                if name in values:
                    values[name] = next((label for label, code in labels.items() if code == values[name]), values[name])
            finding.detail = texts[0].format(**values)[:200]
        batch.append(finding)
        if len(batch) >= 2000:
            AuditFinding.objects.bulk_update(batch, ["detail"])
            batch = []
    if batch:
        AuditFinding.objects.bulk_update(batch, ["detail"])
    AuditRun = apps.get_model("reports", "AuditRun")
    skip_texts = {key: texts for patterns in SKIP_PATTERNS.values() for key, texts in patterns.items()}
    skip_texts["overdue_visit.no_policy"] = ("{year} 年没有适用的走访频次，请区扶贫办先新增该政策",)
    for run in AuditRun.objects.exclude(skipped={}).only("pk", "skipped"):
        run.skipped = {
            code: reason
            if not isinstance(reason, dict)
            else skip_texts[reason["message"]][0].format(**reason["params"])
            if reason.get("message") in skip_texts
            else str(reason.get("params", {}).get("text", ""))
            for code, reason in run.skipped.items()
        }
        run.save(update_fields=["skipped"])


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="auditfinding",
            name="message",
            field=models.CharField(blank=True, max_length=40, verbose_name="说明"),
        ),
        migrations.AddField(
            model_name="auditfinding",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="说明参数"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="auditfinding", name="detail"),
    ]
