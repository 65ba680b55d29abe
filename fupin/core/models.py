"""Cross-cutting records: the change log and background jobs."""

import uuid
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.core.choices import ChangeAction, ChangeSource, JobStatus
from fupin.core.fields import TextJSONField


class ObjectChange(models.Model):
    """One create, update or end of a record, by any path, with its actor.

    Written explicitly by services (never from signals) so that imports and jobs are logged
    like forms. `related_*` points at the aggregate root (a member's change → its household)
    so that a household page shows its members' history. Personal fields are stored masked.
    """

    time = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=10, choices=ChangeAction.choices)
    source = models.CharField(_("来源"), max_length=10, choices=ChangeSource.choices)
    batch_id = models.UUIDField(_("批次"), null=True, blank=True, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.BigIntegerField()
    object_repr = models.CharField(_("对象"), max_length=200)
    related_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    related_id = models.BigIntegerField(null=True, blank=True)
    # `json`, not `jsonb`, on PostgreSQL (TextJSONField): written in bulk by imports, read whole.
    before = TextJSONField(_("修改前"), null=True, blank=True)
    after = TextJSONField(_("修改后"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-time", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["related_type", "related_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"

    @property
    def display_repr(self) -> str:
        """The object's description in the reader's language: it was written in the actor's
        (`纳入（识别） 15 #1`), so the choice labels it holds are put in the current one."""
        from fupin.core.i18n import relabel

        return relabel(self.object_repr, self.content_type.model_class(), {**(self.before or {}), **(self.after or {})})

    def changed_fields(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class Job(models.Model):
    """A long piece of work (import, re-check, export, report) with progress for the UI and CLI."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("类型"), max_length=50)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    total = models.PositiveBigIntegerField(_("总量"), default=0)
    done = models.PositiveBigIntegerField(_("已完成"), default=0)
    message = models.CharField(_("当前步骤"), max_length=200, blank=True)
    log = models.TextField(_("日志"), blank=True)
    result = models.JSONField(_("结果"), null=True, blank=True)
    result_file = models.FileField(_("结果文件"), upload_to="jobs/%Y/%m/", blank=True)
    input_file = models.FileField(_("输入文件"), upload_to="uploads/%Y/%m/", blank=True)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"

    @property
    def kind_label(self) -> Any:
        """The kind in the reader's language (the row keeps the code)."""
        from fupin.core.joblabels import kind_label

        return kind_label(self.kind)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
