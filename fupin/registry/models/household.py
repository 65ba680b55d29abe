"""A rural household. Being registered (建档立卡) is a status with a history, not the table:
monitoring later covers households that were never poor, so the registry holds them all."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.accounts.scoping import RegionScopedQuerySet
from fupin.core.fields import EncryptedCharField
from fupin.regions.models import Region
from fupin.registry.choices import Attribute, Cause, CloseReason, PovertyStatus, Standard, StatusEventKind


class HouseholdQuerySet(RegionScopedQuerySet):
    def open(self):
        return self.filter(closed_on__isnull=True)

    def registered(self):
        return self.filter(registered=True)


class Household(models.Model):
    code = models.CharField(_("户编号"), max_length=30, unique=True)
    region = models.ForeignKey(Region, verbose_name=_("所在村(组)"), on_delete=models.PROTECT, related_name="+")
    hamlet = models.CharField(_("自然村"), max_length=50, blank=True)

    registered = models.BooleanField(_("建档立卡"), default=False, db_index=True)
    attribute = models.CharField(_("贫困户属性"), max_length=2, choices=Attribute.choices, blank=True)
    main_cause = models.CharField(_("主要致贫原因"), max_length=2, choices=Cause.choices, blank=True)
    # Comma-joined cause codes ("03,07"): a short multi-select read mostly for display.
    other_causes = models.CharField(_("其他致贫原因"), max_length=60, blank=True)
    standard = models.CharField(_("识别标准"), max_length=2, choices=Standard.choices, blank=True)
    identified_year = models.PositiveSmallIntegerField(_("识别年度"), null=True, blank=True)
    status = models.CharField(_("脱贫标志"), max_length=12, choices=PovertyStatus.choices, blank=True, db_index=True)
    exit_year = models.PositiveSmallIntegerField(_("脱贫年度"), null=True, blank=True)
    return_year = models.PositiveSmallIntegerField(_("返贫年度"), null=True, blank=True)

    military_family = models.BooleanField(_("是否军烈属"), default=False)
    only_child = models.BooleanField(_("是否独生子女户"), default=False)
    two_daughters = models.BooleanField(_("是否双女户"), default=False)

    phone = models.CharField(_("户联系电话"), max_length=11, blank=True)
    bank_name = models.CharField(_("开户银行"), max_length=100, blank=True)
    bank_account = EncryptedCharField(_("银行账号"), blank=True)

    closed_on = models.DateField(_("注销日期"), null=True, blank=True)
    close_reason = models.CharField(_("注销原因"), max_length=12, choices=CloseReason.choices, blank=True)

    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("农户")
        verbose_name_plural = _("农户")
        ordering = ["code"]
        permissions = [
            ("close_household", _("注销农户")),
            ("export_household", _("导出农户")),
            ("view_sensitive_household", _("查看完整证件号码、电话和银行账号")),
        ]
        constraints = [
            # An exited household carries its exit year.
            models.CheckConstraint(
                condition=~Q(status=PovertyStatus.EXITED) | Q(exit_year__isnull=False),
                name="household_exit_has_year",
            ),
            # Only a registered household has a poverty status.
            models.CheckConstraint(
                condition=Q(registered=True) | Q(status=""), name="household_status_needs_registration"
            ),
        ]
        indexes = [
            # (region, status) widened to cover the indicators' household pass (fupin.reports).
            models.Index(
                fields=["region", "status", "registered", "identified_year", "closed_on", "exit_year", "attribute"]
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def other_cause_list(self) -> list[str]:
        return [c for c in self.other_causes.split(",") if c]

    def other_cause_labels(self) -> list[str]:
        labels = dict(Cause.choices)
        return [str(labels.get(c, c)) for c in self.other_cause_list]

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None


class HouseholdStatusEvent(models.Model):
    """Insert-only history of registration, exit, return, removal and closing."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="status_events")
    kind = models.CharField(_("事项"), max_length=12, choices=StatusEventKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    on = models.DateField(_("日期"))
    status_before = models.CharField(_("原状态"), max_length=12, blank=True)
    status_after = models.CharField(_("新状态"), max_length=12, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.household} {self.get_kind_display()}"
