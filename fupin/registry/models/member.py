from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.accounts.scoping import RegionScopedQuerySet
from fupin.registry.choices import (
    ETHNICITY_CHOICES,
    DisabilityCategory,
    DisabilityGrade,
    Education,
    Health,
    IdType,
    LabourSkill,
    MemberChangeReason,
    Political,
    Relation,
    SchoolStatus,
    Sex,
    WelfarePost,
    WorkStatus,
)
from fupin.registry.models.household import Household


class MemberQuerySet(RegionScopedQuerySet):
    # A member belongs to its household's region; no second copy of the region to drift.
    region_field = "household__region"

    def active(self):
        return self.filter(ended_on__isnull=True)


class Member(models.Model):
    household = models.ForeignKey(Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="members")
    person_code = models.CharField(_("人编号"), max_length=30, blank=True)
    name = models.CharField(_("姓名"), max_length=50)
    id_type = models.CharField(_("证件类型"), max_length=2, choices=IdType.choices, default=IdType.RESIDENT)
    id_number = models.CharField(_("证件号码"), max_length=22)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    relation = models.CharField(_("与户主关系"), max_length=2, choices=Relation.choices)
    ethnicity = models.CharField(_("民族"), max_length=2, choices=ETHNICITY_CHOICES, default="01")
    political = models.CharField(_("政治面貌"), max_length=2, choices=Political.choices, default=Political.MASSES)
    education = models.CharField(_("文化程度"), max_length=2, choices=Education.choices, blank=True)
    school_status = models.CharField(_("在校生状况"), max_length=2, choices=SchoolStatus.choices, blank=True)
    # Comma-joined Health codes, e.g. "02,04" (残疾,长期慢性病).
    health = models.CharField(_("健康状况"), max_length=20, default=Health.HEALTHY)
    disability_grade = models.CharField(_("残疾等级"), max_length=1, choices=DisabilityGrade.choices, blank=True)
    disability_category = models.CharField(_("残疾类别"), max_length=1, choices=DisabilityCategory.choices, blank=True)
    labour_skill = models.CharField(_("劳动技能"), max_length=1, choices=LabourSkill.choices)
    work_status = models.CharField(_("务工状况"), max_length=2, choices=WorkStatus.choices, blank=True)
    work_months = models.PositiveSmallIntegerField(_("务工时间(月)"), null=True, blank=True)
    welfare_post = models.CharField(_("公益性岗位类型"), max_length=2, choices=WelfarePost.choices, blank=True)
    active_military = models.BooleanField(_("是否现役军人"), default=False)
    ins_medical = models.BooleanField(_("参加城乡居民基本医疗保险"), default=False)
    ins_serious_illness = models.BooleanField(_("参加大病保险"), default=False)
    ins_pension = models.BooleanField(_("参加城乡居民基本养老保险"), default=False)
    dibao = models.BooleanField(_("享受低保"), default=False)
    tekun = models.BooleanField(_("特困供养人员"), default=False)
    phone = models.CharField(_("联系电话"), max_length=11, blank=True)

    joined_on = models.DateField(_("加入日期"), null=True, blank=True)
    join_reason = models.CharField(
        _("加入原因"), max_length=2, choices=MemberChangeReason.choices, default=MemberChangeReason.INITIAL
    )
    ended_on = models.DateField(_("减少日期"), null=True, blank=True, db_index=True)
    end_reason = models.CharField(_("减少原因"), max_length=2, choices=MemberChangeReason.choices, blank=True)

    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["household_id", "relation", "birth_date"]
        constraints = [
            # One ID number belongs to at most one active member in the whole registry.
            models.UniqueConstraint(
                fields=["id_number"], condition=Q(ended_on__isnull=True), name="member_active_id_unique"
            ),
            # One head (户主) per household among active members.
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(ended_on__isnull=True, relation="01"),
                name="member_one_active_head",
            ),
            # Exactly one of 文化程度 / 在校生状况 is filled.
            models.CheckConstraint(
                condition=(Q(education="") & ~Q(school_status="")) | (~Q(education="") & Q(school_status="")),
                name="member_education_xor_school",
            ),
            # An ended member carries the reason.
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | ~Q(end_reason=""), name="member_end_has_reason"
            ),
            # 务工时间 is given iff 务工状况 is.
            models.CheckConstraint(
                condition=(Q(work_status="") & Q(work_months__isnull=True))
                | (~Q(work_status="") & Q(work_months__isnull=False, work_months__lte=12)),
                name="member_work_months_iff_status",
            ),
        ]
        indexes = [
            models.Index(fields=["id_number"]),
            # (household, ended_on) widened to cover the indicators' member pass (fupin.reports):
            # the counts by household read this index alone, never the table.
            models.Index(
                fields=[
                    "household",
                    "ended_on",
                    "joined_on",
                    "join_reason",
                    "school_status",
                    "work_status",
                    "welfare_post",
                ]
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    @property
    def health_list(self) -> list[str]:
        return [c for c in self.health.split(",") if c]

    def health_labels(self) -> str:
        labels = dict(Health.choices)
        return str(_("、")).join(str(labels.get(c, c)) for c in self.health_list)
