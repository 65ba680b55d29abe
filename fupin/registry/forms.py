"""Registry forms. They only check the shape of the input (types, codes, required fields);
every rule is the services' and their field errors come back onto these forms through
`add_service_errors`. Nothing here saves a model."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MinValueValidator
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.accounts.scoping import regions_for_user
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.registry.choices import (
    END_REASONS,
    JOIN_REASONS,
    Attribute,
    Cause,
    CloseReason,
    Health,
    MemberChangeReason,
    PovertyStatus,
)
from fupin.registry.models import Household, HouseholdYear, Member
from fupin.registry.services.common import check_not_after_today
from fupin.registry.services.years import YEAR_FIELDS
from fupin.registry.validation import id_number_problems

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
ALL = ("", _("全部"))
PICK = _("请选择")


def model_field(model: type[Model], name: str, **kw: Any) -> forms.Field:
    """The form field Django derives from the model field: its verbose name, choices and limits."""
    field = model._meta.get_field(name).formfield(**kw)  # type: ignore[union-attr]
    assert field is not None, name
    if isinstance(field, forms.ChoiceField):
        choices = list(field.choices)  # type: ignore[arg-type]
        if choices and choices[0][0] == "":
            # Django's blank label ("- Select an option -") has no Chinese translation yet.
            field.choices = [("", PICK), *choices[1:]]
    return field


def date_input() -> forms.DateInput:
    # A native date picker needs ISO dates whatever the active language's format.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def add_service_errors(form: forms.BaseForm, exc: ValidationError, rename: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form: under the field it names when the form has
    it (after `rename`), otherwise at the top of the form."""
    rename = rename or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.error_dict.items():
        name = rename.get(field, field)
        messages = [m for e in errors for m in e.messages]
        form.add_error(name if name in form.fields and name != NON_FIELD_ERRORS else None, messages)


class RegionChoiceField(forms.ModelChoiceField):
    """Regions in tree order, indented below the first (shallowest) one, so a long district
    list stays readable; the depth comes from the rows themselves, costing no query."""

    base_depth: int | None = None

    def label_from_instance(self, obj: Region) -> str:  # type: ignore[override]
        if self.base_depth is None:
            self.base_depth = obj.depth
        return "\u3000" * max(0, obj.depth - self.base_depth) + obj.name


def region_field(queryset: QuerySet[Region], **kw: Any) -> RegionChoiceField:
    return RegionChoiceField(queryset=queryset.order_by("path"), **kw)


def household_regions(user: Any, perm: str) -> QuerySet[Region]:
    """The villages and groups in which `user` may place a household under `perm`."""
    return regions_for_user(user, perm).filter(level__in=(RegionLevel.VILLAGE, RegionLevel.GROUP))


# ------------------------------------------------------------------------------ list filters


class HouseholdFilterForm(forms.Form):
    """The GET filters of the household list; the export reuses it so that a file never
    holds more than the screen. Build it as `HouseholdFilterForm(request.GET or None, user=…)`."""

    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("姓名、证件号码或户编号"), "type": "search"}),
    )
    region = forms.ModelChoiceField(
        label=_("区域"), queryset=Region.objects.none(), required=False, empty_label=_("全部区域")
    )
    status = forms.ChoiceField(label=_("脱贫标志"), choices=[ALL, *PovertyStatus.choices], required=False)
    attribute = forms.ChoiceField(label=_("贫困户属性"), choices=[ALL, *Attribute.choices], required=False)
    cause = forms.ChoiceField(label=_("致贫原因（主要或其他）"), choices=[ALL, *Cause.choices], required=False)
    registered = forms.ChoiceField(
        label=_("建档立卡"), required=False, choices=[ALL, ("1", _("建档立卡户")), ("0", _("非建档立卡户"))]
    )
    include_closed = forms.BooleanField(label=_("含已注销"), required=False)
    page_size = forms.TypedChoiceField(
        label=_("每页条数"),
        required=False,
        coerce=int,
        empty_value=DEFAULT_PAGE_SIZE,  # type: ignore[arg-type]
        choices=[(n, str(n)) for n in PAGE_SIZES],
    )

    def __init__(self, *args: Any, user: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.user = user
        field = region_field(
            regions_for_user(user).exclude(level=RegionLevel.GROUP),
            label=_("区域"),
            required=False,
            empty_label=_("全部区域"),
        )
        self.fields["region"] = field

    def _valid_data(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()
        # An invalid field (a region outside the scope, a made-up code) is dropped and shown
        # as an error; the rest of the filters still apply.
        return self.cleaned_data

    def selector_filters(self) -> dict[str, Any]:
        """The filters for `fupin.registry.selectors.household_list`."""
        data = self._valid_data()
        filters: dict[str, Any] = {}
        for name in ("q", "region", "status", "attribute", "cause"):
            if data.get(name):
                filters[name] = data[name]
        if data.get("registered") in ("0", "1"):
            filters["registered"] = data["registered"] == "1"
        if data.get("include_closed"):
            filters["include_closed"] = True
        return filters

    def get_page_size(self) -> int:
        return self._valid_data().get("page_size") or DEFAULT_PAGE_SIZE


# ------------------------------------------------------------------------------ households

HOUSEHOLD_FORM_FIELDS = (
    "hamlet",
    "registered",
    "attribute",
    "main_cause",
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
)
PERSONAL_HOUSEHOLD_FIELDS = ("phone", "bank_account")


class HouseholdForm(forms.Form):
    """A household's own facts. Phone and bank account appear only for users allowed to
    see them in full (`sensitive`); otherwise they are left untouched."""

    def __init__(
        self, *args: Any, user: Any, perm: str, sensitive: bool = True, with_code: bool = False, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        if with_code:
            self.fields["code"] = model_field(Household, "code")
        self.fields["region"] = region_field(household_regions(user, perm), label=_("所在村(组)"), empty_label=PICK)
        for name in HOUSEHOLD_FORM_FIELDS:
            if name in PERSONAL_HOUSEHOLD_FIELDS and not sensitive:
                continue
            if name == "bank_account":
                self.fields[name] = forms.CharField(label=_("银行账号"), max_length=40, required=False)
            else:
                self.fields[name] = model_field(Household, name)
        self.fields["other_causes"] = forms.MultipleChoiceField(
            label=_("其他致贫原因"), choices=Cause.choices, required=False, widget=forms.CheckboxSelectMultiple
        )
        self.order_fields(["code", "region", "hamlet", "registered", "attribute", "main_cause", "other_causes"])

    @staticmethod
    def initial_for(h: Household) -> dict[str, Any]:
        data = {name: getattr(h, name) for name in HOUSEHOLD_FORM_FIELDS}
        data["region"] = h.region_id
        data["other_causes"] = h.other_cause_list
        return data

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("code", "region")}
        data["other_causes"] = ",".join(sorted(data.get("other_causes") or []))
        return data


# ------------------------------------------------------------------------------ members

MEMBER_FORM_FIELDS = (
    "name",
    "id_number",
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
    "work_months",
    "welfare_post",
    "active_military",
    "ins_medical",
    "ins_serious_illness",
    "ins_pension",
    "dibao",
    "tekun",
    "phone",
)


def _reason_choices(codes: set[str]) -> list[tuple[str, Any]]:
    return [("", PICK), *[(v, label) for v, label in MemberChangeReason.choices if v in codes]]


class MemberForm(forms.Form):
    """A member's facts (resident ID numbers: birth date and sex are derived from them)."""

    def __init__(
        self,
        *args: Any,
        head: bool = False,
        join: bool = False,
        sensitive: bool = True,
        id_type: str | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        # When the caller knows the ID type (a new head is a resident), the number is checked
        # here, with the other fields, so one submit shows every error: the service's own check
        # runs only once both forms are valid, which made a wrong check digit a second round.
        self.id_type = id_type
        for name in MEMBER_FORM_FIELDS:
            if name == "relation" and head:
                continue  # the head stays head; ending them names a new head
            if name == "phone" and not sensitive:
                continue
            self.fields[name] = model_field(Member, name)
        self.fields["sex"].required = False
        self.fields["sex"].help_text = _("留空则按证件号码第 17 位推算")
        self.fields["id_number"].help_text = _("18 位居民身份证号码，出生日期和性别由号码推算")
        self.fields["education"].help_text = _("文化程度与在校生状况须且只能填写一项")
        self.fields["health"] = forms.MultipleChoiceField(
            label=_("健康状况"), choices=Health.choices, widget=forms.CheckboxSelectMultiple
        )
        self.order_fields(
            ["name", "id_number", "sex", "relation", "ethnicity", "political", "education", "school_status", "health"]
        )
        if join:
            self.fields["join_reason"] = forms.ChoiceField(label=_("加入原因"), choices=_reason_choices(JOIN_REASONS))
            self.fields["joined_on"] = forms.DateField(
                label=_("加入日期"), initial=timezone.localdate, widget=date_input()
            )

    def clean_id_number(self) -> str:
        raw = self.cleaned_data["id_number"]
        if self.id_type is not None:
            _number, errors = id_number_problems(self.id_type, raw)
            if errors:
                raise ValidationError(errors["id_number"], code="id_number")
        return raw  # the service normalises it

    @staticmethod
    def initial_for(m: Member) -> dict[str, Any]:
        data = {name: getattr(m, name) for name in MEMBER_FORM_FIELDS}
        data["health"] = m.health_list
        return data

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("join_reason", "joined_on")}
        data["health"] = ",".join(sorted(data.get("health") or []))
        return data


class MemberEndForm(forms.Form):
    end_reason = forms.ChoiceField(label=_("减少原因"), choices=_reason_choices(END_REASONS))
    ended_on = forms.DateField(label=_("减少日期"), initial=timezone.localdate, widget=date_input())
    new_head = forms.ModelChoiceField(
        label=_("新户主"),
        queryset=Member.objects.none(),
        required=False,
        empty_label=PICK,
        help_text=_("减少户主且户内还有其他成员时必填"),
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, member: Member, others: QuerySet[Member], **kw: Any) -> None:
        super().__init__(*args, **kw)
        if member.relation == "01" and others.exists():
            new_head = self.fields["new_head"]
            assert isinstance(new_head, forms.ModelChoiceField)
            new_head.queryset = others
            new_head.required = True
        else:
            del self.fields["new_head"]

    def clean_ended_on(self) -> dt.date:
        on: dt.date = self.cleaned_data["ended_on"]
        check_not_after_today(on, message=_("减少日期不能晚于今天"))
        return on


# ------------------------------------------------------------------------------ close, years


class HouseholdCloseForm(forms.Form):
    close_reason = forms.ChoiceField(label=_("注销原因"), choices=[("", PICK), *CloseReason.choices])
    closed_on = forms.DateField(label=_("注销日期"), initial=timezone.localdate, widget=date_input())
    note = forms.CharField(
        label=_("注销决定说明"), max_length=200, help_text=_("决定的文号或会议记录，例如“区扶贫办〔2020〕3号”")
    )

    def clean_closed_on(self) -> dt.date:
        on: dt.date = self.cleaned_data["closed_on"]
        check_not_after_today(on, message=_("注销日期不能晚于今天"))
        return on


# Every yearly fact the service stores except 户报人均纯收入, which only an import carries
# (the form's per-capita income is computed, never typed).
YEAR_FORM_FIELDS = tuple(f for f in YEAR_FIELDS if f != "stated_per_capita")
INCOME_FIELDS = YEAR_FORM_FIELDS[:7]


class HouseholdYearForm(forms.Form):
    """Income components and conditions; net and per-capita income are computed, never typed."""

    def __init__(self, *args: Any, with_year: bool = False, taken: set[int] | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.taken = taken or set()
        if with_year:
            this_year = timezone.localdate().year
            self.fields["year"] = forms.TypedChoiceField(
                label=_("年度"),
                coerce=int,
                initial=this_year - 1,
                choices=[(y, str(y)) for y in range(this_year, 2012, -1)],
            )
        for name in YEAR_FORM_FIELDS:
            self.fields[name] = model_field(HouseholdYear, name)
        for name in INCOME_FIELDS:
            # Amounts are never negative: a loss shows as 生产经营性支出 above the income.
            self.fields[name].validators.append(MinValueValidator(0))
            self.fields[name].widget.attrs.update({"min": "0", "inputmode": "decimal"})
        for name in INCOME_FIELDS[:5]:
            self.fields[name].required = True

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        if year in self.taken:
            raise ValidationError(_("{year} 年度信息已存在，请在农户页面修改").format(year=year))
        return year

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "year"}
