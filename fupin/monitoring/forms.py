"""Monitoring forms: they check the shape of the input; every rule is the services'."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.accounts.scoping import regions_for_user
from fupin.monitoring.choices import (
    MAX_RISKS,
    AlertSource,
    AlertStatus,
    Decision,
    DisasterKind,
    EliminationMethod,
    ListKind,
    ObjectStatus,
    ObjectType,
    ProcedureStep,
    RiskKind,
)
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.registry.forms import ALL, region_field
from fupin.registry.models import Household

DATE = forms.DateInput(attrs={"type": "date"})


def date_field(label: Any, required: bool = False) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE)


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        township = getattr(obj, "township_name", "")
        return f"{township} · {obj.name}" if township else obj.name


def villages_with_townships() -> list[Region]:
    villages = list(Region.objects.filter(level=RegionLevel.VILLAGE).order_by("path"))
    townships = dict(Region.objects.filter(level=RegionLevel.TOWNSHIP).values_list("path", "name"))
    for v in villages:
        v.township_name = townships.get(v.path[: (v.depth - 1) * Region.steplen], "")
    return villages


class PublicReportForm(forms.Form):
    """农户自主申报: no login, no personal data beyond a name and a phone to call back."""

    village = VillageChoiceField(
        label=_("所在村"), queryset=Region.objects.filter(level=RegionLevel.VILLAGE), empty_label=_("请选择所在的村")
    )
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(
        label=_("手机号码"), max_length=20, widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"})
    )
    description = forms.CharField(
        label=_("遇到的困难"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("如：家人生病住院花费大、受灾、务工收入没了等"),
    )
    # A field people never see: a bot that fills every input gives itself away.
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        field = cast(VillageChoiceField, self.fields["village"])
        field.queryset = Region.objects.filter(level=RegionLevel.VILLAGE).order_by("path")
        field.choices = [("", _("请选择所在的村"))] + [
            (v.pk, field.label_from_instance(v)) for v in villages_with_townships()
        ]


class HouseholdCodeField(forms.CharField):
    """A household named by its 户编号, looked up in the user's scope by the view."""

    def __init__(self, **kw: Any) -> None:
        kw.setdefault("label", _("户编号"))
        kw.setdefault("max_length", 30)
        super().__init__(**kw)


class AlertReportForm(forms.Form):
    household = HouseholdCodeField()
    source = forms.ChoiceField(
        label=_("来源渠道"),
        choices=[
            (AlertSource.CADRE, AlertSource.CADRE.label),
            (AlertSource.SELF_REPORT, _("农户自主申报（代为登记）")),
        ],
    )
    risk_hint = forms.ChoiceField(label=_("疑似风险"), choices=[("", "—"), *RiskKind.choices], required=False)
    visit = forms.TypedChoiceField(
        label=_("发现风险的走访"), required=False, coerce=int, empty_value=None, choices=[("", "—")]
    )
    description = forms.CharField(label=_("情况描述"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, visits: list[Any] | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        cast(forms.TypedChoiceField, self.fields["visit"]).choices = [("", "—")] + [
            (v.pk, f"{v.visited_on:%Y-%m-%d} {v.notes[:20]}") for v in (visits or [])
        ]


class AlertMatchForm(forms.Form):
    household = HouseholdCodeField(help_text=_("核实申报人所在的农户后填写其户编号"))


class AlertStepForm(forms.Form):
    step = forms.ChoiceField(choices=ProcedureStep.choices, widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("结论"), choices=Decision.choices, widget=forms.RadioSelect, initial=Decision.PASS
    )
    on = date_field(_("办理日期"))
    comment = forms.CharField(label=_("意见"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    votes_for = forms.IntegerField(label=_("同意票"), min_value=0, required=False)
    votes_against = forms.IntegerField(label=_("反对票"), min_value=0, required=False)
    notice_starts = date_field(_("公示开始"))
    notice_ends = date_field(_("公示结束"))
    object_type = forms.ChoiceField(label=_("监测对象类别"), choices=[("", "—"), *ObjectType.choices], required=False)
    risks = forms.MultipleChoiceField(
        label=_("风险类型（最多 5 项）"), choices=RiskKind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    disaster_kind = forms.ChoiceField(label=_("灾害类别"), choices=[("", "—"), *DisasterKind.choices], required=False)
    other_remark = forms.CharField(label=_("“其他”风险说明"), max_length=200, required=False)

    def clean_risks(self) -> list[str]:
        risks = self.cleaned_data.get("risks") or []
        if len(risks) > MAX_RISKS:
            raise forms.ValidationError(_("每户最多 {n} 项风险类型").format(n=MAX_RISKS))
        return risks

    def risk_entries(self) -> list[dict[str, str]]:
        d = self.cleaned_data
        return [
            {
                "kind": k,
                "disaster_kind": d.get("disaster_kind", "") if k == RiskKind.DISASTER else "",
                "remark": d.get("other_remark", "") if k == RiskKind.OTHER else "",
            }
            for k in d.get("risks") or []
        ]


class ExitProposeForm(forms.Form):
    year = forms.IntegerField(label=_("退出年度"), min_value=2014)
    meeting_on = date_field(_("民主评议日期"), required=True)
    votes_for = forms.IntegerField(label=_("同意票"), min_value=0)
    votes_against = forms.IntegerField(label=_("反对票"), min_value=0, initial=0)
    food_secure = forms.BooleanField(label=_("经入户核实：不愁吃"), required=False)
    clothing_secure = forms.BooleanField(label=_("经入户核实：不愁穿"), required=False)
    comment = forms.CharField(
        label=_("评议意见"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, year: int | None = None, **kw: Any) -> None:
        """`year`: the default exit year, the latest the policy covers for the household (the
        view knows it); this calendar year only when there is none."""
        super().__init__(*args, **kw)
        self.fields["year"].initial = year or timezone.localdate().year
        self.fields["meeting_on"].initial = timezone.localdate()


class ExitStepForm(forms.Form):
    step = forms.CharField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("结论"), choices=Decision.choices, widget=forms.RadioSelect, initial=Decision.PASS
    )
    on = date_field(_("办理日期"))
    comment = forms.CharField(label=_("意见"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    notice_starts = date_field(_("公示开始"))
    notice_ends = date_field(_("公示结束"))
    objections = forms.CharField(label=_("公示期间的异议及处理"), max_length=500, required=False)


class EliminationProposeForm(forms.Form):
    method = forms.ChoiceField(label=_("消除方式"), choices=EliminationMethod.choices, widget=forms.RadioSelect)
    on = date_field(_("入户核实和民主评议日期"))
    notice_starts = date_field(_("公示开始"), required=True)
    notice_ends = date_field(_("公示结束"), required=True)
    comment = forms.CharField(
        label=_("核实情况"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class EliminationDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审定结论"), choices=Decision.choices, widget=forms.RadioSelect, initial=Decision.PASS
    )
    on = date_field(_("审定日期"))
    comment = forms.CharField(label=_("意见"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PopulationForm(forms.Form):
    rural_population = forms.IntegerField(
        label=_("农村户籍人口"), min_value=1, required=False, help_text=_("留空表示未知；贫困发生率以此为分母")
    )


class ListUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("名单类型"), choices=ListKind.choices)
    year = forms.IntegerField(label=_("年度"), min_value=2014)
    title = forms.CharField(label=_("名称"), max_length=200, required=False)
    file = forms.FileField(
        label=_("文件（.xlsx 或 .csv）"), help_text=_("须含“证件号码”列；医疗费用结算名单须含“个人自付”列")
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["year"].initial = timezone.localdate().year


class ScreeningForm(forms.Form):
    year = forms.IntegerField(label=_("筛查年度"), min_value=2014)

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["year"].initial = timezone.localdate().year


class PolicyForm(forms.Form):
    region = forms.ModelChoiceField(label=_("适用区域"), queryset=Region.objects.none())
    year_from = forms.IntegerField(label=_("适用起始年度"), min_value=2014)
    medical_oop_amount = forms.DecimalField(label=_("医疗个人自付预警金额(元/户·年)"), min_value=0, decimal_places=2)
    medical_oop_share = forms.DecimalField(
        label=_("医疗个人自付占家庭纯收入比例"), min_value=0, max_value=1, decimal_places=4
    )
    income_drop_share = forms.DecimalField(
        label=_("人均纯收入降幅预警比例"), min_value=0, max_value=1, decimal_places=4
    )
    procedure_days = forms.IntegerField(label=_("识别程序时限(天)"), min_value=1)
    notice_min_days = forms.IntegerField(label=_("监测对象公示最少天数"), min_value=1)
    elimination_min_months = forms.IntegerField(label=_("风险消除最少监测月数"), min_value=0)
    exit_notice_days = forms.IntegerField(label=_("退出公示最少天数"), min_value=1)
    village_exit_incidence = forms.DecimalField(
        label=_("贫困村退出贫困发生率上限"), min_value=0, max_value=1, decimal_places=4
    )
    note = forms.CharField(label=_("说明与依据"), max_length=300)
    verified = forms.BooleanField(label=_("已核实"), required=False)

    def __init__(self, *args: Any, user: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["region"] = region_field(
            regions_for_user(user, "monitoring.edit_monitoringpolicy").filter(
                level__in=(RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.DISTRICT)
            ),
            label=_("适用区域"),
        )


class AlertFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=[ALL, *AlertStatus.choices], required=False)
    source = forms.ChoiceField(label=_("来源渠道"), choices=[ALL, *AlertSource.choices], required=False)
    overdue = forms.BooleanField(label=_("只看超期"), required=False)
    unmatched = forms.BooleanField(label=_("只看未对应到户的申报"), required=False)


class ObjectFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=[ALL, *ObjectStatus.choices], required=False)
    object_type = forms.ChoiceField(label=_("类别"), choices=[ALL, *ObjectType.choices], required=False)
    risk = forms.ChoiceField(label=_("风险类型"), choices=[ALL, *RiskKind.choices], required=False)
    pending = forms.BooleanField(label=_("只看待审定消除"), required=False)


def find_household(user: Any, code: str) -> Household | None:
    """A household by 户编号 within what `user` may view (None when absent or out of scope)."""
    return Household.objects.for_user(user, "view").filter(code=(code or "").strip()).select_related("region").first()
