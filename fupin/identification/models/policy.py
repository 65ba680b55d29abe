"""Policy as data: versioned parameters by year and region (STYLE.md: policy is data).

A `PolicyVersion` is a complete set of parameters for one year and one region: the poverty
line, the 兜底 (rural 低保) standard, the monitoring line, the criteria that apply and the
workflow deadlines. Editing never overwrites: a new version is inserted that names the one it
supersedes, and every assessment stores the id of the version it used.

Region: `region` is null for the national default (applies everywhere) or names a province,
city or district by its code. It is keyed by the region *code* without a database constraint
so that the seed migration can name 珠晖区 (430405) before the region tree is imported; the
version applies as soon as a region with that code exists. The most specific region on the
household's path wins; within one region the latest effective version wins.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.identification.choices import Criterion
from fupin.regions.models import Region

ALL_CRITERIA = [c.value for c in Criterion]


def default_criteria() -> list[str]:
    return list(ALL_CRITERIA)


class PolicyVersionQuerySet(models.QuerySet):
    def current(self):
        """Versions not superseded by a later one (the live row for each year and region)."""
        return self.exclude(pk__in=PolicyVersion.objects.filter(supersedes__isnull=False).values("supersedes"))


class PolicyVersion(models.Model):
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("适用区域"),
        to_field="code",
        db_column="region_code",
        db_constraint=False,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        help_text=_("留空表示全国默认；填写省或县(区)时该区域内优先适用"),
    )
    effective_from = models.DateField(_("生效日期"))
    poverty_line = models.DecimalField(
        _("扶贫标准(元/人·年)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("农民人均纯收入，现价；2021 年起可为空"),
    )
    floor_standard_monthly = models.DecimalField(
        _("兜底(农村低保)标准(元/人·月)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    monitoring_line = models.DecimalField(
        _("防返贫监测线(元/人·年)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    criteria = models.JSONField(_("适用的识别条件"), default=default_criteria)
    notice_days = models.PositiveSmallIntegerField(_("公示天数"), default=7)
    step_overdue_days = models.PositiveSmallIntegerField(
        _("环节超期天数"), default=15, help_text=_("一个环节等待超过该天数即在待办中标红")
    )
    note = models.CharField(_("说明与依据"), max_length=300, blank=True)
    verified = models.BooleanField(_("已核实"), default=False, help_text=_("种子数据未核实的值须经核实后再依赖"))
    supersedes = models.ForeignKey(
        "self", verbose_name=_("替代的版本"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("政策参数版本")
        verbose_name_plural = _("政策参数版本")
        ordering = ["-year", "region_id", "-effective_from", "-id"]
        permissions = [("edit_policy", _("编辑政策参数"))]
        constraints = [
            # A version carries at least one line to test income against.
            models.CheckConstraint(
                condition=Q(poverty_line__isnull=False) | Q(monitoring_line__isnull=False),
                name="policy_has_a_line",
            ),
            # A version supersedes at most once: history is a chain, never a fork.
            models.UniqueConstraint(fields=["supersedes"], name="policy_supersedes_once"),
        ]

    def __str__(self) -> str:
        where = self.region_id or _("全国")
        return f"{self.year} {where} v{self.pk}"

    @property
    def floor_standard_yearly(self):
        if self.floor_standard_monthly is None:
            return None
        return self.floor_standard_monthly * 12

    def applies(self, criterion: str) -> bool:
        return criterion in (self.criteria or [])
