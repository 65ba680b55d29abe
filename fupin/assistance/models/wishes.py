"""Small wishes (微心愿, 社会扶贫网): a cadre posts a verified wish for a household; a donor
claims and delivers it; the cadre confirms with a photo. The public sees the wish's item,
cost and village only — never who the household is."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.assistance.choices import WishStatus
from fupin.assistance.models.organisation import Cadre
from fupin.assistance.models.querysets import WishClaimQuerySet, WishQuerySet
from fupin.registry.models import Household


class Wish(models.Model):
    household = models.ForeignKey(Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="wishes")
    item = models.CharField(_("心愿物品"), max_length=50)
    public_text = models.CharField(
        _("公开说明"),
        max_length=200,
        blank=True,
        help_text=_("将在公开页面显示，不得包含姓名、证件号码、电话等个人信息"),
    )
    estimated_cost = models.DecimalField(_("预估金额(元)"), max_digits=10, decimal_places=2)
    status = models.CharField(
        _("状态"), max_length=10, choices=WishStatus.choices, default=WishStatus.OPEN, db_index=True
    )
    verified_by = models.ForeignKey(
        Cadre, verbose_name=_("核实干部"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_on = models.DateField(_("核实日期"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = WishQuerySet.as_manager()

    class Meta:
        verbose_name = _("微心愿")
        verbose_name_plural = _("微心愿")
        ordering = ["-created", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(estimated_cost__gt=0), name="wish_cost_positive"),
        ]

    def __str__(self) -> str:
        return self.item


class Donor(models.Model):
    """A registered donor (爱心人士). The login is a `User` without any role assignment, so
    every region-scoped queryset is empty for it: a donor can never read the registry."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), on_delete=models.PROTECT, related_name="donor"
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=11)
    organisation = models.CharField(_("单位或组织"), max_length=100, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("爱心人士")
        verbose_name_plural = _("爱心人士")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["phone"], name="donor_phone_unique")]

    def __str__(self) -> str:
        return self.name


def claim_photo_path(instance: "WishClaim", filename: str) -> str:
    return f"wishes/{uuid.uuid4().hex}.jpg"


class WishClaim(models.Model):
    """A donor's claim of a wish, through delivery and the cadre's confirmation. A donor
    who gives up releases the claim; the wish opens again and the released claim stays."""

    wish = models.ForeignKey(Wish, verbose_name=_("微心愿"), on_delete=models.PROTECT, related_name="claims")
    donor = models.ForeignKey(Donor, verbose_name=_("爱心人士"), on_delete=models.PROTECT, related_name="claims")
    claimed_at = models.DateTimeField(_("认领时间"))
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    delivery_note = models.CharField(_("送达说明"), max_length=200, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    photo = models.ImageField(_("确认照片"), upload_to=claim_photo_path, blank=True)
    released_at = models.DateTimeField(_("放弃时间"), null=True, blank=True)

    objects = WishClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("心愿认领")
        verbose_name_plural = _("心愿认领")
        ordering = ["-claimed_at", "-id"]
        constraints = [
            # One donor at a time holds a wish.
            models.UniqueConstraint(
                fields=["wish"], condition=Q(released_at__isnull=True), name="wishclaim_one_current_per_wish"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.wish} · {self.donor}"
