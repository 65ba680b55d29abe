"""一户一人: each household has at most one active responsible cadre; earlier pairings stay."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.assistance.models.organisation import Cadre
from fupin.assistance.models.querysets import PairingQuerySet
from fupin.registry.models import Household


class Pairing(models.Model):
    household = models.ForeignKey(Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="pairings")
    cadre = models.ForeignKey(Cadre, verbose_name=_("帮扶责任人"), on_delete=models.PROTECT, related_name="pairings")
    # Unknown for pairings imported without a date (layout 4 makes the dates optional).
    started_on = models.DateField(_("帮扶开始时间"), null=True, blank=True)
    ended_on = models.DateField(_("帮扶结束时间"), null=True, blank=True, db_index=True)
    end_reason = models.CharField(_("结束原因"), max_length=100, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("结对帮扶")
        verbose_name_plural = _("结对帮扶")
        ordering = ["household_id", "-started_on", "-id"]
        constraints = [
            # 一户一人: at most one active (not ended) pairing per household.
            models.UniqueConstraint(
                fields=["household"], condition=Q(ended_on__isnull=True), name="pairing_one_active_per_household"
            ),
            # A pairing cannot end before it starts.
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="pairing_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["cadre", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.household} ← {self.cadre}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class MaxWorkload(models.Model):
    """How many households one cadre may hold (policy as data, versioned by year): the
    row with the latest effective year not after the year in question applies."""

    effective_year = models.PositiveSmallIntegerField(_("生效年度"), unique=True)
    max_households = models.PositiveSmallIntegerField(_("每名干部最多结对户数"))
    note = models.CharField(_("说明与依据"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("结对户数上限")
        verbose_name_plural = _("结对户数上限")
        ordering = ["-effective_year"]
        constraints = [models.CheckConstraint(condition=Q(max_households__gte=1), name="maxworkload_positive")]

    def __str__(self) -> str:
        return f"{self.effective_year}: {self.max_households}"
