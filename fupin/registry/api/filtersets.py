"""Filters of the registry lists (query parameters are documented in the schema)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from fupin.regions.models import Region
from fupin.registry.choices import Attribute, Cause, PovertyStatus, Relation
from fupin.registry.models import Household, Member
from fupin.registry.selectors import household_search_q
from fupin.utils import idno


def region_by_code(code: str, param: str) -> Region:
    region = Region.objects.filter(code=code.strip()).first()
    if region is None:
        raise ValidationError({param: [_("区划代码 {code} 不存在").format(code=code)]})
    return region


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """An object id (documented as an integer, not a number)."""


class HouseholdFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label=gettext_lazy("搜索：户编号（前缀）、成员姓名或完整证件号码"))
    region = filters.CharFilter(method="filter_region", label=gettext_lazy("区划代码（含下级）"))
    status = filters.ChoiceFilter(choices=PovertyStatus.choices, label=gettext_lazy("脱贫标志"))
    attribute = filters.ChoiceFilter(choices=Attribute.choices, label=gettext_lazy("贫困户属性"))
    main_cause = filters.ChoiceFilter(choices=Cause.choices, label=gettext_lazy("主要致贫原因"))
    registered = filters.BooleanFilter(label=gettext_lazy("建档立卡"))
    include_closed = filters.BooleanFilter(method="filter_include_closed", label=gettext_lazy("包括已注销的农户"))

    class Meta:
        model = Household
        fields = ["q", "region", "status", "attribute", "main_cause", "registered", "include_closed"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(household_search_q(value))

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__path__startswith=region_by_code(value, name).path)

    def filter_include_closed(self, queryset, name, value):
        return queryset  # applied in filter_queryset: closed households are hidden unless asked for

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("include_closed"):
            queryset = queryset.filter(closed_on__isnull=True)
        return queryset


class MemberFilterSet(filters.FilterSet):
    household = IdFilter(field_name="household_id", label=gettext_lazy("农户 id"))
    region = filters.CharFilter(method="filter_region", label=gettext_lazy("区划代码（含下级）"))
    active = filters.BooleanFilter(field_name="ended_on", lookup_expr="isnull", label=gettext_lazy("在册（未减少）"))
    relation = filters.ChoiceFilter(choices=Relation.choices, label=gettext_lazy("与户主关系"))
    id_number = filters.CharFilter(method="filter_id_number", label=gettext_lazy("完整证件号码"))

    class Meta:
        model = Member
        fields = ["household", "region", "active", "relation", "id_number"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(household__region__path__startswith=region_by_code(value, name).path)

    def filter_id_number(self, queryset, name, value):
        return queryset.filter(id_number=idno.normalize(value))
