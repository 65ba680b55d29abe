"""The review workflow (两公示一公告) for admission (识别) and removal (清退).

`Application` holds where a case stands; every step taken is a row of the insert-only
`StepDecision` ledger (who, when, which decision, comment, the step's data such as votes or
notice dates), and objections raised during a notice are `Objection` rows with their answer.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.accounts.scoping import RegionScopedQuerySet
from fupin.identification.choices import (
    ApplicationKind,
    ApplicationOrigin,
    Decision,
    ObjectionOutcome,
    Step,
)
from fupin.registry.choices import Attribute, Cause, Standard
from fupin.registry.models import Household, Member

CLOSED_STEPS = (Step.DONE, Step.REJECTED, Step.WITHDRAWN)
NOTICE_STEPS = (Step.VILLAGE_NOTICE, Step.TOWNSHIP_NOTICE)


class ApplicationQuerySet(RegionScopedQuerySet):
    region_field = "household__region"

    def open(self):
        return self.exclude(step__in=CLOSED_STEPS)


class Application(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="identification_applications"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=ApplicationKind.choices)
    origin = models.CharField(
        _("来源"), max_length=12, choices=ApplicationOrigin.choices, default=ApplicationOrigin.CADRE
    )
    year = models.PositiveSmallIntegerField(_("年度"), help_text=_("纳入时即识别年度"))
    attribute = models.CharField(_("贫困户属性"), max_length=2, choices=Attribute.choices, blank=True)
    main_cause = models.CharField(_("主要致贫原因"), max_length=2, choices=Cause.choices, blank=True)
    other_causes = models.CharField(_("其他致贫原因"), max_length=60, blank=True)
    standard = models.CharField(_("识别标准"), max_length=2, choices=Standard.choices, blank=True)
    reason = models.CharField(_("理由"), max_length=300, blank=True)

    step = models.CharField(_("当前环节"), max_length=20, choices=Step.choices, db_index=True)
    step_since = models.DateTimeField(_("进入当前环节"))
    notice_from = models.DateField(_("公示开始"), null=True, blank=True)
    notice_until = models.DateField(_("公示截止"), null=True, blank=True)
    announced_on = models.DateField(_("公告日期"), null=True, blank=True)

    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("提出时间"), null=True, blank=True)
    comparison = models.ForeignKey(
        "identification.ComparisonList",
        verbose_name=_("来源比对名单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    member = models.ForeignKey(
        Member, verbose_name=_("名单上的成员"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("识别/清退申请")
        verbose_name_plural = _("识别/清退申请")
        ordering = ["-created", "-id"]
        permissions = [
            ("village_step_application", _("记录民主评议、村公示和异议")),
            ("township_review_application", _("乡镇审核")),
            ("approve_application", _("县(区)审批和公告")),
        ]
        constraints = [
            # One open case per household: two parallel reviews could contradict each other.
            models.UniqueConstraint(
                fields=["household"],
                condition=~Q(step__in=["done", "rejected", "withdrawn"]),
                name="application_one_open_per_household",
            ),
            # A removal says why.
            models.CheckConstraint(condition=~Q(kind="removal") | ~Q(reason=""), name="application_removal_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.household_id} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.step not in CLOSED_STEPS

    @property
    def in_notice(self) -> bool:
        return self.step in NOTICE_STEPS


class StepDecision(models.Model):
    """Insert-only ledger: a recorded decision is never changed or deleted (maker-checker
    review must be auditable), so `save` refuses updates and `delete` refuses outright."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="decisions"
    )
    step = models.CharField(_("环节"), max_length=20)
    decision = models.CharField(_("决定"), max_length=20, choices=Decision.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("经办人姓名"), max_length=150)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    data = models.JSONField(_("环节数据"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.step} {self.decision}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("审核记录只能新增，不能修改"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("审核记录不能删除"))


class Objection(models.Model):
    """An objection raised during a notice (公示期异议) and the answer given to it."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="objections"
    )
    step = models.CharField(_("公示环节"), max_length=20)
    raised_on = models.DateField(_("提出日期"))
    raised_by_name = models.CharField(_("异议人"), max_length=50, blank=True, help_text=_("可匿名"))
    content = models.CharField(_("异议内容"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(
        _("处理结果"), max_length=10, choices=ObjectionOutcome.choices, default=ObjectionOutcome.OPEN
    )
    answer = models.CharField(_("答复"), max_length=500, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["raised_on", "id"]
        constraints = [
            # An answered objection carries its answer.
            models.CheckConstraint(condition=Q(outcome="open") | ~Q(answer=""), name="objection_answer_given"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.raised_on}"
