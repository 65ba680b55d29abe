"""Assistance work API: pairings, plans, measures, visits, wishes, coverage and overdue visits."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from fupin.assistance.api import serializers as s
from fupin.assistance.api.common import ERRORS, WRITE_METHODS, household_in_scope
from fupin.assistance.models import Cadre, Measure, Pairing, Plan, Visit, Wish
from fupin.assistance.policy import floor_schedule
from fupin.assistance.selectors.coverage import cadre_workload, pairing_coverage
from fupin.assistance.selectors.plans import plan_gaps
from fupin.assistance.selectors.visits import overdue_households
from fupin.assistance.services import (
    measure_create,
    measure_update,
    pairing_assign,
    pairing_end,
    plan_save,
    visit_photo_add,
    visit_record,
    wish_cancel,
    wish_confirm,
    wish_post,
)
from fupin.core.api.errors import service_errors
from fupin.core.api.mixins import API_AUTHENTICATION, ScopedViewSetMixin
from fupin.core.api.permissions import IsAuthenticatedActive
from fupin.registry.models import Household, Member

HOUSEHOLD_PARAM = OpenApiParameter("household", OpenApiTypes.INT, description=_("农户 id"))
YEAR_PARAM = OpenApiParameter("year", OpenApiTypes.INT, description=_("年度"))


class _ReadBase(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    http_method_names = WRITE_METHODS

    def by_household_and_year(self, qs):
        household, year = self.request.query_params.get("household"), self.request.query_params.get("year")
        if household and household.isdigit():
            qs = qs.filter(household_id=int(household))
        if year and year.isdigit():
            qs = qs.filter(year=int(year))
        return qs


def _valid(serializer_class, data, **kw):
    ser = serializer_class(data=data, **kw)
    ser.is_valid(raise_exception=True)
    return dict(ser.validated_data)


@extend_schema(tags=["结对帮扶"])
@extend_schema_view(
    list=extend_schema(summary=_("结对记录（含历史）"), parameters=[HOUSEHOLD_PARAM]),
    retrieve=extend_schema(summary=_("结对记录")),
)
class PairingViewSet(_ReadBase):
    """一户一人：每户至多一名在帮的帮扶责任人；更换时原结对结束并保留。"""

    scoped_model = Pairing
    serializer_class = s.PairingSerializer
    scope_actions = {"end": "change"}

    def refine_queryset(self, qs):
        qs = qs.select_related("household", "cadre").order_by("household_id", "-started_on", "-pk")
        household = self.request.query_params.get("household")
        if self.action == "list" and household and household.isdigit():
            qs = qs.filter(household_id=int(household))
        if self.action == "list" and self.request.query_params.get("active") in ("1", "true"):
            qs = qs.filter(ended_on__isnull=True)
        return qs

    @extend_schema(
        summary=_("指定帮扶责任人（结束原结对）"),
        request=s.PairingAssignSerializer,
        responses={201: s.PairingSerializer, **ERRORS},
    )
    def create(self, request, *args, **kwargs):
        d = _valid(s.PairingAssignSerializer, request.data)
        h = household_in_scope(request.user, d["household"], "assistance.add_pairing")
        cadre = Cadre.objects.for_user(request.user, "view").filter(pk=d["cadre"]).first()
        if cadre is None:
            raise ValidationError({"cadre": [gettext("帮扶干部不存在或不在授权范围内")]})
        with service_errors():
            p = pairing_assign(
                ctx=self.service_context(),
                household=h,
                cadre=cadre,
                started_on=d.get("started_on"),
                reason=d.get("reason", ""),
            )
        return Response(s.PairingSerializer(p).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("结束结对"), request=s.AssistEndSerializer, responses={200: s.PairingSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        p = self.get_object()
        d = _valid(s.AssistEndSerializer, request.data)
        with service_errors():
            p = pairing_end(
                ctx=self.service_context(), pairing=p, ended_on=d.get("ended_on"), reason=d.get("reason", "")
            )
        return Response(s.PairingSerializer(p).data)


@extend_schema(tags=["帮扶措施"])
@extend_schema_view(
    list=extend_schema(summary=_("帮扶计划"), parameters=[HOUSEHOLD_PARAM, YEAR_PARAM]),
    retrieve=extend_schema(summary=_("帮扶计划")),
)
class PlanViewSet(_ReadBase):
    """一户一法：每户每年一份计划；其措施见 /measures/?household=&year=。"""

    scoped_model = Plan
    serializer_class = s.PlanSerializer
    scope_actions = {"gaps": "view", "floor_schedule": "view"}

    def refine_queryset(self, qs):
        qs = qs.select_related("household").order_by("household_id", "-year")
        return self.by_household_and_year(qs) if self.action == "list" else qs

    @extend_schema(
        summary=_("新建或更新计划"), request=s.PlanWriteSerializer, responses={201: s.PlanSerializer, **ERRORS}
    )
    def create(self, request, *args, **kwargs):
        d = _valid(s.PlanWriteSerializer, request.data)
        if "household" not in d or "year" not in d:
            raise ValidationError({"household": [gettext("请填写农户和年度")]})
        h = household_in_scope(request.user, d.pop("household"), "assistance.add_plan")
        with service_errors():
            plan = plan_save(ctx=self.service_context(), household=h, year=d.pop("year"), data=d)
        return Response(s.PlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("修改计划"), request=s.PlanWriteSerializer, responses={200: s.PlanSerializer, **ERRORS})
    def partial_update(self, request, *args, **kwargs):
        plan = self.get_object()
        d = _valid(s.PlanWriteSerializer, request.data, partial=True)
        d.pop("household", None), d.pop("year", None)
        with service_errors():
            plan = plan_save(ctx=self.service_context(), household=plan.household, year=plan.year, data=d)
        return Response(s.PlanSerializer(plan).data)

    @extend_schema(summary=_("计划未覆盖的问题"), responses={200: s.PlanGapSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def gaps(self, request, pk=None):
        plan = self.get_object()
        return Response(s.PlanGapSerializer(plan_gaps(plan.household, plan.year), many=True).data)

    @extend_schema(summary=_("兜底保障发放计划（12 个月）"), responses={200: s.FloorScheduleSerializer, **ERRORS})
    @action(detail=True, methods=["get"], url_path="floor-schedule", url_name="floor-schedule")
    def floor_schedule(self, request, pk=None):
        plan = self.get_object()
        with service_errors():
            schedule = floor_schedule(plan.household, plan.year)
        return Response(
            s.FloorScheduleSerializer(
                {
                    "year": schedule.year,
                    "standard": schedule.standard,
                    "total": schedule.total,
                    "payments": schedule.payments,
                }
            ).data
        )


@extend_schema(tags=["帮扶措施"])
@extend_schema_view(
    list=extend_schema(summary=_("帮扶措施"), parameters=[HOUSEHOLD_PARAM, YEAR_PARAM]),
    retrieve=extend_schema(summary=_("帮扶措施")),
)
class MeasureViewSet(_ReadBase):
    """帮扶措施：类别、项目、金额、状态、受益成员和各类明细（务工、危房改造、小额信贷）。"""

    scoped_model = Measure
    serializer_class = s.MeasureSerializer

    def refine_queryset(self, qs):
        qs = qs.select_related("household", "item").order_by("household_id", "-year", "category", "pk")
        return self.by_household_and_year(qs) if self.action == "list" else qs

    def _beneficiary(self, d: dict, household) -> None:
        if d.get("beneficiary") is not None:
            member = Member.objects.filter(pk=d["beneficiary"], household=household).first()
            if member is None:
                raise ValidationError({"beneficiary": [gettext("受益成员不是该户的成员")]})
            d["beneficiary"] = member

    @extend_schema(
        summary=_("添加帮扶措施"), request=s.MeasureWriteSerializer, responses={201: s.MeasureSerializer, **ERRORS}
    )
    def create(self, request, *args, **kwargs):
        d = _valid(s.MeasureWriteSerializer, request.data)
        if "household" not in d or "year" not in d or "item" not in d:
            raise ValidationError({"item": [gettext("请填写农户、年度和措施项目")]})
        h = household_in_scope(request.user, d.pop("household"), "assistance.add_measure")
        self._beneficiary(d, h)
        with service_errors():
            m = measure_create(ctx=self.service_context(), household=h, year=d.pop("year"), data=d)
        return Response(s.MeasureSerializer(m).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("修改帮扶措施"), request=s.MeasureWriteSerializer, responses={200: s.MeasureSerializer, **ERRORS}
    )
    def partial_update(self, request, *args, **kwargs):
        m = self.get_object()
        d = _valid(s.MeasureWriteSerializer, request.data, partial=True)
        d.pop("household", None), d.pop("year", None)
        self._beneficiary(d, m.household)
        with service_errors():
            m = measure_update(ctx=self.service_context(), measure=m, data=d)
        return Response(s.MeasureSerializer(m).data)


@extend_schema(tags=["走访"])
@extend_schema_view(
    list=extend_schema(summary=_("走访记录"), parameters=[HOUSEHOLD_PARAM]),
    retrieve=extend_schema(summary=_("走访记录")),
)
class VisitViewSet(_ReadBase):
    """走访（六个一、记录、位置、照片）。照片用 POST /visits/{id}/photos/ 以 multipart 上传。"""

    scoped_model = Visit
    serializer_class = s.VisitSerializer
    scope_actions = {"photos": "assistance.add_visitphoto"}

    def refine_queryset(self, qs):
        qs = qs.select_related("household", "cadre").prefetch_related("photos").order_by("-visited_on", "-pk")
        household = self.request.query_params.get("household")
        if self.action == "list" and household and household.isdigit():
            qs = qs.filter(household_id=int(household))
        return qs

    @extend_schema(summary=_("记录走访"), request=s.VisitWriteSerializer, responses={201: s.VisitSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        d = _valid(s.VisitWriteSerializer, request.data)
        h = household_in_scope(request.user, d.pop("household"), "assistance.add_visit")
        checklist = {k: d.pop(k) for k in ("chat", "policy", "handbook", "measures", "wish", "labour")}
        with service_errors():
            v = visit_record(
                ctx=self.service_context(),
                household=h,
                visited_on=d.get("visited_on"),
                checklist=checklist,
                notes=d.get("notes", ""),
                latitude=d.get("latitude"),
                longitude=d.get("longitude"),
            )
        return Response(s.VisitSerializer(v).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("上传走访照片（multipart，字段 image）"),
        request=s.VisitPhotoUploadSerializer,
        responses={201: s.VisitPhotoSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def photos(self, request, pk=None):
        visit = self.get_object()
        d = _valid(s.VisitPhotoUploadSerializer, request.data)
        with service_errors():
            photo = visit_photo_add(ctx=self.service_context(), visit=visit, upload=d["image"])
        return Response(s.VisitPhotoSerializer(photo).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["微心愿"])
@extend_schema_view(list=extend_schema(summary=_("微心愿")), retrieve=extend_schema(summary=_("微心愿")))
class WishViewSet(_ReadBase):
    """微心愿（干部发布、确认送达、撤销）。公开心愿墙见 /public-wishes/。"""

    scoped_model = Wish
    serializer_class = s.WishSerializer
    scope_actions = {"confirm": "change", "cancel": "change"}

    def refine_queryset(self, qs):
        qs = qs.select_related("household").order_by("-created", "-pk")
        status_ = self.request.query_params.get("status")
        if self.action == "list" and status_:
            qs = qs.filter(status=status_)
        return qs

    @extend_schema(
        summary=_("发布微心愿（已入户核实）"),
        request=s.WishWriteSerializer,
        responses={201: s.WishSerializer, **ERRORS},
    )
    def create(self, request, *args, **kwargs):
        d = _valid(s.WishWriteSerializer, request.data)
        h = household_in_scope(request.user, d.pop("household"), "assistance.add_wish")
        with service_errors():
            w = wish_post(ctx=self.service_context(), household=h, **d)
        return Response(s.WishSerializer(w).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("确认送达（multipart，字段 photo）"),
        request=s.WishConfirmSerializer,
        responses={200: s.WishSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def confirm(self, request, pk=None):
        w = self.get_object()
        d = _valid(s.WishConfirmSerializer, request.data)
        with service_errors():
            w = wish_confirm(ctx=self.service_context(), wish=w, photo=d["photo"])
        return Response(s.WishSerializer(w).data)

    @extend_schema(summary=_("撤销心愿"), request=s.WishCancelSerializer, responses={200: s.WishSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        w = self.get_object()
        d = _valid(s.WishCancelSerializer, request.data)
        with service_errors():
            w = wish_cancel(ctx=self.service_context(), wish=w, reason=d["reason"])
        return Response(s.WishSerializer(w).data)


@extend_schema(
    tags=["结对帮扶"],
    summary=_("结对覆盖率（按乡镇、村）"),
    parameters=[
        OpenApiParameter("on", OpenApiTypes.DATE, description=_("统计日期，默认今天")),
        OpenApiParameter("region", OpenApiTypes.STR, description=_("区划代码（含下级）")),
    ],
    responses={
        200: inline_serializer(
            "Coverage",
            {
                "on": serializers.DateField(),
                "total": serializers.IntegerField(),
                "paired": serializers.IntegerField(),
                "percent": serializers.FloatField(),
                "townships": serializers.ListField(child=serializers.DictField()),
            },
        )
    },
)
class CoverageView(APIView):
    authentication_classes = API_AUTHENTICATION
    permission_classes = [IsAuthenticatedActive]

    def get(self, request):
        try:
            on = dt.date.fromisoformat(request.query_params.get("on") or timezone.localdate().isoformat())
        except ValueError as exc:
            raise ValidationError({"on": [gettext("日期格式应为 YYYY-MM-DD")]}) from exc
        within = None
        if code := request.query_params.get("region"):
            from fupin.accounts.scoping import regions_for_user

            within = regions_for_user(request.user, "assistance.view_pairing").filter(code=code).first()
            if within is None:
                raise NotFound()
        cov = pairing_coverage(user=request.user, on=on, within=within)

        def row(r):
            return {
                "code": r.region.code,
                "name": r.region.name,
                "total": r.total,
                "paired": r.paired,
                "percent": r.percent,
            }

        return Response(
            {
                "on": cov.on,
                "total": cov.total,
                "paired": cov.paired,
                "percent": cov.percent,
                "townships": [{**row(t), "villages": [row(v) for v in t.children]} for t in cov.townships],
            }
        )


@extend_schema(tags=["走访"])
@extend_schema_view(list=extend_schema(summary=_("逾期未走访的农户（按走访频次政策）")))
class OverdueViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    authentication_classes = API_AUTHENTICATION
    permission_classes = [IsAuthenticatedActive]
    serializer_class = s.OverdueSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Household.objects.none()
        return overdue_households(user=self.request.user)


@extend_schema(tags=["结对帮扶"])
@extend_schema_view(list=extend_schema(summary=_("帮扶干部工作量（在帮户数与上限）")))
class WorkloadViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    authentication_classes = API_AUTHENTICATION
    permission_classes = [IsAuthenticatedActive]
    serializer_class = s.CadreSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Cadre.objects.none()
        qs, _limit = cadre_workload(user=self.request.user)
        return qs

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        _qs, limit = cadre_workload(user=request.user)
        if isinstance(response.data, dict):
            response.data["max_households"] = limit
        return response
