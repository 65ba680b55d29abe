"""Monitoring objects (监测对象) and their risks. Nothing here is ever deleted: elimination is
a status with its method and date, and base data keep being updated afterwards."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.accounts.scoping import RegionScopedQuerySet
from fupin.monitoring.choices import (
    DisasterKind,
    EliminationMethod,
    ObjectEventKind,
    ObjectStatus,
    ObjectType,
    RiskKind,
)
from fupin.monitoring.models.exit import ViaHouseholdQuerySet
from fupin.registry.models import Household


class MonitoringObject(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="monitoring_objects"
    )
    object_type = models.CharField(_("监测对象类别"), max_length=10, choices=ObjectType.choices)
    year = models.PositiveSmallIntegerField(_("纳入年度"))
    identified_on = models.DateField(_("纳入日期"))
    alert = models.ForeignKey(
        "monitoring.Alert",
        verbose_name=_("来源预警"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("状态"), max_length=12, choices=ObjectStatus.choices, default=ObjectStatus.MONITORED)
    # A pending elimination (proposed after verification, appraisal and notice) waiting for
    # the county's decision by someone other than the proposer.
    proposed_method = models.CharField(_("拟消除方式"), max_length=10, choices=EliminationMethod.choices, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notice_starts = models.DateField(_("公示开始"), null=True, blank=True)
    notice_ends = models.DateField(_("公示结束"), null=True, blank=True)
    elimination_method = models.CharField(
        _("风险消除方式"), max_length=10, choices=EliminationMethod.choices, blank=True
    )
    eliminated_on = models.DateField(_("风险消除时间"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ViaHouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("监测对象")
        verbose_name_plural = _("监测对象")
        ordering = ["-identified_on", "-id"]
        permissions = [
            ("propose_elimination", _("提出风险消除")),
            ("approve_elimination", _("审定风险消除")),
            ("view_incidence", _("查看贫困发生率与村退出")),
            ("set_rural_population", _("维护农村户籍人口")),
            ("run_screening", _("运行防返贫筛查")),
        ]
        constraints = [
            # A household is monitored by at most one open object; a new risk joins it.
            models.UniqueConstraint(
                fields=["household"], condition=Q(status="monitored"), name="monitoringobject_one_open"
            ),
            # An eliminated object carries how and when; a monitored one carries neither.
            models.CheckConstraint(
                condition=(Q(status="eliminated") & ~Q(elimination_method="") & Q(eliminated_on__isnull=False))
                | (Q(status="monitored") & Q(elimination_method="") & Q(eliminated_on__isnull=True)),
                name="monitoringobject_elimination_complete",
            ),
        ]
        indexes = [models.Index(fields=["status", "object_type"])]

    def __str__(self) -> str:
        return f"{self.household} {self.get_object_type_display()}"


class RiskQuerySet(RegionScopedQuerySet):
    region_field = "monitoring_object__household__region"


class Risk(models.Model):
    monitoring_object = models.ForeignKey(
        MonitoringObject, verbose_name=_("监测对象"), on_delete=models.PROTECT, related_name="risks"
    )
    kind = models.CharField(_("风险类型"), max_length=2, choices=RiskKind.choices)
    disaster_kind = models.CharField(_("灾害类别"), max_length=12, choices=DisasterKind.choices, blank=True)
    remark = models.CharField(_("说明"), max_length=200, blank=True)
    added_on = models.DateField(_("识别日期"))
    alert = models.ForeignKey(
        "monitoring.Alert",
        verbose_name=_("来源预警"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = RiskQuerySet.as_manager()

    class Meta:
        verbose_name = _("风险")
        verbose_name_plural = _("风险")
        ordering = ["monitoring_object_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["monitoring_object", "kind"], name="risk_once_per_object"),
            # 其他 needs a remark; a disaster names its sub-item.
            models.CheckConstraint(condition=~Q(kind="99") | ~Q(remark=""), name="risk_other_has_remark"),
            models.CheckConstraint(condition=~Q(kind="04") | ~Q(disaster_kind=""), name="risk_disaster_has_kind"),
        ]

    def __str__(self) -> str:
        label = self.get_kind_display()
        if self.disaster_kind:
            label = f"{label}{_('（')}{self.get_disaster_kind_display()}{_('）')}"
        elif self.remark:
            label = f"{label}{_('（')}{self.remark}{_('）')}"
        return str(label)


class ObjectEvent(models.Model):
    """Insert-only history of a monitoring object: identification, new risks, elimination."""

    monitoring_object = models.ForeignKey(MonitoringObject, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("事项"), max_length=16, choices=ObjectEventKind.choices)
    on = models.DateField(_("日期"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("办理人姓名"), max_length=150, blank=True)
    comment = models.CharField(_("说明"), max_length=500, blank=True)
    data = models.JSONField(_("记录"), default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("监测记录")
        verbose_name_plural = _("监测记录")
        ordering = ["monitoring_object_id", "created", "id"]

    def __str__(self) -> str:
        return f"{self.monitoring_object} {self.get_kind_display()}"
