"""Alerts (风险预警) from the three channels, their identification procedure, and the
department lists that raise them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.accounts.scoping import RegionScopedQuerySet
from fupin.monitoring.choices import AlertSource, AlertStatus, Decision, ListKind, ListStatus, ProcedureStep, RiskKind
from fupin.regions.models import Region
from fupin.registry.models import Household


class DepartmentList(models.Model):
    """An uploaded department list (exchange.md layout 6) kept as the file itself: screening
    reads it in columns each time, so no health data is copied row by row into the database."""

    kind = models.CharField(_("名单类型"), max_length=10, choices=ListKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to="monitoring/lists/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    # The list as checked at upload (normalised ID numbers, amounts in cents), in columns:
    # screening reads it instead of parsing and checking the original file again.
    columns_file = models.FileField(_("规范化数据"), upload_to="monitoring/lists/%Y/%m/", blank=True)
    # The uploader's region (usually the district): who may see the list and its results.
    region = models.ForeignKey(Region, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+")
    rows = models.PositiveIntegerField(_("行数"), default=0)
    invalid_ids = models.PositiveIntegerField(_("无效证件号码"), default=0)
    status = models.CharField(_("状态"), max_length=10, choices=ListStatus.choices, default=ListStatus.UPLOADED)
    matched_persons = models.PositiveIntegerField(_("匹配人数"), default=0)
    alerts_created = models.PositiveIntegerField(_("产生预警"), default=0)
    screened_at = models.DateTimeField(_("筛查时间"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("部门预警名单")
        verbose_name_plural = _("部门预警名单")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return self.title


class Alert(models.Model):
    # Single-column indexes on these keys would duplicate the (region, status) and (household,
    # status) indexes below; every index costs the bulk insert of a screening.
    region = models.ForeignKey(
        Region, verbose_name=_("所在村"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # Null until a cadre matches a public self-report to a household.
    household = models.ForeignKey(
        Household,
        verbose_name=_("农户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts",
        db_index=False,
    )
    source = models.CharField(_("来源渠道"), max_length=10, choices=AlertSource.choices)
    department_list = models.ForeignKey(
        DepartmentList,
        verbose_name=_("部门名单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts",
    )
    risk_hint = models.CharField(_("疑似风险"), max_length=2, choices=RiskKind.choices, blank=True)
    description = models.TextField(_("情况描述"), blank=True)
    evidence = models.JSONField(_("预警依据"), default=dict, blank=True)
    reporter_name = models.CharField(_("申报人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=11, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    visit = models.ForeignKey(
        "assistance.Visit",
        verbose_name=_("走访记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("发现风险的那次走访"),
        db_index=False,
    )
    status = models.CharField(_("状态"), max_length=10, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    next_step = models.CharField(
        _("待办环节"), max_length=12, choices=ProcedureStep.choices, default=ProcedureStep.VERIFICATION, blank=True
    )
    deadline = models.DateField(_("办结时限"))
    notice_starts = models.DateField(_("公示开始"), null=True, blank=True)
    notice_ends = models.DateField(_("公示结束"), null=True, blank=True)
    decided_on = models.DateField(_("办结日期"), null=True, blank=True)
    monitoring_object = models.ForeignKey(
        "monitoring.MonitoringObject",
        verbose_name=_("监测对象"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # A further signal for a household whose procedure is already open is kept as its own
    # row (its channel, evidence and dedup key) but joins that alert instead of starting a
    # second procedure; it shares the alert's deadline and outcome.
    attached_to = models.ForeignKey(
        "self",
        verbose_name=_("并入预警"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signals",
        db_index=False,
    )
    # Screening is idempotent: one alert per channel, period and household (null for manual reports).
    dedup_key = models.CharField(max_length=60, null=True, blank=True, unique=True, editable=False)
    created = models.DateTimeField(_("预警时间"), auto_now_add=True, db_index=True)
    updated = models.DateTimeField(auto_now=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("风险预警")
        verbose_name_plural = _("风险预警")
        ordering = ["-created", "-id"]
        permissions = [
            ("review_alert", _("乡镇审核监测对象")),
            ("decide_alert", _("县级审定监测对象")),
        ]
        indexes = [
            models.Index(fields=["region", "status"]),
            models.Index(fields=["household", "status"]),
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["attached_to"], condition=Q(attached_to__isnull=False), name="alert_attached_to"),
        ]
        constraints = [
            # One identification procedure per household at a time (domain.md §4): further
            # signals attach to the open alert.
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status="open", household__isnull=False),
                name="alert_one_open_per_household",
            ),
            # An attached signal names the alert it joined, and only an attached one does.
            models.CheckConstraint(
                condition=Q(status="attached", attached_to__isnull=False)
                | (~Q(status="attached") & Q(attached_to__isnull=True)),
                name="alert_attached_has_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} #{self.pk}"


class AlertStep(models.Model):
    """Insert-only ledger of the identification procedure of an alert."""

    alert = models.ForeignKey(Alert, verbose_name=_("预警"), on_delete=models.PROTECT, related_name="steps")
    step = models.CharField(_("环节"), max_length=12, choices=ProcedureStep.choices)
    decision = models.CharField(_("结论"), max_length=10, choices=Decision.choices)
    on = models.DateField(_("日期"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("办理人姓名"), max_length=150, blank=True)
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    data = models.JSONField(_("记录"), default=dict, blank=True)
    created = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("预警核查记录")
        verbose_name_plural = _("预警核查记录")
        ordering = ["alert_id", "created", "id"]

    def __str__(self) -> str:
        return f"{self.alert} {self.get_step_display()}"
