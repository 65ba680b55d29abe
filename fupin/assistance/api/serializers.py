"""Serializers of the assistance API: model serializers render, plain serializers type the
input of writes (which go through the services). Phones of cadres and donors are masked."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from fupin.assistance.choices import VISIT_CHECKLIST, Affiliation, CadrePost, GroupRole, MeasureStatus, ProjectKind
from fupin.assistance.models import (
    Cadre,
    LeadingGroupMember,
    LinkedUnit,
    Measure,
    MeasureItem,
    Pairing,
    Plan,
    Project,
    Visit,
    VisitPhoto,
    Wish,
    WishClaim,
)
from fupin.core.api.serializers import DisplayLabelsMixin
from fupin.registry.choices import HouseGrade, Political, Sex, WelfarePost
from fupin.utils.masking import mask_phone


class MaskedPhoneField(serializers.CharField):
    def __init__(self, **kw: Any) -> None:
        kw.setdefault("read_only", True)
        super().__init__(**kw)

    def to_representation(self, value: Any) -> str:
        return mask_phone(value)


class LinkedUnitSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    class Meta:
        model = LinkedUnit
        fields = ["id", "name", "affiliation", "note"]
        read_only_fields = fields
        display_fields = ["affiliation"]


class LinkedUnitWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    affiliation = serializers.ChoiceField(choices=Affiliation.choices, required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class GroupMemberSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    phone = MaskedPhoneField()

    class Meta:
        model = LeadingGroupMember
        fields = ["id", "region", "name", "post", "group_role", "unit", "phone", "started_on", "ended_on"]
        read_only_fields = fields
        display_fields = ["group_role"]


class GroupMemberWriteSerializer(serializers.Serializer):
    region = serializers.CharField(help_text="区划代码（创建时必填）", required=False)
    name = serializers.CharField(max_length=50, required=False)
    post = serializers.CharField(max_length=100, required=False)
    group_role = serializers.ChoiceField(choices=GroupRole.choices, required=False)
    unit = serializers.PrimaryKeyRelatedField(queryset=LinkedUnit.objects.all(), required=False, allow_null=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    started_on = serializers.DateField(required=False, allow_null=True)
    ended_on = serializers.DateField(required=False, allow_null=True)


class WorkTeamSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    unit = serializers.IntegerField(source="unit_id", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    leader = serializers.IntegerField(source="leader_id", read_only=True, allow_null=True)
    started_on = serializers.DateField(read_only=True, allow_null=True)
    ended_on = serializers.DateField(read_only=True, allow_null=True)


class WorkTeamWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    region = serializers.CharField(help_text="派驻村的区划代码（创建时必填）", required=False)
    unit = serializers.PrimaryKeyRelatedField(queryset=LinkedUnit.objects.all(), required=False)
    leader = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.all(), required=False, allow_null=True)
    started_on = serializers.DateField(required=False, allow_null=True)
    ended_on = serializers.DateField(required=False, allow_null=True)


class CadreSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    phone = MaskedPhoneField()
    employer_name = serializers.CharField(read_only=True)
    households = serializers.IntegerField(source="held", read_only=True, default=None)

    class Meta:
        model = Cadre
        fields = [
            "id",
            "name",
            "sex",
            "political",
            "phone",
            "unit",
            "employer",
            "employer_name",
            "affiliation",
            "team",
            "post",
            "region",
            "ended_on",
            "households",
        ]
        read_only_fields = fields
        display_fields = ["sex", "political", "affiliation", "post"]


class CadreWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, required=False)
    id_number = serializers.CharField(max_length=22, required=False, allow_blank=True)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, allow_blank=True)
    political = serializers.ChoiceField(choices=Political.choices, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False)
    unit = serializers.PrimaryKeyRelatedField(queryset=LinkedUnit.objects.all(), required=False, allow_null=True)
    employer = serializers.CharField(max_length=100, required=False, allow_blank=True)
    affiliation = serializers.ChoiceField(choices=Affiliation.choices, required=False, allow_blank=True)
    team = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.none(), required=False, allow_null=True)
    post = serializers.ChoiceField(choices=CadrePost.choices, required=False)
    region = serializers.CharField(help_text="服务区域的区划代码（创建时必填）", required=False)

    def __init__(self, *args: Any, teams: Any = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        if teams is not None:
            self.fields["team"].queryset = teams


class AssistEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False)
    reason = serializers.CharField(max_length=100, required=False, allow_blank=True)


class PairingSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    household_code = serializers.CharField(source="household.code", read_only=True)

    class Meta:
        model = Pairing
        fields = ["id", "household", "household_code", "cadre", "cadre_name", "started_on", "ended_on", "end_reason"]
        read_only_fields = fields


class PairingAssignSerializer(serializers.Serializer):
    household = serializers.IntegerField()
    cadre = serializers.IntegerField()
    started_on = serializers.DateField(required=False)
    reason = serializers.CharField(max_length=100, required=False, allow_blank=True)


class MeasureItemSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    class Meta:
        model = MeasureItem
        fields = ["id", "category", "name", "kind", "person_level", "welfare_post", "active"]
        read_only_fields = fields
        display_fields = ["category", "kind"]


class ProjectSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    villages = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "kind",
            "region",
            "villages",
            "funding",
            "funding_source",
            "scale",
            "started_on",
            "ended_on",
            "note",
        ]
        read_only_fields = fields
        display_fields = ["kind"]


class ProjectWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    kind = serializers.ChoiceField(choices=ProjectKind.choices, required=False)
    region = serializers.CharField(help_text="管理区域的区划代码（创建时必填）", required=False)
    villages = serializers.ListField(child=serializers.CharField(), required=False, help_text="覆盖村的区划代码")
    funding = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    funding_source = serializers.CharField(max_length=100, required=False, allow_blank=True)
    scale = serializers.CharField(max_length=100, required=False, allow_blank=True)
    started_on = serializers.DateField(required=False, allow_null=True)
    ended_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class PlanSerializer(serializers.ModelSerializer):
    household_code = serializers.CharField(source="household.code", read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "household", "household_code", "year", "goal", "target_exit_year", "note"]
        read_only_fields = fields


class PlanWriteSerializer(serializers.Serializer):
    household = serializers.IntegerField(required=False)
    year = serializers.IntegerField(required=False)
    goal = serializers.CharField(max_length=200, required=False, allow_blank=True)
    target_exit_year = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)


class MeasureSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    item_name = serializers.CharField(source="item.name", read_only=True)
    household_code = serializers.CharField(source="household.code", read_only=True)

    class Meta:
        model = Measure
        fields = [
            "id",
            "household",
            "household_code",
            "year",
            "category",
            "item",
            "item_name",
            "project",
            "beneficiary",
            "amount",
            "started_on",
            "ended_on",
            "status",
            "note",
            "post_type",
            "months",
            "monthly_pay",
            "grade_before",
            "grade_after",
            "term_months",
            "annual_rate",
            "interest_subsidy",
        ]
        read_only_fields = fields
        display_fields = ["category", "status"]


class MeasureWriteSerializer(serializers.Serializer):
    household = serializers.IntegerField(required=False, help_text="创建时必填")
    year = serializers.IntegerField(required=False, help_text="创建时必填")
    item = serializers.PrimaryKeyRelatedField(queryset=MeasureItem.objects.all(), required=False)
    category = serializers.CharField(required=False)
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all(), required=False, allow_null=True)
    beneficiary = serializers.IntegerField(required=False, allow_null=True, help_text="受益成员 id")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    started_on = serializers.DateField(required=False, allow_null=True)
    ended_on = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=MeasureStatus.choices, required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)
    post_type = serializers.ChoiceField(choices=WelfarePost.choices, required=False, allow_blank=True)
    months = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    monthly_pay = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    grade_before = serializers.ChoiceField(choices=HouseGrade.choices, required=False, allow_blank=True)
    grade_after = serializers.ChoiceField(choices=HouseGrade.choices, required=False, allow_blank=True)
    term_months = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    annual_rate = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)


class VisitPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = VisitPhoto
        fields = ["id", "width", "height", "url"]
        read_only_fields = fields

    def get_url(self, obj: VisitPhoto) -> str:
        from django.urls import reverse

        return reverse("assistance:visit_photo", args=[obj.pk])


class VisitSerializer(serializers.ModelSerializer):
    household_code = serializers.CharField(source="household.code", read_only=True)
    cadre_name = serializers.CharField(source="cadre.name", read_only=True, default="")
    photos = VisitPhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "household",
            "household_code",
            "cadre",
            "cadre_name",
            "visited_on",
            *[n for n, _l in VISIT_CHECKLIST],
            "notes",
            "latitude",
            "longitude",
            "photos",
        ]
        read_only_fields = fields


class VisitWriteSerializer(serializers.Serializer):
    household = serializers.IntegerField()
    visited_on = serializers.DateField(required=False)
    chat = serializers.BooleanField(required=False, default=False)
    policy = serializers.BooleanField(required=False, default=False)
    handbook = serializers.BooleanField(required=False, default=False)
    measures = serializers.BooleanField(required=False, default=False)
    wish = serializers.BooleanField(required=False, default=False)
    labour = serializers.BooleanField(required=False, default=False)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)


class VisitPhotoUploadSerializer(serializers.Serializer):
    image = serializers.ImageField()


class WishSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    household_code = serializers.CharField(source="household.code", read_only=True)

    class Meta:
        model = Wish
        fields = [
            "id",
            "household",
            "household_code",
            "item",
            "public_text",
            "estimated_cost",
            "status",
            "verified_by",
            "verified_on",
            "created",
        ]
        read_only_fields = fields
        display_fields = ["status"]


class WishWriteSerializer(serializers.Serializer):
    household = serializers.IntegerField()
    item = serializers.CharField(max_length=50)
    estimated_cost = serializers.DecimalField(max_digits=10, decimal_places=2)
    public_text = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class WishCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class WishConfirmSerializer(serializers.Serializer):
    photo = serializers.ImageField()


class PublicWishSerializer(serializers.Serializer):
    """Nothing that identifies the household: no code, no name, no id of a person."""

    id = serializers.IntegerField()
    item = serializers.CharField()
    public_text = serializers.CharField()
    estimated_cost = serializers.DecimalField(max_digits=10, decimal_places=2)
    township = serializers.CharField()
    village = serializers.CharField()
    posted_on = serializers.DateField()


class DonorClaimSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="wish.item", read_only=True)
    estimated_cost = serializers.DecimalField(
        source="wish.estimated_cost", max_digits=10, decimal_places=2, read_only=True
    )
    wish_status = serializers.CharField(source="wish.status", read_only=True)

    class Meta:
        model = WishClaim
        fields = [
            "id",
            "wish",
            "item",
            "estimated_cost",
            "wish_status",
            "claimed_at",
            "delivered_at",
            "delivery_note",
            "confirmed_at",
            "released_at",
        ]
        read_only_fields = fields


class WishDeliverSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PlanGapSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class FloorPaymentSerializer(serializers.Serializer):
    month = serializers.IntegerField()
    persons = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class FloorScheduleSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    standard = serializers.DecimalField(max_digits=10, decimal_places=2)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    payments = FloorPaymentSerializer(many=True)


class OverdueSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    region = serializers.CharField(source="region.code")
    status = serializers.CharField()
    last_visit = serializers.DateField(allow_null=True)
    visit_since = serializers.DateField(allow_null=True)
    current_cadre_id = serializers.IntegerField(allow_null=True)
