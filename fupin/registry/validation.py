"""Member field rules shared by forms, API and services (the importer applies the same rules
column-wise). Each returns {field: message}; messages are Chinese through gettext."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from fupin.registry.choices import IdType, Sex
from fupin.utils import idno
from fupin.utils.text import is_mobile


def id_number_problems(id_type: str, raw: str, *, today: dt.date | None = None) -> tuple[str, dict[str, str]]:
    """Normalise the number; for a resident ID check length, check digit and birth date."""
    number = idno.normalize(raw)
    if id_type != IdType.RESIDENT:
        return number, ({} if number else {"id_number": _("证件号码为空")})
    if len(number) == 15 and number.isdigit():
        upgraded = idno.upgrade_15(number)
        if upgraded:
            number = upgraded
    problem = idno.problem(number, today=today)
    if problem:
        # idno marks its templates with gettext_noop; the one translation happens here.
        return number, {"id_number": _(problem.template).format(**problem.params)}
    return number, {}


def member_problems(data: dict[str, Any]) -> dict[str, str]:
    """Rules across fields of one member (after the ID is valid)."""
    errors: dict[str, str] = {}
    number = data.get("id_number", "")
    if data.get("id_type", IdType.RESIDENT) == IdType.RESIDENT and len(number) == 18:
        derived = idno.sex_code(number)
        if data.get("sex") and data["sex"] != derived:
            errors["sex"] = _("性别“{given}”与证件号码第 17 位（{derived}）不符").format(
                given=Sex(data["sex"]).label, derived=Sex(derived).label
            )
    if bool(data.get("education")) == bool(data.get("school_status")):
        errors["education"] = _("文化程度与在校生状况须且只能填写一项")
    if bool(data.get("work_status")) != (data.get("work_months") not in (None, "")):
        errors["work_months"] = _("务工状况与务工时间须同时填写或同时为空")
    elif data.get("work_months") not in (None, "") and not 0 <= int(data["work_months"]) <= 12:
        errors["work_months"] = _("务工时间应为 0–12 个月")
    if data.get("phone") and not is_mobile(data["phone"]):
        errors["phone"] = _("联系电话应为 11 位手机号码")
    if not data.get("health"):
        errors["health"] = _("请填写健康状况")
    return errors
