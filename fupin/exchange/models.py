"""One import of a workbook: who, which file, what it did, and the error report.

Its id is the batch id written into every change-log row of the import, so a household's
history links each imported change back to the file it came from.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.accounts.scoping import RegionScopedQuerySet
from fupin.exchange.choices import BatchStatus
from fupin.regions.models import Region


class ImportBatchQuerySet(RegionScopedQuerySet):
    pass


class ImportBatch(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The uploader's scope root (UI) or the common region of the file's households (CLI);
    # a batch without a region is visible to superusers only.
    region = models.ForeignKey(
        Region, verbose_name=_("区域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/", blank=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    valid_only = models.BooleanField(_("仅导入无误的户"), default=False)
    status = models.CharField(_("状态"), max_length=12, choices=BatchStatus.choices, default=BatchStatus.UPLOADED)
    households_created = models.PositiveIntegerField(_("新增户"), default=0)
    households_updated = models.PositiveIntegerField(_("更新户"), default=0)
    households_unchanged = models.PositiveIntegerField(_("未变户"), default=0)
    households_rejected = models.PositiveIntegerField(_("拒绝户"), default=0)
    errors = models.PositiveIntegerField(_("错误数"), default=0)
    warnings = models.PositiveIntegerField(_("提醒数"), default=0)
    summary = models.JSONField(_("结果"), default=dict, blank=True)
    report = models.FileField(_("错误报告"), upload_to="import-reports/%Y/%m/", blank=True)
    job = models.ForeignKey(
        "core.Job", verbose_name=_("后台任务"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def counts(self) -> dict:
        return self.summary.get("counts", {})
