"""Registry API shapes. Input serializers only check the shape of a request (types, code
values); every rule is the services' (their field errors come back as 400). Output
serializers give each code with its `<field>_display` label and mask personal data unless
the context says `sensitive`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from fupin.core.api.serializers import CodeLabelsField, DisplayLabelsMixin, MaskedField, code_list
from fupin.registry.choices import (
    END_REASONS,
    ETHNICITY_CHOICES,
    JOIN_REASONS,
    Attribute,
    Cause,
    CloseReason,
    DisabilityCategory,
    DisabilityGrade,
    Education,
    Health,
    IdType,
    LabourSkill,
    MemberChangeReason,
    Political,
    PovertyStatus,
    Relation,
    SchoolStatus,
    Sex,
    Standard,
    WelfarePost,
    WorkStatus,
)
from fupin.registry.models import Household, HouseholdStatusEvent, HouseholdYear, Member
from fupin.registry.services.years import YEAR_FIELDS
from fupin.utils.masking import mask_account, mask_id, mask_phone

MEMBER_DISPLAY = [
    "id_type",
    "sex",
    "relation",
    "ethnicity",
    "political",
    "education",
    "school_status",
    "disability_grade",
    "disability_category",
    "labour_skill",
    "work_status",
    "welfare_post",
    "join_reason",
    "end_reason",
]

# Each reason field takes only its own half of the code list (加入 vs 减少 reasons).
JOIN_CHOICES = [c for c in MemberChangeReason.choices if c[0] in JOIN_REASONS]
END_CHOICES = [c for c in MemberChangeReason.choices if c[0] in END_REASONS]


def optional_choice(choices, **kw) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices, required=False, allow_blank=True, **kw)


# ---------------------------------------------------------------- output


class MemberSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    household_code = serializers.CharField(source="household.code", read_only=True)
    id_number = MaskedField(masker=mask_id)
    phone = MaskedField(masker=mask_phone)
    health = code_list(Health, read_only=True)
    health_display = CodeLabelsField(choices=Health, source="health")
    active = serializers.BooleanField(source="is_active", read_only=True)
    join_reason = serializers.ChoiceField(choices=JOIN_CHOICES, read_only=True)
    end_reason = serializers.ChoiceField(choices=END_CHOICES, read_only=True, allow_blank=True)

    class Meta:
        model = Member
        fields = [
            "id",
            "household",
            "household_code",
            "person_code",
            "name",
            "id_type",
            "id_number",
            "sex",
            "birth_date",
            "relation",
            "ethnicity",
            "political",
            "education",
            "school_status",
            "health",
            "health_display",
            "disability_grade",
            "disability_category",
            "labour_skill",
            "work_status",
            "work_months",
            "welfare_post",
            "active_military",
            "ins_medical",
            "ins_serious_illness",
            "ins_pension",
            "dibao",
            "tekun",
            "phone",
            "joined_on",
            "join_reason",
            "ended_on",
            "end_reason",
            "active",
        ]
        display_fields = MEMBER_DISPLAY
        read_only_fields = fields


class HouseholdYearSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    gross_income = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = HouseholdYear
        fields = ["year", *YEAR_FIELDS, "persons", "net_income", "per_capita_net_income", "gross_income", "updated"]
        display_fields = ["road_type", "house_grade", "fuel", "relocation_mode", "resettlement"]
        read_only_fields = fields


class StatusEventSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    class Meta:
        model = HouseholdStatusEvent
        fields = ["kind", "year", "on", "status_before", "status_after", "note"]
        display_fields = ["kind"]
        read_only_fields = fields


HOUSEHOLD_CODES = ["attribute", "main_cause", "status"]


class HouseholdListSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    """A row of the household list: personal data always masked."""

    region = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    head_name = serializers.CharField(read_only=True, allow_null=True)
    head_id_number = MaskedField(masker=mask_id, allow_null=True)
    size = serializers.IntegerField(read_only=True, help_text=_("在册人数"))
    phone = MaskedField(masker=mask_phone)

    class Meta:
        model = Household
        fields = [
            "id",
            "code",
            "region",
            "region_name",
            "hamlet",
            "registered",
            "attribute",
            "main_cause",
            "status",
            "exit_year",
            "return_year",
            "head_name",
            "head_id_number",
            "size",
            "phone",
            "closed_on",
        ]
        display_fields = HOUSEHOLD_CODES
        read_only_fields = fields


class HouseholdSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    """One household with its members, yearly facts and status history. ID numbers, phones
    and the bank account are in full only when the context says `sensitive`."""

    region = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.full_name", read_only=True)
    other_causes = code_list(Cause, read_only=True)
    other_causes_display = CodeLabelsField(choices=Cause, source="other_causes")
    phone = MaskedField(masker=mask_phone)
    bank_account = MaskedField(masker=mask_account)
    size = serializers.SerializerMethodField(help_text=_("在册人数"))
    masked = serializers.SerializerMethodField(help_text=_("证件号码、电话和银行账号是否已遮蔽"))
    members = MemberSerializer(many=True, read_only=True)
    years = HouseholdYearSerializer(many=True, read_only=True)
    status_events = StatusEventSerializer(many=True, read_only=True)

    class Meta:
        model = Household
        fields = [
            "id",
            "code",
            "region",
            "region_name",
            "hamlet",
            "registered",
            "attribute",
            "main_cause",
            "other_causes",
            "other_causes_display",
            "standard",
            "identified_year",
            "status",
            "exit_year",
            "return_year",
            "military_family",
            "only_child",
            "two_daughters",
            "phone",
            "bank_name",
            "bank_account",
            "closed_on",
            "close_reason",
            "size",
            "masked",
            "members",
            "years",
            "status_events",
            "created",
            "updated",
        ]
        display_fields = [*HOUSEHOLD_CODES, "standard", "close_reason"]
        read_only_fields = fields

    def get_size(self, obj: Household) -> int:
        return sum(1 for m in obj.members.all() if m.is_active)

    def get_masked(self, obj: Household) -> bool:
        return not self.context.get("sensitive")


# ---------------------------------------------------------------- input


class MemberWriteSerializer(serializers.Serializer):
    """The fields of a member as a client sends them (shape only; the service checks the rules)."""

    person_code = serializers.CharField(max_length=30, required=False, allow_blank=True)
    name = serializers.CharField(max_length=50)
    id_type = optional_choice(IdType.choices)
    # No length limit here: the service says why a number is wrong (length, check digit, date).
    id_number = serializers.CharField(max_length=64, trim_whitespace=True)
    sex = optional_choice(Sex.choices, help_text=_("可空：居民身份证号码中可推出"))
    relation = serializers.ChoiceField(choices=Relation.choices)
    ethnicity = optional_choice(ETHNICITY_CHOICES)
    political = optional_choice(Political.choices)
    education = optional_choice(Education.choices)
    school_status = optional_choice(SchoolStatus.choices)
    health = code_list(Health, required=False, help_text=_("健康状况代码，可多选"))
    disability_grade = optional_choice(DisabilityGrade.choices)
    disability_category = optional_choice(DisabilityCategory.choices)
    labour_skill = serializers.ChoiceField(choices=LabourSkill.choices)
    work_status = optional_choice(WorkStatus.choices)
    work_months = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=12)
    welfare_post = optional_choice(WelfarePost.choices)
    active_military = serializers.BooleanField(required=False)
    ins_medical = serializers.BooleanField(required=False)
    ins_serious_illness = serializers.BooleanField(required=False)
    ins_pension = serializers.BooleanField(required=False)
    dibao = serializers.BooleanField(required=False)
    tekun = serializers.BooleanField(required=False)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)


class HeadWriteSerializer(MemberWriteSerializer):
    """The head of a new household: the relation is always 户主."""

    relation = None  # type: ignore[assignment]


class MemberAddSerializer(MemberWriteSerializer):
    join_reason = serializers.ChoiceField(choices=JOIN_CHOICES, help_text=_("加入原因"))
    joined_on = serializers.DateField(required=False, help_text=_("加入日期，默认今天"))


class MemberEndSerializer(serializers.Serializer):
    end_reason = serializers.ChoiceField(choices=END_CHOICES, help_text=_("减少原因"))
    ended_on = serializers.DateField(required=False, help_text=_("减少日期，默认今天"))
    new_head = serializers.IntegerField(required=False, allow_null=True, help_text=_("户主减少时新户主的成员 id"))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class HouseholdWriteSerializer(serializers.Serializer):
    region = serializers.CharField(max_length=15, help_text=_("所在村(组)的区划代码"))
    hamlet = serializers.CharField(max_length=50, required=False, allow_blank=True)
    registered = serializers.BooleanField(required=False)
    attribute = optional_choice(Attribute.choices)
    main_cause = optional_choice(Cause.choices)
    other_causes = code_list(Cause, required=False)
    standard = optional_choice(Standard.choices)
    identified_year = serializers.IntegerField(required=False, allow_null=True, min_value=1980, max_value=2100)
    status = optional_choice(PovertyStatus.choices)
    exit_year = serializers.IntegerField(required=False, allow_null=True, min_value=1980, max_value=2100)
    return_year = serializers.IntegerField(required=False, allow_null=True, min_value=1980, max_value=2100)
    military_family = serializers.BooleanField(required=False)
    only_child = serializers.BooleanField(required=False)
    two_daughters = serializers.BooleanField(required=False)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    bank_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    bank_account = serializers.CharField(max_length=40, required=False, allow_blank=True)


class HouseholdCreateSerializer(HouseholdWriteSerializer):
    code = serializers.CharField(max_length=30, help_text=_("户编号"))
    head = HeadWriteSerializer(help_text=_("户主"))


class HouseholdCloseSerializer(serializers.Serializer):
    close_reason = serializers.ChoiceField(choices=CloseReason.choices)
    note = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text=_("注销决定的说明（文号或会议记录）")
    )
    closed_on = serializers.DateField(required=False, help_text=_("注销日期，默认今天"))


def _year_field(name: str) -> serializers.Field:
    """PUT replaces the year's facts: an omitted field takes its empty value."""
    f = HouseholdYear._meta.get_field(name)
    if isinstance(f, models.DecimalField):
        return serializers.DecimalField(
            max_digits=f.max_digits,
            decimal_places=f.decimal_places,
            required=False,
            allow_null=f.null,
            default=f.default if f.has_default() else None,
            label=f.verbose_name,
        )
    if isinstance(f, models.BooleanField):
        return serializers.BooleanField(required=False, allow_null=True, default=None, label=f.verbose_name)
    assert isinstance(f, models.CharField) and f.choices, name
    return serializers.ChoiceField(
        choices=f.choices, required=False, allow_blank=True, default="", label=f.verbose_name
    )


class HouseholdYearWriteSerializer(serializers.Serializer):
    """The income components and conditions of one household in one year (per-capita income
    is computed). PUT replaces the year's facts: an omitted field takes its empty value."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {name: _year_field(name) for name in YEAR_FIELDS}
