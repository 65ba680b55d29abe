"""Snapshots of the data-quality audit: one run, its per-village scores and its findings.

Indicators and ledgers are computed from the domain tables on demand and never stored;
only the audit keeps history, so that a village's score can be followed over time.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.accounts.scoping import RegionScopedQuerySet
from fupin.regions.models import Region
from fupin.registry.models import Household, Member
from fupin.reports.audit.messages import message_render
from fupin.reports.choices import AuditRule


class AuditRun(models.Model):
    """One run of every audit rule over `region` (a district, township or village)."""

    region = models.ForeignKey(Region, verbose_name=_("检查范围"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("数据年度"))
    as_of = models.DateField(_("检查基准日"))
    started = models.DateTimeField(_("开始时间"), auto_now_add=True)
    seconds = models.DecimalField(_("用时(秒)"), max_digits=8, decimal_places=2, default=0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    households = models.PositiveIntegerField(_("农户数"), default=0)
    flagged = models.PositiveIntegerField(_("有问题的农户数"), default=0)
    # rule code → number of findings; skipped rules → reason (e.g. no policy for the year) as
    # {"message": key, "params": {...}} of fupin.reports.audit.messages, rendered when read.
    counts = models.JSONField(_("各规则问题数"), default=dict)
    skipped = models.JSONField(_("未检查的规则"), default=dict, blank=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("数据质量检查")
        verbose_name_plural = _("数据质量检查")
        ordering = ["-started", "-id"]
        permissions = [
            ("view_dashboard", _("查看统计看板与指标")),
            ("export_ledger", _("导出台账")),
            ("print_handbook", _("打印扶贫手册")),
            ("run_audit", _("运行数据质量检查")),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.started:%Y-%m-%d %H:%M}"

    @property
    def score(self) -> float:
        return score(self.households, self.flagged)

    @property
    def skip_reasons(self) -> dict[str, str]:
        """Rule code → why it was not checked, in the active language."""
        return {code: _reason(reason) for code, reason in (self.skipped or {}).items()}


def _reason(reason: object) -> str:
    if isinstance(reason, dict):
        return message_render(reason.get("message", ""), reason.get("params"))
    return str(reason)  # free text that migration 0002 could not convert


def score(households: int, flagged: int) -> float:
    """Share of households without any finding, in percent (100 for an empty village)."""
    if not households:
        return 100.0
    return round(100.0 * (households - flagged) / households, 1)


class AuditVillageScore(models.Model):
    """A village's result within a run: the trend of a village is its rows over runs."""

    run = models.ForeignKey(AuditRun, on_delete=models.CASCADE, related_name="villages")
    region = models.ForeignKey(Region, verbose_name=_("行政村"), on_delete=models.PROTECT, related_name="+")
    households = models.PositiveIntegerField(_("农户数"), default=0)
    flagged = models.PositiveIntegerField(_("有问题的农户数"), default=0)
    counts = models.JSONField(_("各规则问题数"), default=dict)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("村数据质量得分")
        verbose_name_plural = _("村数据质量得分")
        ordering = ["run_id", "region_id"]
        constraints = [
            # One score per village and run.
            models.UniqueConstraint(fields=["run", "region"], name="auditvillagescore_run_region_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.score}"

    @property
    def score(self) -> float:
        return score(self.households, self.flagged)


class FindingQuerySet(RegionScopedQuerySet):
    region_field = "household__region"


class AuditFinding(models.Model):
    """One inconsistency found by a run. Only the latest run of a region keeps its findings
    (older runs keep their counts and scores for the trend)."""

    run = models.ForeignKey(AuditRun, on_delete=models.CASCADE, related_name="findings")
    rule = models.CharField(_("规则"), max_length=24, choices=AuditRule.choices)
    household = models.ForeignKey(Household, verbose_name=_("农户"), on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        Member, verbose_name=_("成员"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The explanation as a key of fupin.reports.audit.messages and its values, never as text:
    # the run is read in every language (`detail` renders it in the active one).
    message = models.CharField(_("说明"), max_length=40, blank=True)
    params = models.JSONField(_("说明参数"), default=dict, blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("数据质量问题")
        verbose_name_plural = _("数据质量问题")
        ordering = ["run_id", "rule", "household_id", "id"]
        indexes = [models.Index(fields=["run", "rule"])]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} {self.household}"

    @property
    def detail(self) -> str:
        """The explanation in the active language."""
        return message_render(self.message, self.params)
