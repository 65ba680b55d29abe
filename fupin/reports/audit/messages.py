"""The wording of audit findings, kept apart from the findings themselves.

A finding stores a message key and its values (`AuditFinding.message`, `.params`), never
text: the run may be started by a command, a job or a reader of another language, and each
reader sees the finding in their own language. Values are JSON (numbers, strings, ISO
dates); a value named in `CHOICES` is a code whose label is looked up when rendering.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext, gettext_noop

from fupin.registry.choices import LabourSkill, WorkStatus

# key → Chinese msgid (marked with gettext_noop so that it is extracted, translated on render).
MESSAGES: dict[str, str] = {
    "one_head": gettext_noop("户主 {n} 人"),
    "size": gettext_noop("家庭人口数 {persons}，成员 {n} 人"),
    "education_xor_school.empty": gettext_noop("文化程度与在校生状况均为空"),
    "education_xor_school.both": gettext_noop("文化程度与在校生状况均已填写"),
    "age_labour.welfare_post": gettext_noop("{age} 岁，不应安排公益性岗位"),
    "age_labour.skill": gettext_noop("{age} 岁，劳动技能为“{skill}”"),
    "phone.household": gettext_noop("户联系电话为 {n} 位，应为 11 位手机号"),
    "phone.member": gettext_noop("成员联系电话为 {n} 位，应为 11 位手机号"),
    "work_months": gettext_noop("务工时间 {m} 个月，务工状况“{s}”"),
    "income": gettext_noop("填报人均纯收入 {stated}，按收入构成计算为 {computed}"),
    "illness_no_health": gettext_noop("因病致贫，{year} 年无健康帮扶措施"),
    "house_no_measure": gettext_noop("住房为 {grade} 级危房，无危房改造或易地搬迁措施"),
    "exited_below_line.no_income": gettext_noop("已脱贫，无 {year} 年收入记录"),
    "exited_below_line.below": gettext_noop("已脱贫，人均纯收入 {value} 元未超过扶贫标准 {line} 元"),
    "child_not_in_school": gettext_noop("{age} 岁，义务教育阶段未在校"),
    "no_cadre": gettext_noop("无帮扶责任人"),
    "overdue_visit.never": gettext_noop("从未走访"),
    "overdue_visit.since": gettext_noop("最近走访或结对于 {on}"),
    # Reasons a rule was not checked (AuditRun.skipped).
    "exited_below_line.no_policy": gettext_noop("{year} 年没有适用的扶贫标准"),
    "overdue_visit.no_policy": gettext_noop("{year} 年没有适用的走访频次政策"),
}

# Values stored as codes and shown as their label.
CHOICES: dict[str, type[models.TextChoices]] = {"skill": LabourSkill, "s": WorkStatus}

# A value shown when it is missing (no work months, no work status).
MISSING = "—"


def _value(name: str, value: Any) -> Any:
    if value is None or value == "":
        return MISSING
    choices = CHOICES.get(name)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    return value


def message_render(key: str, params: dict[str, Any] | None) -> str:
    """The message in the active language. A finding converted from free text that no
    pattern matched (see migration 0002) has no key and keeps its text in `params["text"]`."""
    params = params or {}
    template = MESSAGES.get(key)
    if template is None:
        return str(params.get("text", ""))
    values = _Lenient({name: _value(name, value) for name, value in params.items()})
    return gettext(template).format_map(values)


class _Lenient(dict):
    """A value the finding lacks (a row converted from old text) shows as missing."""

    def __missing__(self, key: str) -> str:
        return MISSING
