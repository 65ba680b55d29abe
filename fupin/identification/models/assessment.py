"""Assessments: what the rules said about a household in a year, kept so it can be explained.

An assessment stores the inputs it was computed from, the id of the policy version it used,
the result of every rule and the outcome; later changes to the household or the policy never
change an old assessment. `NeedsCheck` records the two facts the registry does not hold:
不愁吃 and 不愁穿, as a cadre found them on a visit.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.accounts.scoping import RegionScopedQuerySet
from fupin.identification.choices import AssessmentOutcome
from fupin.identification.models.fields import (
    CompactJSONField,
    bulk_fk,
    compact_inputs,
    compact_results,
    expand_inputs,
    expand_results,
)
from fupin.identification.models.policy import PolicyVersion
from fupin.registry.models import Household


class AssessmentQuerySet(RegionScopedQuerySet):
    region_field = "household__region"


class Assessment(models.Model):
    # A re-check writes one row per registered household: only (household, year) is indexed.
    household = bulk_fk(Household, _("农户"), related_name="identification_assessments")
    year = models.PositiveSmallIntegerField(_("年度"))
    policy = bulk_fk(PolicyVersion, _("政策参数版本"))
    inputs = CompactJSONField(_("输入"), default=dict, compact=compact_inputs, expand=expand_inputs)
    results = CompactJSONField(_("各项结果"), default=list, compact=compact_results, expand=expand_results)
    outcome = models.CharField(_("结论"), max_length=12, choices=AssessmentOutcome.choices)
    recheck = bulk_fk("identification.Recheck", _("回头看"), null=True, blank=True, related_name="assessments")
    created_by = bulk_fk(settings.AUTH_USER_MODEL, _("评估人"), null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(_("评估时间"), auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("识别评估")
        verbose_name_plural = _("识别评估")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["household", "year"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year} {self.get_outcome_display()}"


class NeedsCheckQuerySet(RegionScopedQuerySet):
    region_field = "household__region"


class NeedsCheck(models.Model):
    """不愁吃、不愁穿 as verified on a visit (domain.md §2.2: staple food sufficient, meat about
    monthly; seasonal clothes and a change of clothes). Insert-only: the latest record for a
    household and year is the one the rules read."""

    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="identification_needs"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    food_secure = models.BooleanField(_("不愁吃"))
    clothing_secure = models.BooleanField(_("不愁穿"))
    checked_on = models.DateField(_("核实日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核实人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = NeedsCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("吃穿情况核实")
        verbose_name_plural = _("吃穿情况核实")
        ordering = ["-checked_on", "-id"]
        indexes = [models.Index(fields=["household", "year"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"
