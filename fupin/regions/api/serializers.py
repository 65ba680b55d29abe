from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from fupin.core.api.serializers import DisplayLabelsMixin
from fupin.regions.models import Region


class RegionSerializer(DisplayLabelsMixin, serializers.ModelSerializer):
    parent = serializers.CharField(source="parent_code", read_only=True, allow_null=True, help_text=_("上级区划代码"))
    children = serializers.IntegerField(source="numchild", read_only=True, help_text=_("下级区划数"))

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "children", "verified", "rural_population"]
        display_fields = ["level"]
        read_only_fields = fields
