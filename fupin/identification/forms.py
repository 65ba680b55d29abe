"""Forms of the identification pages. They only shape input; the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.accounts.scoping import regions_for_user
from fupin.identification.choices import ApplicationKind, Criterion, ListKind
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.registry.choices import Attribute, Cause, Standard

DATE = forms.DateInput(attrs={"type": "date"})
PASS_CHOICES = [("1", _("通过")), ("0", _("不通过"))]
YES_NO = [("1", _("是")), ("0", _("否"))]


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's field errors under the form's fields (others on top of the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class YearField(forms.IntegerField):
    def __init__(self, **kw: Any) -> None:
        kw.setdefault("label", _("年度"))
        kw.setdefault("min_value", 2000)
        kw.setdefault("max_value", 2100)
        super().__init__(**kw)


class PolicyForm(forms.Form):
    year = YearField()
    region = forms.ModelChoiceField(
        queryset=Region.objects.none(), label=_("适用区域"), required=False, empty_label=_("全国默认（仅系统管理员）")
    )
    effective_from = forms.DateField(label=_("生效日期"), widget=DATE)
    poverty_line = forms.DecimalField(label=_("扶贫标准(元/人·年)"), required=False, max_digits=10, decimal_places=2)
    floor_standard_monthly = forms.DecimalField(
        label=_("兜底(农村低保)标准(元/人·月)"), required=False, max_digits=10, decimal_places=2
    )
    monitoring_line = forms.DecimalField(
        label=_("防返贫监测线(元/人·年)"), required=False, max_digits=10, decimal_places=2
    )
    criteria = forms.MultipleChoiceField(
        label=_("适用的识别条件"), choices=Criterion.choices, widget=forms.CheckboxSelectMultiple
    )
    notice_days = forms.IntegerField(label=_("公示天数"), min_value=1, max_value=60, initial=7)
    step_overdue_days = forms.IntegerField(label=_("环节超期天数"), min_value=1, max_value=365, initial=15)
    note = forms.CharField(
        label=_("说明与依据"), required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    verified = forms.BooleanField(label=_("已核实"), required=False)

    def __init__(self, *args: Any, user: Any, locked: bool = False, **kw: Any) -> None:
        super().__init__(*args, **kw)
        qs = regions_for_user(user, "identification.edit_policy").filter(level__lte=RegionLevel.DISTRICT)
        region = cast(forms.ModelChoiceField, self.fields["region"])
        region.queryset = qs.order_by("path")
        if not user.is_superuser:
            region.required = True
            region.empty_label = None
        if locked:
            # A new version of an existing one keeps its year and region.
            for name in ("year", "region"):
                self.fields[name].disabled = True


class NeedsForm(forms.Form):
    year = YearField()
    food_secure = forms.TypedChoiceField(
        label=_("不愁吃"),
        choices=YES_NO,
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        help_text=_("主食够吃，每月至少吃一次肉"),
    )
    clothing_secure = forms.TypedChoiceField(
        label=_("不愁穿"),
        choices=YES_NO,
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        help_text=_("四季有换季衣服、有换洗衣服"),
    )
    checked_on = forms.DateField(label=_("核实日期"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("说明"), required=False, max_length=200)


class AssessForm(forms.Form):
    year = YearField()


class ApplicationForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=ApplicationKind.choices, widget=forms.HiddenInput)
    year = YearField(help_text=_("纳入时即识别年度"))
    attribute = forms.ChoiceField(label=_("贫困户属性"), choices=[("", "—"), *Attribute.choices], required=False)
    main_cause = forms.ChoiceField(label=_("主要致贫原因"), choices=[("", "—"), *Cause.choices], required=False)
    other_causes = forms.MultipleChoiceField(
        label=_("其他致贫原因"), choices=Cause.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    standard = forms.ChoiceField(label=_("识别标准"), choices=Standard.choices, required=False)
    reason = forms.CharField(
        label=_("理由"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("清退必填；纳入可填写申请说明"),
    )

    def __init__(self, *args: Any, kind: str = ApplicationKind.ADMISSION, **kw: Any) -> None:
        super().__init__(*args, **kw)
        if kind == ApplicationKind.REMOVAL:
            # A removal takes the household off the roll: its category and causes are not
            # asked (the service ignores them), the reason is what the notice and ledger show.
            for name in ("attribute", "main_cause", "other_causes", "standard"):
                del self.fields[name]
            reason = self.fields["reason"]
            reason.required = True
            reason.label = _("清退理由")
            reason.help_text = _("如：家庭成员为财政供养人员；在城镇购买商品房；有家用小汽车；办有企业")
            self.fields["year"].help_text = ""

    def service_data(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d["other_causes"] = ",".join(d.get("other_causes") or [])
        return d


class SubmitForm(forms.Form):
    year = YearField(required=False, help_text=_("识别年度；留空保持候选的年度"))
    attribute = forms.ChoiceField(label=_("贫困户属性"), choices=Attribute.choices)
    main_cause = forms.ChoiceField(label=_("主要致贫原因"), choices=Cause.choices)
    other_causes = forms.MultipleChoiceField(
        label=_("其他致贫原因"), choices=Cause.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    standard = forms.ChoiceField(label=_("识别标准"), choices=Standard.choices, required=False)
    comment = forms.CharField(label=_("说明"), required=False, max_length=500)


class AppraisalForm(forms.Form):
    meeting_date = forms.DateField(label=_("评议日期"), widget=DATE)
    representatives = forms.IntegerField(label=_("应到代表人数"), min_value=1)
    present = forms.IntegerField(label=_("实到人数"), min_value=0)
    votes_for = forms.IntegerField(label=_("赞成票"), min_value=0)
    votes_against = forms.IntegerField(label=_("反对票"), min_value=0)
    notice_from = forms.DateField(
        label=_("村公示开始日期"), widget=DATE, required=False, help_text=_("评议通过后开始第一次公示；留空为今天")
    )
    comment = forms.CharField(label=_("意见"), required=False, max_length=500)


class DecisionForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("决定"), choices=PASS_CHOICES, coerce=lambda v: v == "1", widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("意见"), required=False, max_length=500, help_text=_("不通过须填写理由"))


class ReviewForm(DecisionForm):
    notice_from = forms.DateField(
        label=_("第二次公示开始日期"),
        widget=DATE,
        required=False,
        help_text=_("审核通过后在村内第二次公示；留空为今天"),
    )


class AnnounceForm(forms.Form):
    announced_on = forms.DateField(label=_("公告日期"), widget=DATE, initial=timezone.localdate)
    comment = forms.CharField(label=_("说明"), required=False, max_length=500)


class ObjectionForm(forms.Form):
    raised_by_name = forms.CharField(label=_("异议人"), required=False, max_length=50, help_text=_("可匿名"))
    raised_on = forms.DateField(label=_("提出日期"), widget=DATE, initial=timezone.localdate)
    content = forms.CharField(label=_("异议内容"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("核实结论"),
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        choices=[("0", _("异议不成立")), ("1", _("异议成立"))],
    )
    answer = forms.CharField(label=_("答复"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回理由"), max_length=300)


class FindingDecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("核实结论"),
        widget=forms.RadioSelect,
        choices=[("confirmed", _("属实（清退、减少成员或死亡销户）")), ("explained", _("已说明，保留"))],
    )
    note = forms.CharField(label=_("核实情况说明"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    end_member = forms.TypedChoiceField(label=_("需减少的记录"), required=False, coerce=int, empty_value=None)
    new_head = forms.TypedChoiceField(label=_("新户主（减少户主时）"), required=False, coerce=int, empty_value=None)

    def __init__(
        self, *args: Any, end_choices: list[tuple[int, str]], head_choices: list[tuple[int, str]], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        cast(forms.ChoiceField, self.fields["end_member"]).choices = [("", "—"), *end_choices]
        cast(forms.ChoiceField, self.fields["new_head"]).choices = [("", "—"), *head_choices]
        if not end_choices:
            del self.fields["end_member"]
        if not head_choices:
            del self.fields["new_head"]


class ComparisonForm(forms.Form):
    file = forms.FileField(label=_("名单文件"), help_text=_(".xlsx 或 .csv；须有“证件号码”列，其他列作为比对依据保留"))
    kind = forms.ChoiceField(label=_("名单类型"), choices=ListKind.choices)
    kind_name = forms.CharField(
        label=_("名单名称"), required=False, max_length=50, help_text=_("类型为“其他”时必填，如：村干部及亲属")
    )
    region = forms.ModelChoiceField(queryset=Region.objects.none(), label=_("比对范围"))

    def __init__(self, *args: Any, user: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        qs = regions_for_user(user, "identification.add_comparisonlist").filter(level__lte=RegionLevel.TOWNSHIP)
        cast(forms.ModelChoiceField, self.fields["region"]).queryset = qs.order_by("path")
        first = qs.order_by("path").first()
        if first is not None:
            self.fields["region"].initial = first.pk

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        name = f.name.lower()
        if not name.endswith((".xlsx", ".xlsm", ".xls", ".csv")):
            raise ValidationError(_("只接受 .xlsx 或 .csv 文件"))
        return f


class RecheckForm(forms.Form):
    year = YearField(required=False, help_text=_("留空为有扶贫标准的最近年度"))


class ImportApplicationsForm(forms.Form):
    """The year of the cases opened for an import's households."""

    year = forms.IntegerField(label=_("申请年度"), min_value=2013)

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError(_("年度不能晚于今年"))
        return year
