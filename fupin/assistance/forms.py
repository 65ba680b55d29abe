"""Forms of the assistance pages. They only collect and type the input: the services check
every rule and save, and their errors come back under the fields they name."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.accounts.scoping import regions_for_user
from fupin.assistance.choices import VISIT_CHECKLIST, MeasureKind
from fupin.assistance.models import (
    Cadre,
    CreditPolicy,
    LeadingGroupMember,
    LinkedUnit,
    MaxWorkload,
    Measure,
    MeasureItem,
    Plan,
    Project,
    VisitPolicy,
    WorkTeam,
)
from fupin.assistance.selectors.coverage import NEAR_OTHER, NEAR_TOWNSHIP, NEAR_VILLAGE, pairing_candidates
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.registry.forms import region_field
from fupin.registry.models import Household, Member

DATE = {"type": "date"}


def date_input() -> forms.DateInput:
    """A date picker; its value must be ISO whatever the language (a zh-hans "2026/11/29" leaves
    the browser's picker empty, and the form then fails with "required")."""
    return forms.DateInput(attrs=DATE, format="%Y-%m-%d")


class ServiceForm(forms.ModelForm):
    """A ModelForm used for its fields only: model validation runs in the service, which
    also saves; `_post_clean` would validate a half-built instance and is skipped."""

    def _post_clean(self) -> None:
        return None


def model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """The form's field `name`, which a foreign key or many-to-many makes a (multiple) model
    choice field; `form.fields` is typed as plain `Field`, which has no queryset."""
    return cast(forms.ModelChoiceField, form.fields[name])


def scoped_regions(user: Any, perm: str, levels: tuple[int, ...]) -> QuerySet[Region]:
    return regions_for_user(user, perm).filter(level__in=levels)


class LinkedUnitForm(ServiceForm):
    class Meta:
        model = LinkedUnit
        fields = ["name", "affiliation", "note"]


class GroupMemberForm(ServiceForm):
    class Meta:
        model = LeadingGroupMember
        fields = ["name", "post", "group_role", "unit", "phone", "started_on", "ended_on"]
        widgets = {"started_on": date_input(), "ended_on": date_input()}

    def __init__(self, *args: Any, user: Any, perm: str, **kw: Any) -> None:
        super().__init__(*args, **kw)
        model_choice(self, "unit").queryset = LinkedUnit.objects.order_by("name")
        if self.instance.pk is None:
            self.fields["region"] = region_field(
                scoped_regions(
                    user, perm, (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.DISTRICT, RegionLevel.TOWNSHIP)
                ),
                label=_("所属区域"),
            )
            self.order_fields(["region"])


class WorkTeamForm(ServiceForm):
    class Meta:
        model = WorkTeam
        fields = ["name", "unit", "leader", "started_on", "ended_on"]
        widgets = {"started_on": date_input(), "ended_on": date_input()}

    def __init__(self, *args: Any, user: Any, perm: str, **kw: Any) -> None:
        super().__init__(*args, **kw)
        model_choice(self, "unit").queryset = LinkedUnit.objects.order_by("name")
        leaders = Cadre.objects.for_user(user, "view").serving()
        if self.instance.pk:
            leaders = leaders.filter(team=self.instance)
        model_choice(self, "leader").queryset = leaders.order_by("name")
        self.fields["region"] = region_field(
            scoped_regions(user, perm, (RegionLevel.VILLAGE,)),
            label=_("派驻村"),
            initial=self.instance.region_id if self.instance.pk else None,
        )
        self.order_fields(["name", "region"])


class CadreForm(ServiceForm):
    class Meta:
        model = Cadre
        fields = ["name", "id_number", "sex", "political", "phone", "unit", "employer", "affiliation", "team", "post"]

    def __init__(self, *args: Any, user: Any, perm: str, **kw: Any) -> None:
        super().__init__(*args, **kw)
        model_choice(self, "unit").queryset = LinkedUnit.objects.order_by("name")
        model_choice(self, "team").queryset = WorkTeam.objects.for_user(user, "view").filter(ended_on__isnull=True)
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        self.fields["region"] = region_field(
            scoped_regions(user, perm, (RegionLevel.DISTRICT, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)),
            label=_("服务区域"),
            initial=self.instance.region_id if self.instance.pk else None,
        )
        self.order_fields(["name", "region"])


class ProjectForm(ServiceForm):
    class Meta:
        model = Project
        fields = ["name", "kind", "villages", "funding", "funding_source", "scale", "started_on", "ended_on", "note"]
        widgets = {
            "started_on": date_input(),
            "ended_on": date_input(),
            "villages": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, user: Any, perm: str, **kw: Any) -> None:
        super().__init__(*args, **kw)
        model_choice(self, "villages").queryset = scoped_regions(user, perm, (RegionLevel.VILLAGE,)).order_by("path")
        self.fields["region"] = region_field(
            scoped_regions(user, perm, (RegionLevel.DISTRICT, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)),
            label=_("管理区域"),
            initial=self.instance.region_id if self.instance.pk else None,
        )
        self.order_fields(["name", "kind", "region"])


CANDIDATE_GROUPS = {
    NEAR_VILLAGE: _("本村工作队"),
    NEAR_TOWNSHIP: _("本乡镇"),
    NEAR_OTHER: _("其他"),
}


class CandidateIterator(ModelChoiceIterator):
    """The candidates in <optgroup>s by nearness, from the one ordered query of
    `pairing_candidates` (every cadre in scope stays selectable; the groups only sort)."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for near, cadres in groupby(self.queryset.iterator(), key=lambda c: c.nearness):
            yield (CANDIDATE_GROUPS[near], [self.choice(c) for c in cadres])


class CadreChoiceField(forms.ModelChoiceField):
    iterator = CandidateIterator

    def label_from_instance(self, obj: Cadre) -> str:
        # `held` comes from `pairing_candidates`; a team member shows unit and team.
        org = obj.employer_name
        if obj.team is not None:
            org = f"{org}/{obj.team.name}" if org else obj.team.name
        return _("{name}（{region} · {org}）在帮 {held} 户").format(
            name=obj.name, region=obj.region.name, org=org, held=getattr(obj, "held", 0)
        )


class PairingAssignForm(forms.Form):
    cadre = CadreChoiceField(label=_("帮扶责任人"), queryset=Cadre.objects.none())
    started_on = forms.DateField(label=_("帮扶开始时间"), initial=timezone.localdate, widget=date_input())
    reason = forms.CharField(label=_("更换原因"), required=False, max_length=100)

    def __init__(self, *args: Any, user: Any, household: Household, **kw: Any) -> None:
        super().__init__(*args, **kw)
        model_choice(self, "cadre").queryset = pairing_candidates(user=user, household=household)


class PairingEndForm(forms.Form):
    ended_on = forms.DateField(label=_("帮扶结束时间"), initial=timezone.localdate, widget=date_input())
    reason = forms.CharField(label=_("结束原因"), max_length=100)


class PlanForm(ServiceForm):
    class Meta:
        model = Plan
        fields = ["goal", "target_exit_year", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class MeasureItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: MeasureItem) -> str:
        return f"{obj.get_category_display()} · {obj.name}"


class MeasureForm(ServiceForm):
    """One measure; the typed detail fields show for the kinds of item that use them."""

    DETAIL_FIELDS = {
        MeasureKind.EMPLOYMENT: ("months", "monthly_pay"),
        MeasureKind.WELFARE_POST: ("post_type", "months", "monthly_pay"),
        MeasureKind.HOUSING: ("grade_before", "grade_after"),
        MeasureKind.MICROCREDIT: ("term_months", "annual_rate"),
    }

    class Meta:
        model = Measure
        fields = [
            "item",
            "status",
            "beneficiary",
            "amount",
            "started_on",
            "ended_on",
            "project",
            "note",
            "post_type",
            "months",
            "monthly_pay",
            "grade_before",
            "grade_after",
            "term_months",
            "annual_rate",
        ]
        widgets = {"started_on": date_input(), "ended_on": date_input()}
        field_classes = {"item": MeasureItemChoiceField}

    def __init__(self, *args: Any, household: Household, user: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        items = MeasureItem.objects.filter(active=True).order_by("category", "sort")
        model_choice(self, "item").queryset = items
        model_choice(self, "beneficiary").queryset = Member.objects.filter(household=household).order_by(
            "ended_on", "relation"
        )
        model_choice(self, "beneficiary").empty_label = _("全户")
        model_choice(self, "project").queryset = Project.objects.for_user(user, "view").order_by("name")
        for name in ("post_type", "months", "monthly_pay", "grade_before", "grade_after", "term_months", "annual_rate"):
            self.fields[name].widget.attrs["data-detail"] = "1"
        self.fields["annual_rate"].help_text = _("百分数，如 4.75")


class MultiPhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiPhotoField(forms.FileField):
    """Several photos from one input (Django's documented multiple-file pattern)."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw.setdefault("widget", MultiPhotoInput(attrs={"accept": "image/*", "capture": "environment"}))
        super().__init__(*args, **kw)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class VisitHouseholdField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Household) -> str:
        # `head_name` comes from `with_head_name` on the households the view passes.
        return f"{obj.code} {getattr(obj, 'head_name', '') or ''}"


class VisitForm(forms.Form):
    household = VisitHouseholdField(label=_("走访农户"), queryset=Household.objects.none())
    visited_on = forms.DateField(label=_("走访日期"), initial=timezone.localdate, widget=date_input())
    notes = forms.CharField(label=_("走访记录"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultiPhotoField(label=_("照片"), required=False)
    latitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput)
    longitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput)

    def __init__(self, *args: Any, households: QuerySet[Household], **kw: Any) -> None:
        super().__init__(*args, **kw)
        model_choice(self, "household").queryset = households
        model_choice(self, "household").empty_label = _("请选择农户")
        for name, label in VISIT_CHECKLIST:
            self.fields[name] = forms.BooleanField(label=label, required=False)

    def checklist(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data.get(name)) for name, _label in VISIT_CHECKLIST}

    def checklist_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _label in VISIT_CHECKLIST]


class WishForm(forms.Form):
    item = forms.CharField(label=_("心愿物品"), max_length=50)
    estimated_cost = forms.DecimalField(label=_("预估金额(元)"), max_digits=10, decimal_places=2, min_value=0)
    public_text = forms.CharField(
        label=_("公开说明"),
        max_length=200,
        required=False,
        help_text=_("将公开显示，不得包含姓名、证件号码、电话等个人信息"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WishConfirmForm(forms.Form):
    photo = forms.ImageField(
        label=_("送达确认照片"), widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)


class DonorRegisterForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号码"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    organisation = forms.CharField(label=_("单位或组织"), max_length=100, required=False)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput(render_value=False))


class DeliverForm(forms.Form):
    note = forms.CharField(label=_("送达说明"), max_length=200, required=False)


class VisitPolicyForm(ServiceForm):
    class Meta:
        model = VisitPolicy
        fields = ["effective_year", "days_not_exited", "days_exited", "note"]


class WorkloadPolicyForm(ServiceForm):
    class Meta:
        model = MaxWorkload
        fields = ["effective_year", "max_households", "note"]


class CreditPolicyForm(ServiceForm):
    class Meta:
        model = CreditPolicy
        fields = ["effective_year", "max_principal", "max_term_months", "min_age", "max_age", "subsidy_share", "note"]
