from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError

from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region


class RegionFilterSet(filters.FilterSet):
    level = filters.TypedChoiceFilter(choices=RegionLevel.choices, coerce=int, label=gettext_lazy("级别"))
    parent = filters.CharFilter(method="filter_parent", label=gettext_lazy("上级区划代码（只列直接下级）"))
    name = filters.CharFilter(field_name="name", lookup_expr="contains", label=gettext_lazy("名称包含"))

    class Meta:
        model = Region
        fields = ["level", "parent", "name"]

    def filter_parent(self, queryset, name, value):
        parent = Region.objects.filter(code=value.strip()).first()
        if parent is None:
            raise ValidationError({"parent": [_("区划代码 {code} 不存在").format(code=value)]})
        return queryset.filter(path__startswith=parent.path, depth=parent.depth + 1)
