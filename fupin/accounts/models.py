"""Users, roles (bundles of permissions) and role assignments on regions."""

import datetime as dt

from django.contrib.auth.models import AbstractUser, Permission
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.accounts.choices import RoleCode
from fupin.regions.models import Region


class User(AbstractUser):
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Role(models.Model):
    code = models.CharField(_("代码"), max_length=30, choices=RoleCode.choices, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    permissions = models.ManyToManyField(Permission, verbose_name=_("权限"), blank=True)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")

    def __str__(self) -> str:
        return self.name


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self, on: dt.date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on)


class RoleAssignment(models.Model):
    """A role held on a region; it covers the region's whole subtree while it is valid."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="assignments")
    role = models.ForeignKey(Role, verbose_name=_("角色"), on_delete=models.PROTECT)
    region = models.ForeignKey(Region, verbose_name=_("区域"), on_delete=models.PROTECT)
    valid_from = models.DateField(_("生效日期"), default=timezone.localdate)
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            # An assignment cannot end before it starts.
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="assignment_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} · {self.region}"
