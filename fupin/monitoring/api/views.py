"""Monitoring API: alerts (with the §4 procedure), monitoring objects, exit cases and the
village incidence table. Reads come from scoped querysets; writes go through the services."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from fupin.accounts.scoping import scope_paths, user_can
from fupin.core.api.errors import service_errors
from fupin.core.api.mixins import API_AUTHENTICATION, ScopedViewSetMixin
from fupin.core.api.permissions import IsAuthenticatedActive
from fupin.monitoring.api import serializers as s
from fupin.monitoring.incidence import incidence_table
from fupin.monitoring.models import Alert, AlertStep, ExitCase, ExitStep, MonitoringObject
from fupin.monitoring.services.alerts import alert_report
from fupin.monitoring.services.procedure import alert_step
from fupin.regions.models import Region
from fupin.registry.models import Household

READ_WRITE = ["get", "post", "head", "options"]  # nothing is deleted or edited in place
ERRORS = {
    400: OpenApiResponse(description=_("字段错误：{字段: [原因]}")),
    404: OpenApiResponse(description=_("不存在或不在授权范围内")),
    409: OpenApiResponse(description=_("业务规则拒绝（如环节顺序、经办与审核为同一人、已办结）")),
}
SENSITIVE = "registry.view_sensitive_household"


@extend_schema(tags=["防返贫监测"])
@extend_schema_view(
    list=extend_schema(summary=_("风险预警")),
    retrieve=extend_schema(summary=_("风险预警及其识别程序")),
    create=extend_schema(
        summary=_("登记风险预警（干部排查或代农户申报）"),
        request=s.AlertCreateSerializer,
        responses={201: s.AlertDetailSerializer, **ERRORS},
    ),
)
class AlertViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    scoped_model = Alert
    http_method_names = READ_WRITE
    scope_actions = {"step": "view"}

    def get_serializer_class(self):
        return s.AlertSerializer if self.action == "list" else s.AlertDetailSerializer

    def refine_queryset(self, qs):
        qs = qs.select_related("region", "household").order_by("status", "deadline", "-id")
        if self.action != "list":
            qs = qs.prefetch_related(Prefetch("steps", queryset=AlertStep.objects.order_by("created", "id")))
        if self.action == "list":
            for name in ("status", "source"):
                if value := self.request.query_params.get(name):
                    qs = qs.filter(**{name: value})
        return qs

    def get_serializer_context(self):
        ctx = super().get_serializer_context()
        user = self.request.user
        ctx["today"] = timezone.localdate()
        # Lists mask; a single alert shows full details to those allowed in its region.
        ctx["sensitive"] = False
        if self.action not in ("list", None) and "pk" in self.kwargs:
            a = Alert.objects.filter(pk=self.kwargs["pk"]).select_related("region").first()
            ctx["sensitive"] = bool(a and user_can(user, SENSITIVE, a.region))
        return ctx

    def create(self, request, *args, **kwargs):
        ser = s.AlertCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        household = Household.objects.for_user(request.user, "view").filter(pk=d["household"]).first()
        if household is None:
            raise NotFound()
        with service_errors():
            alert = alert_report(
                ctx=self.service_context(),
                household=household,
                source=d["source"],
                description=d["description"],
                risk_hint=d.get("risk_hint", ""),
            )
        self.kwargs["pk"] = alert.pk
        return Response(
            s.AlertDetailSerializer(alert, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary=_("办理识别程序的下一环节"),
        request=s.AlertStepInputSerializer,
        responses={200: s.AlertDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def step(self, request, pk=None):
        alert = self.get_object()
        ser = s.AlertStepInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        with service_errors():
            alert = alert_step(
                ctx=self.service_context(),
                alert=alert,
                step=d["step"],
                decision=d["decision"],
                on=d.get("on"),
                comment=d.get("comment", ""),
                votes_for=d.get("votes_for"),
                votes_against=d.get("votes_against"),
                notice_starts=d.get("notice_starts"),
                notice_ends=d.get("notice_ends"),
                object_type=d.get("object_type", ""),
                risks=[dict(r) for r in d.get("risks", [])],
            )
        alert = self.get_queryset().get(pk=alert.pk)
        return Response(s.AlertDetailSerializer(alert, context=self.get_serializer_context()).data)


@extend_schema(tags=["防返贫监测"])
@extend_schema_view(list=extend_schema(summary=_("监测对象")), retrieve=extend_schema(summary=_("监测对象及风险")))
class MonitoringObjectViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    scoped_model = MonitoringObject
    serializer_class = s.MonitoringObjectSerializer

    def refine_queryset(self, qs):
        qs = (
            qs.select_related("household__region").prefetch_related("risks").order_by("status", "-identified_on", "-id")
        )
        if self.action == "list":
            for name in ("status", "object_type"):
                if value := self.request.query_params.get(name):
                    qs = qs.filter(**{name: value})
        return qs


@extend_schema(tags=["防返贫监测"])
@extend_schema_view(
    list=extend_schema(summary=_("贫困户退出申请")), retrieve=extend_schema(summary=_("退出申请、评估结果与各环节记录"))
)
class ExitCaseViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    scoped_model = ExitCase
    serializer_class = s.ExitCaseSerializer

    def refine_queryset(self, qs):
        return (
            qs.select_related("household", "assessment")
            .prefetch_related(Prefetch("steps", queryset=ExitStep.objects.order_by("created", "id")))
            .order_by("-created", "-id")
        )


@extend_schema(
    tags=["防返贫监测"], summary=_("各村贫困发生率与退出条件"), responses={200: s.VillageIncidenceSerializer(many=True)}
)
class VillageIncidenceViewSet(viewsets.GenericViewSet):
    authentication_classes = API_AUTHENTICATION
    permission_classes = [IsAuthenticatedActive]
    serializer_class = s.VillageIncidenceSerializer
    # Only for the schema generator: the rows are villages, computed by `incidence_table`.
    queryset = Region.objects.none()

    def list(self, request):
        if not (request.user.is_superuser or scope_paths(request.user, "monitoring.view_incidence")):
            raise NotFound()
        # The table is computed whole (a district's few hundred villages, a grouped query per
        # village depth) and paged like every other list.
        page = self.paginate_queryset(incidence_table(user=request.user).rows)
        return self.get_paginated_response(s.VillageIncidenceSerializer(page, many=True).data)
