"""走访有痕迹: visits with the 六个一 checklist, photos and the visit-frequency policy."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.assistance.models.organisation import Cadre
from fupin.assistance.models.querysets import HouseholdOwnedQuerySet, VisitPhotoQuerySet
from fupin.registry.models import Household


class Visit(models.Model):
    household = models.ForeignKey(Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="visits")
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("走访干部"), null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField(_("走访日期"))
    # 六个一 (domain.md §8): one flag each.
    chat = models.BooleanField(_("拉家常"), default=False)
    policy = models.BooleanField(_("宣讲政策"), default=False)
    handbook = models.BooleanField(_("填写手册"), default=False)
    measures = models.BooleanField(_("完善对策"), default=False)
    wish = models.BooleanField(_("实现心愿"), default=False)
    labour = models.BooleanField(_("参加劳动"), default=False)
    notes = models.TextField(_("走访记录"), blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = HouseholdOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-id"]
        constraints = [
            # A location is both coordinates or none, within the valid ranges.
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180)),
                name="visit_location_valid",
            ),
        ]
        indexes = [models.Index(fields=["household", "visited_on"])]

    def __str__(self) -> str:
        return f"{self.household} {self.visited_on}"


def visit_photo_path(instance: "VisitPhoto", filename: str) -> str:
    # Random names: the path must not reveal the household or the person.
    return f"visits/{instance.visit.visited_on:%Y/%m}/{uuid.uuid4().hex}.jpg"


class VisitPhoto(models.Model):
    """A photo of a visit, re-encoded as JPEG of at most 1600 px (services/visits.py); served
    only through a permission-checked view, never from the public media URL."""

    visit = models.ForeignKey(Visit, verbose_name=_("走访记录"), on_delete=models.PROTECT, related_name="photos")
    image = models.ImageField(_("照片"), upload_to=visit_photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)

    objects = VisitPhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访照片")
        verbose_name_plural = _("走访照片")
        ordering = ["visit_id", "id"]

    def __str__(self) -> str:
        return f"{self.visit} #{self.pk}"


class VisitPolicy(models.Model):
    """How often a household must be visited (policy as data): the row with the latest
    effective year not after the year in question applies."""

    effective_year = models.PositiveSmallIntegerField(_("生效年度"), unique=True)
    days_not_exited = models.PositiveSmallIntegerField(_("未脱贫户走访间隔(天)"))
    days_exited = models.PositiveSmallIntegerField(_("已脱贫户走访间隔(天)"))
    note = models.CharField(_("说明与依据"), max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("走访频次")
        verbose_name_plural = _("走访频次")
        ordering = ["-effective_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days_not_exited__gte=1, days_exited__gte=1), name="visitpolicy_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.effective_year}: {self.days_not_exited}/{self.days_exited}"
