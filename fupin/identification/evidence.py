"""A finding's evidence in words, and what of it may leave the system on a printed list.

The services store two kinds of evidence: the keys below (duplicates, re-check rule leads),
and a department list row's columns under the headers its uploader wrote. A list row may
hold anything its department put in it — a phone, a bank account, a diagnosis — so what
goes on a verification list handed to village cadres is filtered: health and bank columns
left out, phone and ID numbers masked wherever they appear.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext_lazy

from fupin.identification.choices import ListKind
from fupin.utils.masking import mask_account, mask_id, mask_phone

EVIDENCE_LABELS = {
    "name": gettext_lazy("姓名"),
    "other_name": gettext_lazy("另一条记录的姓名"),
    "birth_date": gettext_lazy("出生日期"),
    "other_household_id": gettext_lazy("另一条记录所在户"),
    "year": gettext_lazy("年度"),
    "value": gettext_lazy("人均纯收入(元)"),
    "line": gettext_lazy("扶贫标准(元/人·年)"),
    "policy": gettext_lazy("政策参数版本"),
}

# The disabled persons' and the medical settlement lists are health data column by column;
# their kind alone is the lead the cadre checks.
HEALTH_LISTS = frozenset({ListKind.DISABLED, ListKind.MEDICAL})
# Headers of columns left out of a printed list (health, bank), and of those masked.
_DROP = re.compile(r"病|诊|医|药|住院|健康|残|伤|银行|账号|帐号|账户|帐户|卡号|开户|bank|account|card", re.I)
_PHONE = re.compile(r"电话|手机|联系方式|phone|mobile|tel", re.I)
_ID = re.compile(r"身份证|证件|证号|公民身份", re.I)
# Numbers inside any value: an ID number (18 or 15 digits), a landline, and any other run of
# 11 or more digits (a mobile number, a card or account number).
_NUMBER = re.compile(r"\d{17}[\dXx]|\d{3,4}-\d{7,8}|\d{11,}")


def _mask_number(m: re.Match[str]) -> str:
    s = m.group(0)
    if len(s) == 18 or (len(s) == 15 and s.isdigit()):
        return mask_id(s)
    if "-" in s or (len(s) == 11 and s.startswith("1")):
        return mask_phone(s)
    return mask_account(s)


def scrub(value: Any) -> str:
    """The value as text with every ID, phone and account number in it masked."""
    return _NUMBER.sub(_mask_number, "" if value is None else str(value))


@lru_cache(maxsize=1024)
def _column(header: str) -> str:
    """What a header's column is on a printed list: drop, phone, id or text (a list has a
    handful of headers, repeated on each of its rows)."""
    if _DROP.search(header):
        return "drop"
    if _PHONE.search(header):
        return "phone"
    return "id" if _ID.search(header) else "text"


def list_evidence_for_print(columns: dict[str, Any] | None, list_kind: str) -> list[tuple[str, str]]:
    """(header, value) of a list row's columns as a printed list may show them."""
    if list_kind in HEALTH_LISTS:
        return []
    out = []
    for header, value in (columns or {}).items():
        what = _column(header)
        if value in (None, "") or what == "drop":
            continue
        text = str(value)
        if what == "phone":
            text = mask_phone(re.sub(r"\s", "", text))
        elif what == "id":
            text = mask_id(re.sub(r"\s", "", text))
        out.append((header, scrub(text)))
    return out
