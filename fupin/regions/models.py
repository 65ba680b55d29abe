"""The administrative tree: province → city → district → township → village → group.

A materialised path (treebeard MP_Node) makes "everything under this region" one indexed
prefix query, which region scoping uses on every request.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from fupin.regions.choices import RegionLevel

# Code lengths by level (GB/T 2260 six digits, then the 12-digit statistical code; a
# group extends its village code by three digits — a local convention, not a standard).
CODE_LENGTHS = {
    RegionLevel.PROVINCE: 6,
    RegionLevel.CITY: 6,
    RegionLevel.DISTRICT: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
    RegionLevel.GROUP: 15,
}


def level_for_code(code: str) -> RegionLevel | None:
    """Infer the level from the code's shape (430000 province, 430400 city, 430405 district …)."""
    if not re.fullmatch(r"\d+", code or ""):
        return None
    if len(code) == 6:
        if code.endswith("0000"):
            return RegionLevel.PROVINCE
        if code.endswith("00"):
            return RegionLevel.CITY
        return RegionLevel.DISTRICT
    return {9: RegionLevel.TOWNSHIP, 12: RegionLevel.VILLAGE, 15: RegionLevel.GROUP}.get(len(code))


class Region(MP_Node):
    code = models.CharField(_("区划代码"), max_length=15, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("级别"), choices=RegionLevel.choices)
    verified = models.BooleanField(
        _("代码已核实"), default=True, help_text=_("占位代码标为未核实，请管理员按统计用区划代码更正")
    )
    # The village's rural registered population (农村户籍人口), the denominator of the
    # poverty incidence used for village and district exit.
    rural_population = models.PositiveIntegerField(_("农村户籍人口"), null=True, blank=True)

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        expected = CODE_LENGTHS.get(RegionLevel(self.level))
        if expected and len(self.code) != expected:
            raise ValidationError(
                {"code": _("{level}代码应为 {n} 位数字").format(level=self.get_level_display(), n=expected)}
            )

    @property
    def full_name(self) -> str:
        step = self.steplen
        paths = [self.path[:i] for i in range(step, len(self.path), step)]
        ancestors = Region.objects.filter(path__in=paths, level__gte=RegionLevel.DISTRICT).order_by("depth")
        names = [a.name for a in ancestors]
        return "".join([*names, self.name])
