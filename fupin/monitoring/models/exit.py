"""Household exit (退出): the assessment that explains it and the case that decides it.

An `ExitAssessment` is a stored run of the exit rules (inputs, policy version, one result per
criterion) so that a decision can be explained years later. An `ExitCase` walks the exit
procedure; each step is an insert-only `ExitStep` row (who, when, decision, comment), and the
case only caches where it stands.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.accounts.scoping import RegionScopedQuerySet
from fupin.monitoring.choices import Decision, ExitCaseStatus, ExitStage
from fupin.registry.models import Household


class ViaHouseholdQuerySet(RegionScopedQuerySet):
    # The region is the household's; no second copy to drift when a household moves.
    region_field = "household__region"


class ExitAssessment(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="exit_assessments"
    )
    year = models.PositiveSmallIntegerField(_("退出年度"))
    policy = models.ForeignKey(
        "identification.PolicyVersion", verbose_name=_("政策参数版本"), on_delete=models.PROTECT, related_name="+"
    )
    inputs = models.JSONField(_("评估依据"))
    results = models.JSONField(_("逐项结果"))
    passed = models.BooleanField(_("达到退出标准"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评估人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("评估时间"), auto_now_add=True)

    objects = ViaHouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("退出评估")
        verbose_name_plural = _("退出评估")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["household", "-created"])]

    def __str__(self) -> str:
        return f"{self.household} {self.year}"


class ExitCase(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="exit_cases"
    )
    year = models.PositiveSmallIntegerField(_("退出年度"))
    assessment = models.ForeignKey(
        ExitAssessment, verbose_name=_("退出评估"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=10, choices=ExitCaseStatus.choices, default=ExitCaseStatus.OPEN)
    # The next step expected (blank once the case is closed); the ledger is the truth.
    next_step = models.CharField(_("待办环节"), max_length=20, choices=ExitStage.choices, blank=True)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notice_starts = models.DateField(_("公示开始"), null=True, blank=True)
    notice_ends = models.DateField(_("公示结束"), null=True, blank=True)
    created = models.DateTimeField(_("提出时间"), auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ViaHouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("退出申请")
        verbose_name_plural = _("退出申请")
        ordering = ["-created", "-id"]
        permissions = [
            ("verify_exitcase", _("核实拟退出户")),
            ("announce_exitcase", _("公告退出（审定）")),
        ]
        constraints = [
            # One exit procedure at a time per household.
            models.UniqueConstraint(fields=["household"], condition=Q(status="open"), name="exitcase_one_open"),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.year}"


class ExitStep(models.Model):
    """Insert-only decision ledger of an exit case."""

    case = models.ForeignKey(ExitCase, verbose_name=_("退出申请"), on_delete=models.PROTECT, related_name="steps")
    step = models.CharField(_("环节"), max_length=20, choices=ExitStage.choices)
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
        verbose_name = _("退出环节记录")
        verbose_name_plural = _("退出环节记录")
        ordering = ["case_id", "created", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.get_step_display()} {self.get_decision_display()}"
