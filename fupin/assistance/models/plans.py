"""一户一法: a plan per household and year, and the measures delivered under it.

A `Plan` row is the header (goal, note) of the household's plan for a year; the plan's
measures are the `Measure` rows with the same household and year. Keying measures by
(household, year) rather than by a plan id lets bulk imports load measures without first
creating headers, and leaves nothing to drift between two copies of the year.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.accounts.scoping import RegionScopedQuerySet
from fupin.assistance.choices import MeasureCategory, MeasureKind, MeasureStatus, ProjectKind
from fupin.assistance.models.querysets import AnyScopeQuerySet, HouseholdOwnedQuerySet
from fupin.regions.models import Region
from fupin.registry.choices import HouseGrade, WelfarePost
from fupin.registry.models import Household, Member


def money(verbose, **kw) -> models.DecimalField:
    return models.DecimalField(verbose, max_digits=12, decimal_places=2, **kw)


class Plan(models.Model):
    household = models.ForeignKey(Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="plans")
    year = models.PositiveSmallIntegerField(_("年度"))
    goal = models.CharField(_("脱贫目标"), max_length=200, blank=True)
    target_exit_year = models.PositiveSmallIntegerField(_("计划脱贫年度"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = HouseholdOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮扶计划")
        verbose_name_plural = _("帮扶计划")
        ordering = ["household_id", "-year"]
        constraints = [
            # 一户一法: one plan per household and year.
            models.UniqueConstraint(fields=["household", "year"], name="plan_household_year_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.year}"


class MeasureItem(models.Model):
    """The measure taxonomy (措施项目), seeded from domain.md §5.2 and layout 5; the district
    office may add items. `kind` says which typed details and limits apply."""

    category = models.CharField(_("措施类别"), max_length=14, choices=MeasureCategory.choices)
    name = models.CharField(_("措施项目"), max_length=50)
    kind = models.CharField(_("明细类型"), max_length=14, choices=MeasureKind.choices, default=MeasureKind.GENERAL)
    person_level = models.BooleanField(
        _("到人措施"), default=False, help_text=_("通常落实到具体家庭成员（如务工、助学、签约医生）")
    )
    welfare_post = models.CharField(_("公益岗位类型"), max_length=2, choices=WelfarePost.choices, blank=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=100)
    active = models.BooleanField(_("启用"), default=True)

    objects = AnyScopeQuerySet.as_manager()

    class Meta:
        verbose_name = _("措施项目")
        verbose_name_plural = _("措施项目")
        ordering = ["category", "sort", "name"]
        constraints = [
            # An item is named once within its category (layout 5 gives both columns).
            models.UniqueConstraint(fields=["category", "name"], name="measureitem_category_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    """An industry project, PV station, e-commerce point, tourism site, loan contract …
    that measures belong to. The households it covers are those of its measures."""

    name = models.CharField(_("项目名称"), max_length=100, unique=True)
    kind = models.CharField(_("项目类型"), max_length=12, choices=ProjectKind.choices, default=ProjectKind.INDUSTRY)
    region = models.ForeignKey(Region, verbose_name=_("管理区域"), on_delete=models.PROTECT, related_name="+")
    villages = models.ManyToManyField(Region, verbose_name=_("覆盖村"), blank=True, related_name="+")
    funding = money(_("投入资金(元)"), null=True, blank=True)
    funding_source = models.CharField(_("资金来源"), max_length=100, blank=True)
    scale = models.CharField(_("建设规模"), max_length=100, blank=True)
    started_on = models.DateField(_("开始日期"), null=True, blank=True)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮扶项目")
        verbose_name_plural = _("帮扶项目")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Measure(models.Model):
    """One measure delivered to a household, or to one member of it, in a year.

    `amount` is the subsidy, the loan principal or the income, per the item. Typed details
    sit in nullable columns used by the item's kind: employment and public-welfare posts
    (post type, months, monthly pay), housing (grades before/after; `ended_on` is the
    completion date), microcredit (`amount` is the principal; term, rate and the computed
    interest subsidy). A 兜底 measure's amount is the year's schedule total.
    """

    household = models.ForeignKey(Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="measures")
    year = models.PositiveSmallIntegerField(_("年度"))
    category = models.CharField(_("措施类别"), max_length=14, choices=MeasureCategory.choices)
    item = models.ForeignKey(MeasureItem, verbose_name=_("措施项目"), on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        Project, verbose_name=_("所属项目"), null=True, blank=True, on_delete=models.PROTECT, related_name="measures"
    )
    beneficiary = models.ForeignKey(
        Member, verbose_name=_("受益成员"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = money(_("金额(元)"), null=True, blank=True)
    started_on = models.DateField(_("开始日期"), null=True, blank=True)
    ended_on = models.DateField(_("结束(完成)日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    post_type = models.CharField(_("公益岗位类型"), max_length=2, choices=WelfarePost.choices, blank=True)
    months = models.PositiveSmallIntegerField(_("月数"), null=True, blank=True)
    monthly_pay = money(_("月工资(元)"), null=True, blank=True)
    grade_before = models.CharField(_("改造前等级"), max_length=1, choices=HouseGrade.choices, blank=True)
    grade_after = models.CharField(_("改造后等级"), max_length=1, choices=HouseGrade.choices, blank=True)
    term_months = models.PositiveSmallIntegerField(_("贷款期限(月)"), null=True, blank=True)
    annual_rate = models.DecimalField(_("年利率(%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    interest_subsidy = money(_("贴息金额(元)"), null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = HouseholdOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮扶措施")
        verbose_name_plural = _("帮扶措施")
        ordering = ["household_id", "-year", "category", "id"]
        permissions = [("export_measure", _("导出帮扶措施"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=Decimal(0)), name="measure_amount_not_negative"
            ),
            # Work and post months are counted within the measure's year.
            models.CheckConstraint(condition=Q(months__isnull=True) | Q(months__lte=12), name="measure_months_in_year"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="measure_dates_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["household", "year"]),
            models.Index(fields=["year", "item"]),
            models.Index(fields=["year", "category"]),
            # Covers the indicators' reads of a year's measures (fupin.reports): index only.
            models.Index(fields=["year", "item", "household", "beneficiary", "amount"]),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.year} {self.item}"


class CreditPolicy(models.Model):
    """Limits of 扶贫小额信贷 (domain.md §5.6), versioned by the year a loan is granted."""

    effective_year = models.PositiveSmallIntegerField(_("生效年度"), unique=True)
    max_principal = money(_("单户最高额度(元)"))
    max_term_months = models.PositiveSmallIntegerField(_("最长期限(月)"))
    min_age = models.PositiveSmallIntegerField(_("借款人最小年龄"))
    max_age = models.PositiveSmallIntegerField(_("借款人最大年龄"))
    subsidy_share = models.DecimalField(
        _("贴息比例"), max_digits=4, decimal_places=2, default=Decimal("1.00"), help_text=_("1.00 为财政全额贴息")
    )
    note = models.CharField(_("说明与依据"), max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("小额信贷政策")
        verbose_name_plural = _("小额信贷政策")
        ordering = ["-effective_year"]
        constraints = [
            models.CheckConstraint(condition=Q(min_age__lte=models.F("max_age")), name="creditpolicy_ages_ordered"),
            models.CheckConstraint(
                condition=Q(subsidy_share__gte=0, subsidy_share__lte=1), name="creditpolicy_share_fraction"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.effective_year}"
