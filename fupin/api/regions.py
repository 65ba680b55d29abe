"""Regions, read-only, limited to the regions in the user's scope (their assigned subtrees).

The viewset lives here, not in fupin.regions.api, because scoping (fupin.accounts) sits above
the regions layer; the serializer and filterset stay with the regions app."""

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from fupin.accounts.scoping import regions_for_user
from fupin.core.api.mixins import API_AUTHENTICATION
from fupin.core.api.permissions import IsAuthenticatedActive
from fupin.regions.api.filtersets import RegionFilterSet
from fupin.regions.api.serializers import RegionSerializer
from fupin.regions.models import Region


def with_parent_code(qs):
    """Annotate the parent's code from the materialised path (one subquery on the unique
    path index), so a page of any length costs the same number of queries."""
    parent = Region.objects.filter(path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Region.steplen))
    return qs.annotate(parent_code=Subquery(parent.values("code")[:1]))


@extend_schema(tags=["行政区划"])
@extend_schema_view(list=extend_schema(summary=_("区划列表")), retrieve=extend_schema(summary=_("区划详情（按代码）")))
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """行政区划：只列出当前用户授权范围内的区划（含下级）。"""

    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    lookup_field = "code"
    lookup_value_regex = r"\d{6,15}"
    authentication_classes = API_AUTHENTICATION
    permission_classes = [IsAuthenticatedActive]

    def get_queryset(self):
        return with_parent_code(regions_for_user(self.request.user)).order_by("path")
