"""Organisation API: linked units, the leading group, work teams, cadres, projects, the
measure taxonomy. Reads are scoped; writes go through the services."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from fupin.assistance.api import serializers as s
from fupin.assistance.api.common import ERRORS, WRITE_METHODS, region_by_code
from fupin.assistance.models import Cadre, LeadingGroupMember, LinkedUnit, MeasureItem, Project, WorkTeam
from fupin.assistance.services import (
    cadre_create,
    cadre_end,
    cadre_update,
    group_member_create,
    group_member_update,
    linked_unit_create,
    linked_unit_update,
    work_team_create,
    work_team_update,
)
from fupin.assistance.services.projects import project_create, project_update
from fupin.core.api.errors import service_errors
from fupin.core.api.mixins import ScopedViewSetMixin
from fupin.regions.models import Region


class _ReadBase(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    http_method_names = WRITE_METHODS


def _write_data(serializer_class, request, *, partial: bool, **kw):
    ser = serializer_class(data=request.data, partial=partial, **kw)
    ser.is_valid(raise_exception=True)
    return dict(ser.validated_data)


def _region(data: dict, *, required: bool) -> Region | None:
    code = data.pop("region", None)
    if not code:
        if required:
            raise ValidationError({"region": [gettext("请填写区划代码")]})
        return None
    return region_by_code(code, "region")


@extend_schema(tags=["帮扶组织"])
@extend_schema_view(list=extend_schema(summary=_("联点单位列表")), retrieve=extend_schema(summary=_("联点单位")))
class LinkedUnitViewSet(_ReadBase):
    """联点单位。"""

    scoped_model = LinkedUnit
    serializer_class = s.LinkedUnitSerializer

    def refine_queryset(self, qs):
        return qs.order_by("name")

    @extend_schema(
        summary=_("新增联点单位"),
        request=s.LinkedUnitWriteSerializer,
        responses={201: s.LinkedUnitSerializer, **ERRORS},
    )
    def create(self, request, *args, **kwargs):
        data = _write_data(s.LinkedUnitWriteSerializer, request, partial=False)
        with service_errors():
            unit = linked_unit_create(ctx=self.service_context(), data=data)
        return Response(s.LinkedUnitSerializer(unit).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("修改联点单位"),
        request=s.LinkedUnitWriteSerializer,
        responses={200: s.LinkedUnitSerializer, **ERRORS},
    )
    def partial_update(self, request, *args, **kwargs):
        unit = self.get_object()
        data = _write_data(s.LinkedUnitWriteSerializer, request, partial=True)
        with service_errors():
            unit = linked_unit_update(ctx=self.service_context(), unit=unit, data=data)
        return Response(s.LinkedUnitSerializer(unit).data)


@extend_schema(tags=["帮扶组织"])
@extend_schema_view(list=extend_schema(summary=_("领导小组成员")), retrieve=extend_schema(summary=_("领导小组成员")))
class GroupMemberViewSet(_ReadBase):
    """扶贫开发领导小组成员（电话已遮蔽）。"""

    scoped_model = LeadingGroupMember
    serializer_class = s.GroupMemberSerializer

    def refine_queryset(self, qs):
        return qs.select_related("region").order_by("region__path", "group_role", "name")

    @extend_schema(
        summary=_("新增领导小组成员"),
        request=s.GroupMemberWriteSerializer,
        responses={201: s.GroupMemberSerializer, **ERRORS},
    )
    def create(self, request, *args, **kwargs):
        data = _write_data(s.GroupMemberWriteSerializer, request, partial=False)
        region = _region(data, required=True)
        with service_errors():
            m = group_member_create(ctx=self.service_context(), region=region, data=data)
        return Response(s.GroupMemberSerializer(m).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("修改领导小组成员"),
        request=s.GroupMemberWriteSerializer,
        responses={200: s.GroupMemberSerializer, **ERRORS},
    )
    def partial_update(self, request, *args, **kwargs):
        m = self.get_object()
        data = _write_data(s.GroupMemberWriteSerializer, request, partial=True)
        data.pop("region", None)
        with service_errors():
            m = group_member_update(ctx=self.service_context(), member=m, data=data)
        return Response(s.GroupMemberSerializer(m).data)


@extend_schema(tags=["帮扶组织"])
@extend_schema_view(list=extend_schema(summary=_("驻村工作队列表")), retrieve=extend_schema(summary=_("驻村工作队")))
class WorkTeamViewSet(_ReadBase):
    """驻村工作队。"""

    scoped_model = WorkTeam
    serializer_class = s.WorkTeamSerializer

    def refine_queryset(self, qs):
        return qs.select_related("region", "unit").order_by("name")

    @extend_schema(
        summary=_("新增驻村工作队"), request=s.WorkTeamWriteSerializer, responses={201: s.WorkTeamSerializer, **ERRORS}
    )
    def create(self, request, *args, **kwargs):
        data = _write_data(s.WorkTeamWriteSerializer, request, partial=False)
        region = _region(data, required=True)
        with service_errors():
            t = work_team_create(ctx=self.service_context(), region=region, data=data)
        return Response(s.WorkTeamSerializer(t).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("修改驻村工作队"), request=s.WorkTeamWriteSerializer, responses={200: s.WorkTeamSerializer, **ERRORS}
    )
    def partial_update(self, request, *args, **kwargs):
        t = self.get_object()
        data = _write_data(s.WorkTeamWriteSerializer, request, partial=True)
        region = _region(data, required=False)
        with service_errors():
            t = work_team_update(ctx=self.service_context(), team=t, data=data, region=region)
        return Response(s.WorkTeamSerializer(t).data)


@extend_schema(tags=["帮扶组织"])
@extend_schema_view(list=extend_schema(summary=_("帮扶干部列表")), retrieve=extend_schema(summary=_("帮扶干部")))
class CadreViewSet(_ReadBase):
    """帮扶干部（电话已遮蔽），含在帮户数。"""

    scoped_model = Cadre
    serializer_class = s.CadreSerializer
    scope_actions = {"end": "change"}

    def refine_queryset(self, qs):
        return (
            qs.select_related("region", "unit")
            .annotate(held=Count("pairings", filter=Q(pairings__ended_on__isnull=True)))
            .order_by("name", "pk")
        )

    def _detail(self, pk: int) -> Response:
        return Response(
            s.CadreSerializer(self.refine_queryset(Cadre.objects.for_user(self.request.user, "view")).get(pk=pk)).data
        )

    def _data(self, partial: bool) -> dict:
        teams = WorkTeam.objects.for_user(self.request.user, "view")
        return _write_data(s.CadreWriteSerializer, self.request, partial=partial, teams=teams)

    @extend_schema(
        summary=_("新增帮扶干部"), request=s.CadreWriteSerializer, responses={201: s.CadreSerializer, **ERRORS}
    )
    def create(self, request, *args, **kwargs):
        data = self._data(False)
        region = _region(data, required=True)
        with service_errors():
            c = cadre_create(ctx=self.service_context(), region=region, data=data)
        response = self._detail(c.pk)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(
        summary=_("修改帮扶干部"), request=s.CadreWriteSerializer, responses={200: s.CadreSerializer, **ERRORS}
    )
    def partial_update(self, request, *args, **kwargs):
        c = self.get_object()
        data = self._data(True)
        region = _region(data, required=False)
        with service_errors():
            cadre_update(ctx=self.service_context(), cadre=c, data=data, region=region)
        return self._detail(c.pk)

    @extend_schema(
        summary=_("帮扶干部离任（须先移交结对农户）"),
        request=s.AssistEndSerializer,
        responses={200: s.CadreSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        c = self.get_object()
        ser = s.AssistEndSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        with service_errors():
            cadre_end(
                ctx=self.service_context(),
                cadre=c,
                on=ser.validated_data.get("ended_on"),
                reason=ser.validated_data.get("reason", ""),
            )
        return self._detail(c.pk)


@extend_schema(tags=["帮扶措施"])
@extend_schema_view(list=extend_schema(summary=_("措施项目（分类）")), retrieve=extend_schema(summary=_("措施项目")))
class MeasureItemViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """措施项目分类表（domain.md §5.2 与交换格式 5）。"""

    scoped_model = MeasureItem
    serializer_class = s.MeasureItemSerializer

    def refine_queryset(self, qs):
        return qs.order_by("category", "sort", "name")


@extend_schema(tags=["帮扶措施"])
@extend_schema_view(list=extend_schema(summary=_("帮扶项目列表")), retrieve=extend_schema(summary=_("帮扶项目")))
class ProjectViewSet(_ReadBase):
    """帮扶项目（产业、光伏、电商、乡村旅游等）。"""

    scoped_model = Project
    serializer_class = s.ProjectSerializer

    def refine_queryset(self, qs):
        return qs.select_related("region").prefetch_related("villages").order_by("name")

    def _villages(self, data: dict) -> None:
        if "villages" in data:
            data["villages"] = [region_by_code(code, "villages") for code in data["villages"]]

    def _detail(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        p = self.refine_queryset(Project.objects.for_user(self.request.user, "view")).get(pk=pk)
        return Response(s.ProjectSerializer(p).data, status=code)

    @extend_schema(
        summary=_("新增帮扶项目"), request=s.ProjectWriteSerializer, responses={201: s.ProjectSerializer, **ERRORS}
    )
    def create(self, request, *args, **kwargs):
        data = _write_data(s.ProjectWriteSerializer, request, partial=False)
        region = _region(data, required=True)
        self._villages(data)
        with service_errors():
            p = project_create(ctx=self.service_context(), region=region, data=data)
        return self._detail(p.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("修改帮扶项目"), request=s.ProjectWriteSerializer, responses={200: s.ProjectSerializer, **ERRORS}
    )
    def partial_update(self, request, *args, **kwargs):
        p = self.get_object()
        data = _write_data(s.ProjectWriteSerializer, request, partial=True)
        region = _region(data, required=False)
        self._villages(data)
        with service_errors():
            project_update(ctx=self.service_context(), project=p, data=data, region=region)
        return self._detail(p.pk)
