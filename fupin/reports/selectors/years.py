"""Whether a year has any data to report on: a `summary` or `audit` of a year nobody has
entered still prints figures (the registry's counts read the households' status history),
so the commands say plainly when the year's own records are missing."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from fupin.assistance.models import Measure
from fupin.regions.models import Region
from fupin.registry.models import HouseholdYear


@dataclass(frozen=True)
class YearData:
    year: int
    facts: bool  # any 家庭年度信息 (income and living conditions) of the year
    measures: bool  # any 帮扶措施 of the year

    def note(self, *, partial: bool = True) -> str | None:
        """A warning for the terminal, or None when the year has its data. With `partial`
        False only a year with neither kind of record is reported."""
        if not self.facts and not self.measures:
            return _("注意：{year} 年没有数据：没有该年度的家庭年度信息，也没有帮扶措施").format(year=self.year)
        if not partial:
            return None
        if not self.facts:
            return _("注意：{year} 年没有家庭年度信息（收入和生产生活条件）").format(year=self.year)
        if not self.measures:
            return _("注意：{year} 年没有帮扶措施").format(year=self.year)
        return None


def year_data(*, year: int, region: Region | None = None) -> YearData:
    """Which of the year's records exist within `region` (all regions when None). Two EXISTS queries."""
    facts = HouseholdYear.objects.filter(year=year)
    measures = Measure.objects.filter(year=year)
    if region is not None:
        facts = facts.filter(household__region__path__startswith=region.path)
        measures = measures.filter(household__region__path__startswith=region.path)
    return YearData(year=year, facts=facts.exists(), measures=measures.exists())
