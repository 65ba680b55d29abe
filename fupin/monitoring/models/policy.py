"""Monitoring thresholds as versioned data (docs/decisions/0007-monitoring-policy.md).

The poverty line and the monitoring line come from identification's `PolicyVersion` (one
place for the lines). What only monitoring needs lives here: when a medical bill or an
income drop raises an alert, the 15-day procedure, the notice length, the six-month rule and
the village exit threshold. A version applies from `year_from` on (thresholds change rarely,
unlike the yearly lines) until a later one; the most specific region wins. Editing never
overwrites: a new row names the version it supersedes, and every screening records the
version it used.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.regions.models import Region

SHARE = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


class MonitoringPolicyQuerySet(models.QuerySet):
    def current(self):
        """Versions not superseded by a later one."""
        return self.exclude(pk__in=MonitoringPolicy.objects.filter(supersedes__isnull=False).values("supersedes"))


class MonitoringPolicy(models.Model):
    year_from = models.PositiveSmallIntegerField(_("适用起始年度"), db_index=True)
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
        help_text=_("留空表示全国默认；填写省、市或县(区)代码时该区域内优先适用"),
    )
    medical_oop_amount = models.DecimalField(
        _("医疗个人自付预警金额(元/户·年)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("一户年度个人自付医疗费用超过该金额即预警"),
    )
    medical_oop_share = models.DecimalField(
        _("医疗个人自付占家庭纯收入比例"),
        max_digits=5,
        decimal_places=4,
        validators=SHARE,
        help_text=_("个人自付超过家庭年纯收入的该比例即预警，如 0.5 表示 50%"),
    )
    income_drop_share = models.DecimalField(
        _("人均纯收入降幅预警比例"),
        max_digits=5,
        decimal_places=4,
        validators=SHARE,
        help_text=_("与上年相比人均纯收入下降超过该比例即预警，如 0.3 表示 30%"),
    )
    procedure_days = models.PositiveSmallIntegerField(
        _("识别程序时限(天)"),
        default=15,
        validators=[MinValueValidator(1)],
        help_text=_("从预警到县级审定的最长天数"),
    )
    notice_min_days = models.PositiveSmallIntegerField(
        _("监测对象公示最少天数"), default=5, validators=[MinValueValidator(1)]
    )
    elimination_min_months = models.PositiveSmallIntegerField(
        _("风险消除最少监测月数"), default=6, validators=[MinValueValidator(0)]
    )
    exit_notice_days = models.PositiveSmallIntegerField(
        _("退出公示最少天数"), default=7, validators=[MinValueValidator(1)]
    )
    village_exit_incidence = models.DecimalField(
        _("贫困村退出贫困发生率上限"),
        max_digits=5,
        decimal_places=4,
        validators=SHARE,
        help_text=_("贫困发生率低于该值方可退出，中部省份 0.02（2%），西部 0.03"),
    )
    note = models.CharField(_("说明与依据"), max_length=300, blank=True)
    verified = models.BooleanField(_("已核实"), default=False)
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

    objects = MonitoringPolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("监测参数版本")
        verbose_name_plural = _("监测参数版本")
        ordering = ["-year_from", "region_id", "-id"]
        permissions = [("edit_monitoringpolicy", _("编辑监测参数"))]
        constraints = [
            # History is a chain, never a fork: a version is superseded at most once.
            models.UniqueConstraint(fields=["supersedes"], name="monitoringpolicy_supersedes_once"),
            models.CheckConstraint(
                condition=Q(
                    medical_oop_share__gte=0,
                    medical_oop_share__lte=1,
                    income_drop_share__gte=0,
                    income_drop_share__lte=1,
                    village_exit_incidence__gte=0,
                    village_exit_incidence__lte=1,
                ),
                name="monitoringpolicy_shares_in_range",
            ),
        ]

    def __str__(self) -> str:
        where = self.region_id or _("全国")
        return f"{self.year_from}– {where} v{self.pk}"
