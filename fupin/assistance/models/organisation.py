"""Who helps: the leading group, linked units (联点单位), resident work teams (驻村工作队)
and the cadres (帮扶责任人) who pair with households."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.accounts.scoping import RegionScopedQuerySet
from fupin.assistance.choices import Affiliation, CadrePost, GroupRole
from fupin.assistance.models.querysets import AnyScopeQuerySet, CadreQuerySet
from fupin.regions.models import Region
from fupin.registry.choices import Political, Sex


class LinkedUnit(models.Model):
    """A unit (department, company, army unit …) linked to villages. Units are known by
    name across the whole deployment (a provincial department links villages in many
    districts), so a unit belongs to no region."""

    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    affiliation = models.CharField(
        _("单位隶属关系"), max_length=10, choices=Affiliation.choices, default=Affiliation.OTHER
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = AnyScopeQuerySet.as_manager()

    class Meta:
        verbose_name = _("联点单位")
        verbose_name_plural = _("联点单位")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LeadingGroupMember(models.Model):
    """A member of a region's poverty-alleviation leading group (扶贫开发领导小组)."""

    region = models.ForeignKey(Region, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("职务"), max_length=100, help_text=_("如 区委书记、区长、扶贫办主任"))
    group_role = models.CharField(_("小组职务"), max_length=12, choices=GroupRole.choices, default=GroupRole.MEMBER)
    unit = models.ForeignKey(
        LinkedUnit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    phone = models.CharField(_("联系电话"), max_length=11, blank=True)
    started_on = models.DateField(_("任职日期"), null=True, blank=True)
    ended_on = models.DateField(_("离任日期"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("领导小组成员")
        verbose_name_plural = _("领导小组成员")
        ordering = ["region_id", "group_role", "name"]
        constraints = [
            # A term cannot end before it starts.
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="groupmember_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return _("{name}（{role}）").format(name=self.name, role=self.get_group_role_display())


class WorkTeam(models.Model):
    """A resident work team (驻村工作队) sent to one village by a linked unit. Its name
    identifies it (layout 2 names the team of each cadre)."""

    name = models.CharField(_("工作队名称"), max_length=100, unique=True)
    region = models.ForeignKey(Region, verbose_name=_("派驻村"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(LinkedUnit, verbose_name=_("派出单位"), on_delete=models.PROTECT, related_name="teams")
    leader = models.ForeignKey(
        "Cadre", verbose_name=_("队长"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_on = models.DateField(_("派驻日期"), null=True, blank=True)
    ended_on = models.DateField(_("撤离日期"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("驻村工作队")
        verbose_name_plural = _("驻村工作队")
        ordering = ["name"]
        constraints = [
            # A team leaves after it arrives.
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="workteam_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class Cadre(models.Model):
    """A responsible cadre (帮扶责任人). `region` is where the cadre serves (a village for
    a team member, a township for a township cadre) and scopes who sees the record.
    Identity: the ID number when given, else name + phone (layout 4 names cadres by both)."""

    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("证件号码"), max_length=18, blank=True)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, blank=True)
    political = models.CharField(_("政治面貌"), max_length=2, choices=Political.choices, blank=True)
    phone = models.CharField(_("联系电话"), max_length=11)
    unit = models.ForeignKey(
        LinkedUnit, verbose_name=_("联点单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="cadres"
    )
    employer = models.CharField(
        _("单位名称"), max_length=100, blank=True, help_text=_("不是联点单位时填写工作单位名称")
    )
    affiliation = models.CharField(_("单位隶属关系"), max_length=10, choices=Affiliation.choices, blank=True)
    team = models.ForeignKey(
        WorkTeam, verbose_name=_("工作队"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    post = models.CharField(_("职务"), max_length=24, choices=CadrePost.choices, default=CadrePost.RESPONSIBLE)
    region = models.ForeignKey(Region, verbose_name=_("服务区域"), on_delete=models.PROTECT, related_name="+")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre",
    )
    ended_on = models.DateField(_("离任日期"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = CadreQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮扶干部")
        verbose_name_plural = _("帮扶干部")
        ordering = ["name", "phone"]
        constraints = [
            # A person (by ID number) is one cadre record.
            models.UniqueConstraint(fields=["id_number"], condition=~Q(id_number=""), name="cadre_id_unique"),
            # Name + phone identify a cadre in the pairing layout, so they must be unambiguous.
            models.UniqueConstraint(fields=["name", "phone"], name="cadre_name_phone_unique"),
            # Every cadre has an employer: a linked unit or a named one.
            models.CheckConstraint(condition=Q(unit__isnull=False) | ~Q(employer=""), name="cadre_has_employer"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def employer_name(self) -> str:
        return self.unit.name if self.unit is not None else self.employer
