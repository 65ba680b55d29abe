from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.accounts.scoping import RegionScopedQuerySet
from fupin.registry.choices import Fuel, HouseGrade, RelocationMode, Resettlement, RoadType
from fupin.registry.models.household import Household

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class HouseholdYearQuerySet(RegionScopedQuerySet):
    region_field = "household__region"


def money(verbose: "StrOrPromise", **kw: Any) -> models.DecimalField:
    return models.DecimalField(verbose, max_digits=12, decimal_places=2, **kw)


def area(verbose: "StrOrPromise") -> models.DecimalField:
    return models.DecimalField(verbose, max_digits=9, decimal_places=2, null=True, blank=True)


class HouseholdYear(models.Model):
    """The facts of one household in one year: income and production/living conditions.

    `persons`, `net_income` and `per_capita_net_income` are computed by the service from the
    components and the active members (never typed in); `stated_per_capita` keeps what an
    imported file claimed so that the audit can compare the two.
    """

    household = models.ForeignKey(Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="years")
    year = models.PositiveSmallIntegerField(_("年度"))

    wage_income = money(_("工资性收入"), default=Decimal(0))
    business_income = money(_("生产经营性收入"), default=Decimal(0))
    property_income = money(_("财产性收入"), default=Decimal(0))
    transfer_income = money(_("转移性收入"), default=Decimal(0))
    production_cost = money(_("生产经营性支出"), default=Decimal(0))
    claims_income = money(_("家庭理赔收入"), null=True, blank=True)
    compliant_out_of_pocket = money(_("合规自付支出"), null=True, blank=True)

    persons = models.PositiveSmallIntegerField(_("计算人数"), default=0)
    net_income = money(_("家庭纯收入"), default=Decimal(0))
    per_capita_net_income = money(_("人均纯收入"), default=Decimal(0))
    stated_per_capita = money(_("填报人均纯收入"), null=True, blank=True)

    arable_land = area(_("耕地面积(亩)"))
    irrigated_land = area(_("有效灌溉面积(亩)"))
    forest_land = area(_("林地面积(亩)"))
    housing_area = area(_("住房面积(㎡)"))
    road_distance = area(_("与村主干路距离(公里)"))
    road_type = models.CharField(_("入户路类型"), max_length=2, choices=RoadType.choices, blank=True)
    electricity_living = models.BooleanField(_("是否通生活用电"), null=True, blank=True)
    electricity_production = models.BooleanField(_("是否通生产用电"), null=True, blank=True)
    tv = models.BooleanField(_("是否通广播电视"), null=True, blank=True)
    dangerous_house = models.BooleanField(_("是否危房户"), null=True, blank=True)
    house_grade = models.CharField(_("危房等级"), max_length=1, choices=HouseGrade.choices, blank=True)
    water_safe = models.BooleanField(_("饮水是否安全"), null=True, blank=True)
    water_difficult = models.BooleanField(_("饮水是否困难"), null=True, blank=True)
    fuel = models.CharField(_("主要燃料类型"), max_length=2, choices=Fuel.choices, blank=True)
    toilet = models.BooleanField(_("有无卫生厕所"), null=True, blank=True)
    cooperative = models.BooleanField(_("是否加入农民专业合作社"), null=True, blank=True)
    relocation = models.BooleanField(_("是否纳入易地扶贫搬迁"), null=True, blank=True)
    relocation_mode = models.CharField(_("搬迁方式"), max_length=2, choices=RelocationMode.choices, blank=True)
    resettlement = models.CharField(_("安置方式"), max_length=1, choices=Resettlement.choices, blank=True)

    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = HouseholdYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度信息")
        verbose_name_plural = _("年度信息")
        ordering = ["household_id", "-year"]
        constraints = [
            # One record of facts per household and year.
            models.UniqueConstraint(fields=["household", "year"], name="household_year_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.year}"

    @property
    def gross_income(self) -> Decimal:
        return self.wage_income + self.business_income + self.property_income + self.transfer_income
