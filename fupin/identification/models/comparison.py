"""Data comparison (大数据比对), findings and the re-check campaign (回头看).

A department list is stored row by row (`ComparisonRow`) so that every later re-check can
match it again against the registry as it is then. A match, a duplicate or a rule that no
longer holds becomes a `Finding` in the township's verification queue; a finding never
changes the registry by itself, only the township's recorded decision does.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.accounts.scoping import RegionScopedQuerySet
from fupin.identification.choices import FindingKind, FindingStatus, ListKind
from fupin.identification.models.fields import bulk_fk
from fupin.regions.models import Region
from fupin.registry.models import Household, Member


class ComparisonListQuerySet(RegionScopedQuerySet):
    pass


class ComparisonList(models.Model):
    """One uploaded department list (exchange.md layout 6) and what matching it found."""

    region = models.ForeignKey(Region, verbose_name=_("比对范围"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("名单类型"), max_length=12, choices=ListKind.choices)
    kind_name = models.CharField(_("名单名称"), max_length=50, help_text=_("“其他”类型须填写名称"))
    file_name = models.CharField(_("文件名"), max_length=200)
    columns = models.JSONField(_("依据列"), default=list, help_text=_("除证件号码外保留为比对依据的列"))
    rows_total = models.PositiveIntegerField(_("数据行"), default=0)
    rows_valid = models.PositiveIntegerField(_("有效证件号码"), default=0)
    invalid_count = models.PositiveIntegerField(_("无效证件号码"), default=0)
    duplicate_count = models.PositiveIntegerField(_("名单内重复"), default=0)
    matched = models.PositiveIntegerField(_("命中人数"), default=0)
    unmatched = models.PositiveIntegerField(_("未命中人数"), default=0)
    findings = models.PositiveIntegerField(_("生成线索"), default=0)
    candidates = models.PositiveIntegerField(_("应纳候选户"), default=0)
    problems = models.JSONField(_("问题明细"), default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    job = models.ForeignKey(
        "core.Job", verbose_name=_("后台任务"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ComparisonListQuerySet.as_manager()

    class Meta:
        verbose_name = _("比对名单")
        verbose_name_plural = _("比对名单")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.kind_name} {self.file_name}"


class ComparisonRow(models.Model):
    """One valid row of a list. Only the normalised ID number is matched; the other columns
    are kept as evidence shown beside a match."""

    # Indexed through (comparison, line) below; a second index would only slow million-row uploads.
    comparison = bulk_fk(ComparisonList, _("比对名单"), on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField(_("行号"))
    id_number = models.CharField(_("证件号码"), max_length=18)
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    evidence = models.JSONField(_("依据"), default=dict, blank=True)

    class Meta:
        verbose_name = _("名单行")
        verbose_name_plural = _("名单行")
        # No index on id_number: the matching is a hash join that reads every row anyway,
        # and an index would cost more on a million-row upload than it saves.
        indexes = [models.Index(fields=["comparison", "line"])]

    def __str__(self) -> str:
        return f"{self.comparison_id}:{self.line}"


class RecheckQuerySet(RegionScopedQuerySet):
    pass


class Recheck(models.Model):
    """One re-check campaign run: rules for every registered household, every stored list
    matched again, the duplicate checks; `summary` holds the counts per township."""

    region = models.ForeignKey(Region, verbose_name=_("范围"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    job = models.ForeignKey(
        "core.Job", verbose_name=_("后台任务"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.JSONField(_("结果"), default=dict, blank=True)
    timings = models.JSONField(_("耗时(秒)"), default=dict, blank=True)
    created = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = RecheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("回头看")
        verbose_name_plural = _("回头看")
        ordering = ["-created", "-id"]
        permissions = [("run_recheck", _("发起回头看"))]

    def __str__(self) -> str:
        return f"{self.year} #{self.pk}"


class FindingQuerySet(RegionScopedQuerySet):
    def open(self):
        return self.filter(status=FindingStatus.OPEN)


class Finding(models.Model):
    # Hundreds of thousands arrive in one re-check, so only region+status (every queue and
    # household page is region-scoped first) and the fingerprint are indexed; filtering by
    # household, list or re-check narrows that already small region scan.
    region = bulk_fk(Region, _("所在村(组)"))
    kind = models.CharField(_("线索类型"), max_length=20, choices=FindingKind.choices)
    household = bulk_fk(Household, _("农户"))
    member = bulk_fk(Member, _("成员"), null=True, blank=True)
    # The other side of a duplicate (the second household's member, or the ended record).
    other_member = bulk_fk(Member, _("重复对象"), null=True, blank=True)
    list_kind = models.CharField(_("名单类型"), max_length=12, choices=ListKind.choices, blank=True)
    comparison = bulk_fk(ComparisonList, _("比对名单"), null=True, blank=True)
    # The list row that matched: its columns are the evidence shown beside the finding.
    row = bulk_fk(ComparisonRow, _("名单行"), null=True, blank=True)
    recheck = bulk_fk(Recheck, _("回头看"), null=True, blank=True)
    evidence = models.JSONField(_("依据"), default=dict, blank=True)
    # Identifies "the same lead" so that matching a list again or re-running the duplicate
    # checks never files it twice (and an explained lead is not raised again).
    fingerprint = models.CharField(max_length=80)
    status = models.CharField(_("核实状态"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    note = models.CharField(_("核实说明"), max_length=500, blank=True)
    decided_by = bulk_fk(settings.AUTH_USER_MODEL, _("核实人"), null=True, blank=True, on_delete=models.SET_NULL)
    decided_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    application = bulk_fk(
        "identification.Application",
        _("清退申请"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
    )
    created = models.DateTimeField(_("发现时间"), default=timezone.now)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("核查线索")
        verbose_name_plural = _("核查线索")
        ordering = ["-created", "-id"]
        permissions = [("decide_finding", _("核实线索"))]
        indexes = [models.Index(fields=["region", "status"])]
        constraints = [
            # One finding per lead. A constraint rather than unique=True: PostgreSQL would get
            # a second (LIKE) index on the column, which nothing here needs.
            models.UniqueConstraint(fields=["fingerprint"], name="finding_fingerprint_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.household_id}"
