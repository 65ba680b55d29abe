"""Registry API: households, members and yearly facts. Reads come from scoped querysets;
every write goes through the registry services with an API change-log context."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from fupin.accounts.scoping import user_can
from fupin.core.api.errors import raised_in_module, service_errors, validation_detail
from fupin.core.api.mixins import ScopedViewSetMixin
from fupin.registry.api.filtersets import HouseholdFilterSet, MemberFilterSet, region_by_code
from fupin.registry.api.serializers import (
    HouseholdCloseSerializer,
    HouseholdCreateSerializer,
    HouseholdListSerializer,
    HouseholdSerializer,
    HouseholdWriteSerializer,
    HouseholdYearSerializer,
    HouseholdYearWriteSerializer,
    MemberAddSerializer,
    MemberEndSerializer,
    MemberSerializer,
    MemberWriteSerializer,
)
from fupin.registry.choices import Relation
from fupin.registry.models import Household, HouseholdStatusEvent, HouseholdYear, Member
from fupin.registry.services import (
    household_close,
    household_create,
    household_update,
    household_year_save,
    member_add,
    member_end,
    member_update,
)

SENSITIVE = "registry.view_sensitive_household"
WRITE_METHODS = ["get", "post", "put", "patch", "head", "options"]  # no DELETE: a household is closed, a member ended
YEAR_PARAM = OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH, description=_("年度，如 2019"))
ERRORS = {
    400: OpenApiResponse(description=_("字段错误：{字段: [原因]}")),
    404: OpenApiResponse(description=_("不存在或不在授权范围内")),
    409: OpenApiResponse(description=_("业务规则拒绝（如已注销）")),
}


def with_list_columns(qs):
    """The head's name and ID and the household size as columns: a page costs one query."""
    head = Member.objects.filter(household=OuterRef("pk"), relation=Relation.HEAD, ended_on__isnull=True)
    return (
        qs.select_related("region")
        .annotate(
            head_name=Subquery(head.values("name")[:1]),
            head_id_number=Subquery(head.values("id_number")[:1]),
            size=Count("members", filter=Q(members__ended_on__isnull=True)),
        )
        .order_by("code")
    )


def with_detail_relations(qs):
    return qs.select_related("region").prefetch_related(
        Prefetch(
            "members",
            queryset=Member.objects.select_related("household").order_by("ended_on", "relation", "birth_date"),
        ),
        Prefetch("years", queryset=HouseholdYear.objects.order_by("-year")),
        Prefetch("status_events", queryset=HouseholdStatusEvent.objects.order_by("-on", "-id")),
    )


@extend_schema(tags=["农户"])
@extend_schema_view(
    list=extend_schema(
        summary=_("农户列表"), description=_("授权范围内的农户；证件号码和电话已遮蔽。默认不含已注销的农户。")
    ),
    retrieve=extend_schema(
        summary=_("农户详情"),
        description=_("含成员、年度信息和状态历史；有“查看完整信息”权限时证件号码、电话和银行账号不遮蔽。"),
    ),
)
class HouseholdViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """农户：列表、详情、新建（含户主）、修改、注销（不能删除）、添加成员、年度信息。"""

    scoped_model = Household
    scope_actions = {"close": "close", "members": "registry.add_member", "year": "registry.change_householdyear"}
    filterset_class = HouseholdFilterSet
    http_method_names = WRITE_METHODS

    def get_serializer_class(self):
        return HouseholdListSerializer if self.action == "list" else HouseholdSerializer

    def refine_queryset(self, qs):
        if self.action == "list":
            return with_list_columns(qs)
        if self.action == "retrieve":
            return with_detail_relations(qs)
        return qs.select_related("region")

    def _respond(self, h: Household, *, code: int = status.HTTP_200_OK) -> Response:
        sensitive = user_can(self.request.user, SENSITIVE, h.region)
        data = HouseholdSerializer(h, context={**self.get_serializer_context(), "sensitive": sensitive}).data
        return Response(data, status=code)

    def _detail(self, pk: int, *, code: int = status.HTTP_200_OK) -> Response:
        """The household as the user now sees it, after a write."""
        return self._respond(with_detail_relations(self.scoped("view")).get(pk=pk), code=code)

    def retrieve(self, request, *args, **kwargs):
        return self._respond(self.get_object())

    @extend_schema(
        summary=_("新建农户（含户主）"),
        request=HouseholdCreateSerializer,
        responses={201: HouseholdSerializer, **ERRORS},
    )
    def create(self, request, *args, **kwargs):
        s = HouseholdCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        code, head, region = data.pop("code"), dict(data.pop("head")), region_by_code(data.pop("region"), "region")
        try:
            h = household_create(ctx=self.service_context(), code=code, region=region, data=data, head=head)
        except DjangoValidationError as exc:
            # The head's errors use member field names (some shared with the household's,
            # such as phone): report them under "head", where the client sent them.
            nest = "head" if raised_in_module(exc, "fupin.registry.services.members") else None
            raise ValidationError(validation_detail(exc, nest=nest)) from exc
        return self._detail(h.pk, code=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("修改农户"), request=HouseholdWriteSerializer, responses={200: HouseholdSerializer, **ERRORS}
    )
    def partial_update(self, request, *args, **kwargs):
        h = self.get_object()
        s = HouseholdWriteSerializer(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        region = region_by_code(data.pop("region"), "region") if "region" in data else None
        with service_errors():
            household_update(ctx=self.service_context(), household=h, data=data, region=region)
        return self._detail(h.pk)

    @extend_schema(
        summary=_("注销农户"), request=HouseholdCloseSerializer, responses={200: HouseholdSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        h = self.get_object()
        s = HouseholdCloseSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        with service_errors():
            household_close(
                ctx=self.service_context(reason=d["note"]), household=h, reason=d["close_reason"], on=d.get("closed_on")
            )
        return self._detail(h.pk)

    @extend_schema(summary=_("添加家庭成员"), request=MemberAddSerializer, responses={201: MemberSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="members")
    def members(self, request, pk=None):
        h = self.get_object()
        s = MemberAddSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        reason, on = data.pop("join_reason"), data.pop("joined_on", None)
        with service_errors():
            m = member_add(ctx=self.service_context(), household=h, data=data, reason=reason, on=on)
        context = {**self.get_serializer_context(), "sensitive": user_can(request.user, SENSITIVE, h.region)}
        m = Member.objects.select_related("household").get(pk=m.pk)
        return Response(MemberSerializer(m, context=context).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary=_("年度信息"),
        parameters=[YEAR_PARAM],
        responses={200: HouseholdYearSerializer, 404: ERRORS[404]},
    )
    @extend_schema(
        methods=["PUT"],
        summary=_("保存年度信息"),
        parameters=[YEAR_PARAM],
        request=HouseholdYearWriteSerializer,
        responses={200: HouseholdYearSerializer, 201: HouseholdYearSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get", "put"], url_path=r"years/(?P<year>20[0-9]{2})", url_name="year")
    def year(self, request, pk=None, year=None):
        h = self.get_object()
        year = int(year)
        existing = HouseholdYear.objects.for_user(request.user, "view").filter(household=h, year=year).first()
        if request.method == "GET":
            if existing is None:
                raise NotFound(gettext("户 {code} 没有 {year} 年度信息").format(code=h.code, year=year))
            return Response(HouseholdYearSerializer(existing).data)
        s = HouseholdYearWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        with service_errors():
            y = household_year_save(ctx=self.service_context(), household=h, year=year, data=dict(s.validated_data))
        code = status.HTTP_200_OK if existing is not None else status.HTTP_201_CREATED
        return Response(HouseholdYearSerializer(y).data, status=code)


@extend_schema(tags=["家庭成员"])
@extend_schema_view(
    list=extend_schema(
        summary=_("成员列表"), description=_("授权范围内的家庭成员（含已减少的）；证件号码和电话已遮蔽。")
    ),
    retrieve=extend_schema(summary=_("成员详情")),
)
class MemberViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """家庭成员：列表、详情、修改、减少（不能删除）。新增成员见 POST /households/{id}/members/。"""

    scoped_model = Member
    serializer_class = MemberSerializer
    filterset_class = MemberFilterSet
    http_method_names = WRITE_METHODS

    def refine_queryset(self, qs):
        return qs.select_related("household__region")

    def _respond(self, m: Member) -> Response:
        sensitive = user_can(self.request.user, SENSITIVE, m.household.region)
        return Response(MemberSerializer(m, context={**self.get_serializer_context(), "sensitive": sensitive}).data)

    def _detail(self, pk: int) -> Response:
        """The member as the user now sees it, after a write."""
        return self._respond(self.scoped("view").select_related("household__region").get(pk=pk))

    def retrieve(self, request, *args, **kwargs):
        return self._respond(self.get_object())

    @extend_schema(summary=_("修改成员"), request=MemberWriteSerializer, responses={200: MemberSerializer, **ERRORS})
    def partial_update(self, request, *args, **kwargs):
        m = self.get_object()
        s = MemberWriteSerializer(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        with service_errors():
            member_update(ctx=self.service_context(), member=m, data=dict(s.validated_data))
        return self._detail(m.pk)

    @extend_schema(
        summary=_("成员减少（死亡、嫁出等）"), request=MemberEndSerializer, responses={200: MemberSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        m = self.get_object()
        s = MemberEndSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        new_head = None
        if d.get("new_head") is not None:
            # Resolved in the user's scope; the service checks it belongs to the same household.
            new_head = self.scoped("change").filter(pk=d["new_head"]).first()
        with service_errors():
            member_end(
                ctx=self.service_context(reason=d["note"]),
                member=m,
                reason=d["end_reason"],
                on=d.get("ended_on"),
                new_head=new_head,
            )
        return self._detail(m.pk)
