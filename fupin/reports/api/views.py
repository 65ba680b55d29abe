"""API v1 of the reports: the indicators (the same figures as `fupin summary` and the
dashboard) and the data-quality audit runs, both scoped to the caller."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from fupin.core.api.mixins import API_AUTHENTICATION
from fupin.core.api.permissions import IsAuthenticatedActive
from fupin.core.errors import ScopeError
from fupin.regions.models import Region
from fupin.reports.models import AuditRun
from fupin.reports.selectors.indicators import indicators
from fupin.reports.views.common import parse_year


class IndicatorViewSet(viewsets.ViewSet):
    """统计指标：与 `fupin summary` 和统计看板相同的口径（见 docs/indicators.md）。"""

    authentication_classes = API_AUTHENTICATION
    permission_classes = [IsAuthenticatedActive]

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="统计年度，默认为最近的数据年度"),
            OpenApiParameter("region", str, description="区划代码，默认为调用者的全部范围"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request: Request) -> Response:
        year = parse_year(request.query_params.get("year"))
        code = (request.query_params.get("region") or "").strip()
        region = None
        if code:
            region = Region.objects.filter(code=code).first()
            if region is None:
                raise ScopeError("unknown region")
        return Response(indicators(year=year, user=request.user, region=region))


class AuditRunSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    score = serializers.FloatField(read_only=True)
    # Rule code → reason, rendered in the caller's language (stored as a message key).
    skipped = serializers.DictField(source="skip_reasons", child=serializers.CharField(), read_only=True)

    class Meta:
        model = AuditRun
        fields = [
            "id",
            "region",
            "year",
            "as_of",
            "started",
            "seconds",
            "households",
            "flagged",
            "score",
            "counts",
            "skipped",
        ]


class AuditRunViewSet(viewsets.ReadOnlyModelViewSet):
    """数据质量检查记录（检查范围在调用者范围内的）。"""

    authentication_classes = API_AUTHENTICATION
    permission_classes = [IsAuthenticatedActive]
    serializer_class = AuditRunSerializer

    def get_queryset(self):
        return AuditRun.objects.for_user(self.request.user, "view").select_related("region").order_by("-started", "-id")
