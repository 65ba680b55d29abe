"""GB 11643-1999 citizen ID numbers: normalisation, validation and derived facts.

Pure functions; from Django only the gettext_noop marker. `problem` returns a reason code
and a message so that forms, the API and the importer all say *why* a number is wrong (length,
check digit, date). The message is a marked Chinese template with its values apart: callers
show it in the reader's language with `gettext(p.template).format(**p.params)`; `p.message` is
the Chinese text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_noop

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_FULLWIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789xX")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


@dataclass(frozen=True)
class IdProblem:
    code: str  # empty | number | length | chars | check | date
    template: str  # marked with gettext_noop; translated by the caller
    params: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def message(self) -> str:
        return self.template.format(**self.params)


def normalize(raw: object) -> str:
    """Full-width digits to half-width, spaces removed, trailing x upper-cased."""
    if raw is None:
        return ""
    text = str(raw).translate(_FULLWIDTH)
    text = re.sub(r"[\s\u3000'‘’]", "", text)
    return text.upper()


def check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def birth_date(number: str) -> dt.date | None:
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def sex_code(number: str) -> str:
    """'1' male, '2' female, from the parity of the 17th digit (GB/T 2261)."""
    return "1" if int(number[16]) % 2 == 1 else "2"


def looks_like_excel_number(raw: object) -> bool:
    """A cell Excel stored as a number has lost its last digits and cannot be repaired."""
    if isinstance(raw, float):
        return True
    return bool(_SCIENTIFIC.match(normalize(raw)))


def problem(number: str, *, today: dt.date | None = None) -> IdProblem | None:
    """Why a normalised 18-digit number is invalid, or None when it is valid."""
    if not number:
        return IdProblem("empty", gettext_noop("证件号码为空"))
    if _SCIENTIFIC.match(number):
        return IdProblem(
            "number",
            gettext_noop("证件号码被 Excel 存成了数字（科学计数法），末几位已丢失；请把该列设为文本格式后重新导出"),
        )
    if len(number) != 18:
        return IdProblem("length", gettext_noop("证件号码应为 18 位，实际 {n} 位"), {"n": len(number)})
    if not (number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")):
        return IdProblem("chars", gettext_noop("证件号码前 17 位须为数字，末位为数字或 X"))
    born = birth_date(number)
    today = today or dt.date.today()
    if born is None or born > today or born.year < 1880:
        return IdProblem("date", gettext_noop("证件号码中的出生日期 {date} 不是有效日期"), {"date": number[6:14]})
    expected = check_char(number[:17])
    if number[17] != expected:
        return IdProblem(
            "check",
            gettext_noop("证件号码校验位错误：末位应为 {expected}，实际为 {given}"),
            {"expected": expected, "given": number[17]},
        )
    return None


def is_valid(number: str) -> bool:
    return problem(normalize(number)) is None


def upgrade_15(number: str) -> str | None:
    """First-generation 15-digit number → 18 digits (insert '19', add the check char)."""
    number = normalize(number)
    if len(number) != 15 or not number.isdigit():
        return None
    first17 = number[:6] + "19" + number[6:]
    return first17 + check_char(first17)


def make(area: str, born: dt.date, seq: int) -> str:
    """Build a valid number (for generators and tests). seq odd = male, even = female."""
    first17 = f"{area}{born:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)
