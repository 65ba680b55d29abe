"""Coded values as files write them: a label (`因病`), a code (`01`) or the code without its
leading zero (`1`). Each code list maps every accepted spelling to the stored code; output
always writes the label.

Lookup tables are built once from the registry's TextChoices (one place for each list) plus
the older spellings that real ledgers still carry (五保贫困户, 缺劳动力, 本人 …).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from django.utils.translation import gettext, gettext_lazy, override

from fupin.assistance import choices as ac
from fupin.registry import choices as rc
from fupin.utils.text import fold

YES = {"是", "1", "y", "yes", "true", "√", "✓", "有", "已加入", "已参加", "参加", "享受", "通", "安全", "已通"}
NO = {"否", "0", "n", "no", "false", "×", "✗", "x", "无", "没有", "未加入", "未参加", "不享受", "未通", "不安全"}

# Older or local spellings seen in real ledgers (domain.md §1), mapped to today's codes.
EXTRA: dict[str, dict[str, str]] = {
    "attribute": {
        "五保贫困户": "3",
        "特困供养户": "3",
        "低保(部分)贫困户": "2",
        "低保(全家)贫困户": "2",
        "一般户": "1",
    },
    "cause": {"缺劳动力": "08", "交通落后": "10", "自身发展动力不足(懒)": "11"},
    "status": {
        "脱贫": "exited",
        "已脱贫户": "exited",
        "新脱贫贫困户": "exited",
        "历史已脱贫贫困户": "exited",
        "未脱贫贫困户": "not_exited",
        "返贫贫困户": "returned",
        "返贫户": "returned",
    },
    "relation": {
        "本人": "01",
        "本人或户主": "01",
        "户主本人": "01",
        "妻": "02",
        "夫": "02",
        "妻子": "02",
        "丈夫": "02",
        "儿子": "03",
        "女儿": "04",
        "儿媳": "05",
        "女婿": "06",
        "孙子": "07",
        "孙女": "08",
        "父亲": "11",
        "母亲": "12",
    },
    "political": {"党员": "01", "预备党员": "02", "团员": "03", "共青团": "03"},
    "education": {"文盲": "01", "半文盲": "01", "大专": "05", "本科": "05", "本科及以上": "05", "学龄前": "06"},
    "labour": {
        "弱劳动力": "5",
        "半劳动力": "5",
        "弱劳动力或半劳动力": "5",
        "丧失劳动能力": "3",
        "无劳动能力": "4",
        "普通劳动": "1",
    },
    "health": {"长期慢性疾病": "02", "慢性病": "02", "大病": "03", "重病": "03"},
    "sex": {"男性": "1", "女性": "2"},
    "id_type": {"身份证": "01", "二代身份证": "01", "残疾证": "02", "军官证": "03"},
    "house_grade": {"A": "A", "B": "B", "C": "C", "D": "D", "1": "A", "2": "B", "3": "C", "4": "D"},
    "road": {"土路": "01", "砂石": "02", "水泥": "03", "沥青": "04", "硬化路": "03"},
    "fuel": {"柴": "01", "柴火": "01", "煤": "03", "电": "04", "天然气": "04", "液化气": "04", "沼气": "04"},
    "disability_grade": {"1级": "1", "2级": "2", "3级": "3", "4级": "4"},
    "affiliation": {
        "省直": "province",
        "市直": "city",
        "县直": "county",
        "区直": "county",
        "区": "county",
        "乡": "township",
        "镇": "township",
        "军队": "army",
    },
    "measure_status": {"完成": "done", "已实施": "done", "进行中": "in_progress", "计划中": "planned"},
    "household_type": {
        "普通农户": "ordinary",
        "农户": "ordinary",
        "非建档立卡户": "ordinary",
        "建档立卡户": "registered",
        "建档立卡贫困户": "registered",
        "贫困户": "registered",
    },
}

# 户类型 (domain.md §4: 脱贫户 / 普通农户(一般农户)): what tells a registered household from one
# that never was in a roster. A file without the column, or an empty cell, keeps the registry's
# type, and means 脱贫户 for a household new to it (docs/decisions/0004-household-type-column.md).
HOUSEHOLD_TYPES = [("registered", gettext_lazy("脱贫户")), ("ordinary", gettext_lazy("一般农户"))]

CODE_LISTS: dict[str, type | list[tuple[str, Any]]] = {  # labels may be lazy
    "attribute": rc.Attribute,
    "cause": rc.Cause,
    "standard": rc.Standard,
    "status": rc.PovertyStatus,
    "id_type": rc.IdType,
    "sex": rc.Sex,
    "relation": rc.Relation,
    "ethnicity": rc.ETHNICITY_CHOICES,
    "political": rc.Political,
    "education": rc.Education,
    "school": rc.SchoolStatus,
    "health": rc.Health,
    "disability_grade": rc.DisabilityGrade,
    "disability_category": rc.DisabilityCategory,
    "labour": rc.LabourSkill,
    "work": rc.WorkStatus,
    "welfare_post": rc.WelfarePost,
    "house_grade": rc.HouseGrade,
    "road": rc.RoadType,
    "fuel": rc.Fuel,
    "affiliation": ac.Affiliation,
    "cadre_post": ac.CadrePost,
    "measure_category": ac.MeasureCategory,
    "measure_status": ac.MeasureStatus,
    "household_type": HOUSEHOLD_TYPES,
}


def _pairs(name: str) -> list[tuple[str, str]]:
    source = CODE_LISTS[name]
    with override("zh-hans"):
        if isinstance(source, list):
            return [(code, str(label)) for code, label in source]
        return [(str(code), str(label)) for code, label in source.choices]  # type: ignore[attr-defined]


@cache
def labels(name: str) -> dict[str, str]:
    """code → Chinese label (what exports write)."""
    return dict(_pairs(name))


@cache
def lookup(name: str) -> dict[str, str]:
    """Every accepted folded spelling → code."""
    table: dict[str, str] = {}
    for code, label in _pairs(name):
        table[fold(label)] = code
        table[fold(code)] = code
        if code.isdigit():
            table[str(int(code))] = code
    if name == "ethnicity":
        # "汉" for "汉族"; never for 其他 / 外国血统.
        for code, label in _pairs(name):
            if label.endswith("族") and len(label) > 2:
                table.setdefault(label[:-1], code)
    for spelling, code in EXTRA.get(name, {}).items():
        table.setdefault(fold(spelling), code)
    return table


def expected(name: str, limit: int = 14) -> str:
    """The accepted labels for an error message ("应为 因病、因残 …")."""
    values = list(labels(name).values())
    more = "…" if len(values) > limit else ""
    return gettext("、").join(values[:limit]) + more


def to_code(name: str, raw: str) -> str | None:
    """One spelling → code, or None when not in the list."""
    return lookup(name).get(fold(raw).upper() if name == "house_grade" else fold(raw))


MULTI_SPLIT = str.maketrans({"，": ",", "、": ",", ";": ",", "；": ",", "/": ",", " ": ","})


def to_codes(name: str, raw: str) -> str | None:
    """A multi-valued cell (`残疾,长期慢性病`) → comma-joined codes in the given order, or None
    when any part is unknown."""
    codes: list[str] = []
    for part in fold(raw).translate(MULTI_SPLIT).split(","):
        if not part:
            continue
        code = lookup(name).get(part)
        if code is None:
            return None
        if code not in codes:
            codes.append(code)
    return ",".join(codes)


def to_bool(raw: str) -> bool | None:
    text = fold(raw).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    return None


def codes_to_labels(name: str, value: str, sep: str = ",") -> str:
    table = labels(name)
    return sep.join(table.get(c, c) for c in value.split(",") if c)


def label_map(values: Iterable[str], table: Mapping[str, str]) -> dict[str, str]:
    return {v: table.get(v, v) for v in values}
