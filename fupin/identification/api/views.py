"""Identification API: policy versions, assessments, applications (with their steps),
findings, department lists and re-checks. Reads come from scoped querysets; writes go
through the services with an API change-log context; out of scope answers 404."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from fupin.accounts.scoping import regions_for_user, user_can
from fupin.core.api.errors import service_errors, validation_detail
from fupin.core.api.mixins import API_AUTHENTICATION, ScopedViewSetMixin
from fupin.core.api.permissions import IsAuthenticatedActive
from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource
from fupin.core.errors import ApplicationError
from fupin.core.jobs import job_enqueue
from fupin.identification.api import serializers as s
from fupin.identification.choices import Step
from fupin.identification.lists import ListProblem, read_list
from fupin.identification.models import Application, Assessment, ComparisonList, Finding, PolicyVersion, Recheck
from fupin.identification.selectors.workflow import holds, recheck_list, recheck_summaries
from fupin.identification.services import applications as svc
from fupin.identification.services.assessments import assessment_run
from fupin.identification.services.comparison import list_kind_parse
from fupin.identification.services.findings import finding_decide
from fupin.identification.services.policy import policy_version_create
from fupin.identification.services.recheck import recheck_start
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.registry.models import Household, Member

ERRORS = {
    400: OpenApiResponse(description="字段错误：{字段: [原因]}"),
    404: OpenApiResponse(description="不存在或不在授权范围内"),
    409: OpenApiResponse(description="业务规则拒绝（如提出人不能审核、公示期未满）"),
}
READ_ONLY = ["get", "head", "options"]
WRITE = ["get", "post", "head", "options"]


def api_context(request: Any, *, reason: str = "") -> Context:
    return Context(actor=request.user, source=ChangeSource.API, reason=reason)


def _require(request: Any, perm: str) -> None:
    if not holds(request.user, perm):
        raise NotFound


@extend_schema(tags=["政策参数"])
@extend_schema_view(
    list=extend_schema(summary="政策参数版本（含已替代的历史版本）"), retrieve=extend_schema(summary="政策参数版本")
)
class PolicyVersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """按年度和区域的扶贫标准、兜底标准、监测线和识别条件。修改即新增版本。"""

    serializer_class = s.PolicyVersionSerializer
    authentication_classes = API_AUTHENTICATION
    permission_classes = [IsAuthenticatedActive]
    http_method_names = WRITE

    def get_queryset(self):
        # Policy rows are not region-owned (the national default applies everywhere): readers
        # need the view permission somewhere.
        _require(self.request, "identification.view_policyversion")
        return PolicyVersion.objects.order_by("-year", "region_id", "-id")

    @extend_schema(
        summary="新增政策参数版本",
        request=s.PolicyVersionWriteSerializer,
        responses={201: s.PolicyVersionSerializer, **ERRORS},
    )
    def create(self, request, *args, **kwargs):
        _require(request, "identification.edit_policy")
        ser = s.PolicyVersionWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        region = None
        if code := d.pop("region_code", None):
            region = Region.objects.filter(code=code).first()
            if region is None:
                raise ValidationError({"region_code": [_("区划代码 {code} 不存在").format(code=code)]})
        supersedes = None
        if pk := d.pop("supersedes", None):
            supersedes = PolicyVersion.objects.filter(pk=pk).first()
            if supersedes is None:
                raise ValidationError({"supersedes": [_("版本 {pk} 不存在").format(pk=pk)]})
        year, effective_from = d.pop("year"), d.pop("effective_from")
        with service_errors():
            v = policy_version_create(
                ctx=api_context(request),
                year=year,
                region=region,
                effective_from=effective_from,
                data=d,
                supersedes=supersedes,
            )
        return Response(s.PolicyVersionSerializer(v).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["识别评估"])
@extend_schema_view(list=extend_schema(summary="识别评估"), retrieve=extend_schema(summary="识别评估（含逐项说明）"))
class AssessmentViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """每次评估保存输入、所用政策版本、逐项结果和结论；`explanation` 是一句话说明。"""

    scoped_model = Assessment
    serializer_class = s.AssessmentSerializer
    http_method_names = WRITE

    def refine_queryset(self, qs):
        qs = qs.select_related("policy").order_by("-created", "-id")
        if household := self.request.query_params.get("household"):
            qs = qs.filter(household_id=household) if household.isdigit() else qs.none()
        return qs

    @extend_schema(
        summary="按当年政策评估一户",
        request=s.AssessmentRunSerializer,
        responses={201: s.AssessmentSerializer, **ERRORS},
    )
    @action(detail=False, methods=["post"])
    def run(self, request):
        ser = s.AssessmentRunSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        h = Household.objects.for_user(request.user, "view").filter(pk=ser.validated_data["household"]).first()
        if h is None:
            raise NotFound
        with service_errors():
            a = assessment_run(ctx=api_context(request), household=h, year=ser.validated_data["year"])
        return Response(s.AssessmentSerializer(a).data, status=status.HTTP_201_CREATED)


def _call_step(ctx: Context, app: Application, d: dict[str, Any]) -> Application:
    step = app.step
    needs: dict[str, tuple[str, ...]] = {
        Step.APPLIED: ("meeting_date", "representatives", "present", "votes_for", "votes_against"),
        Step.VILLAGE_NOTICE: ("passed",),
        Step.TOWNSHIP_NOTICE: ("passed",),
        Step.TOWNSHIP_REVIEW: ("passed",),
        Step.DISTRICT_APPROVAL: ("passed",),
    }
    need = needs.get(step, ())
    missing = {name: [_("该环节必须填写")] for name in need if d.get(name) is None}
    if missing:
        raise ValidationError(missing)
    comment = d.get("comment", "")
    if step == Step.CANDIDATE:
        data: dict[str, Any] = {k: d[k] for k in ("attribute", "main_cause", "standard", "year") if k in d}
        data["other_causes"] = ",".join(d.get("other_causes") or [])
        data["comment"] = comment
        return svc.application_submit(ctx=ctx, application=app, data=data)
    if step == Step.APPLIED:
        return svc.appraisal_record(
            ctx=ctx, application=app, comment=comment, notice_from=d.get("notice_from"), **{k: d[k] for k in need}
        )
    if step in (Step.VILLAGE_NOTICE, Step.TOWNSHIP_NOTICE):
        return svc.notice_close(ctx=ctx, application=app, passed=d["passed"], comment=comment)
    if step == Step.TOWNSHIP_REVIEW:
        return svc.township_review(
            ctx=ctx, application=app, passed=d["passed"], comment=comment, notice_from=d.get("notice_from")
        )
    if step == Step.DISTRICT_APPROVAL:
        return svc.district_approve(ctx=ctx, application=app, passed=d["passed"], comment=comment)
    if step == Step.ANNOUNCEMENT:
        return svc.application_announce(ctx=ctx, application=app, announced_on=d.get("announced_on"), comment=comment)
    raise ApplicationError(_("申请已办结"))


@extend_schema(tags=["识别与清退申请"])
@extend_schema_view(
    list=extend_schema(summary="申请列表（按授权范围）"), retrieve=extend_schema(summary="申请详情（含办理记录和异议）")
)
class ApplicationViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """两公示一公告：申请 → 村民主评议 → 村公示 → 乡镇审核 → 乡镇审核后公示 → 县(区)审批 → 公告。
    提出人不能办理后续环节（409）。"""

    scoped_model = Application
    http_method_names = WRITE
    # Step permissions depend on the step and are checked by the services (→ 404/409).
    scope_actions = {"step": "view", "objection": "view", "withdraw": "view"}

    def get_serializer_class(self):
        return s.ApplicationListSerializer if self.action == "list" else s.ApplicationSerializer

    def refine_queryset(self, qs):
        qs = qs.select_related("household__region").order_by("-created", "-id")
        if self.action == "retrieve":
            qs = qs.prefetch_related("decisions", "objections")
        if step := self.request.query_params.get("step"):
            qs = qs.filter(step=step)
        return qs

    def _detail(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        app = self.scoped("view").prefetch_related("decisions", "objections").get(pk=pk)
        return Response(s.ApplicationSerializer(app).data, status=code)

    @extend_schema(
        summary="提出识别或清退申请",
        request=s.ApplicationCreateSerializer,
        responses={201: s.ApplicationSerializer, **ERRORS},
    )
    def create(self, request, *args, **kwargs):
        ser = s.ApplicationCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        h = Household.objects.for_user(request.user, "view").filter(pk=d.pop("household")).first()
        if h is None:
            raise NotFound
        d["other_causes"] = ",".join(d.get("other_causes") or [])
        with service_errors():
            app = svc.application_propose(ctx=api_context(request), household=h, kind=d["kind"], year=d["year"], data=d)
        return self._detail(app.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="办理当前环节",
        request=s.ApplicationStepSerializer,
        description="候选：attribute, main_cause；申请：meeting_date, representatives, present, votes_for, "
        "votes_against, notice_from；公示：passed；乡镇审核：passed, notice_from；"
        "县(区)审批：passed；公告：announced_on。不通过须填 comment。",
        responses={200: s.ApplicationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def step(self, request, pk=None):
        app = self.get_object()
        ser = s.ApplicationStepSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        with service_errors():
            _call_step(api_context(request), app, dict(ser.validated_data))
        return self._detail(app.pk)

    @extend_schema(
        summary="登记或答复公示异议",
        request=s.ObjectionInputSerializer,
        responses={200: s.ApplicationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def objection(self, request, pk=None):
        app = self.get_object()
        ser = s.ObjectionInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        ctx = api_context(request)
        with service_errors():
            if d.get("objection"):
                o = app.objections.filter(pk=d["objection"]).first()
                if o is None:
                    raise NotFound
                if d.get("upheld") is None or not d.get("answer"):
                    raise ValidationError({"answer": [_("答复须填写 upheld 和 answer")]})
                svc.objection_answer(ctx=ctx, objection=o, upheld=d["upheld"], answer=d["answer"])
            else:
                if not d.get("content"):
                    raise ValidationError({"content": [_("请填写异议内容")]})
                svc.objection_record(
                    ctx=ctx,
                    application=app,
                    content=d["content"],
                    raised_by_name=d.get("raised_by_name", ""),
                    raised_on=d.get("raised_on"),
                )
        return self._detail(app.pk)

    @extend_schema(
        summary="撤回申请（或不予申请候选）",
        request=s.ReasonSerializer,
        responses={200: s.ApplicationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        app = self.get_object()
        ser = s.ReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        with service_errors():
            svc.application_withdraw(ctx=api_context(request), application=app, reason=ser.validated_data["reason"])
        return self._detail(app.pk)


@extend_schema(tags=["核查线索"])
@extend_schema_view(list=extend_schema(summary="核查线索（乡镇核查队列）"), retrieve=extend_schema(summary="核查线索"))
class FindingViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """比对命中、重复人员和识别条件不符。线索本身不改变农户信息；乡镇核实后处理。"""

    scoped_model = Finding
    serializer_class = s.FindingSerializer
    http_method_names = WRITE
    scope_actions = {"decide": "identification.decide_finding"}

    def refine_queryset(self, qs):
        qs = qs.select_related("member", "row", "household__region").order_by("-created", "-id")
        if st := self.request.query_params.get("status"):
            qs = qs.filter(status=st)
        return qs

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "sensitive": False}

    def retrieve(self, request, *args, **kwargs):
        f = self.get_object()
        ctx = {"sensitive": user_can(request.user, "registry.view_sensitive_household", f.region)}
        return Response(s.FindingSerializer(f, context=ctx).data)

    @extend_schema(
        summary="记录核实结论", request=s.FindingDecideSerializer, responses={200: s.FindingSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        f = self.get_object()
        ser = s.FindingDecideSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        members = {
            m.pk: m for m in Member.objects.filter(pk__in=[x for x in (d.get("end_member"), d.get("new_head")) if x])
        }
        # A member id that names nobody is an error, not an omission.
        unknown = {
            name: [_("成员 {pk} 不存在").format(pk=d[name])]
            for name in ("end_member", "new_head")
            if d.get(name) and d[name] not in members
        }
        if unknown:
            raise ValidationError(unknown)
        with service_errors():
            f = finding_decide(
                ctx=api_context(request),
                finding=f,
                confirmed=d["confirmed"],
                note=d["note"],
                end_member=members.get(d.get("end_member")),
                new_head=members.get(d.get("new_head")),
            )
        return Response(s.FindingSerializer(f, context={"sensitive": False}).data)


def _accepted(job: Any, detail: str) -> Response:
    return Response({"job": str(job.pk), "detail": detail}, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["部门名单比对"])
@extend_schema_view(list=extend_schema(summary="已上传的比对名单"), retrieve=extend_schema(summary="比对名单与结果"))
class ComparisonViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """版式 6 部门名单：按证件号码与农户库比对（后台任务）。"""

    scoped_model = ComparisonList
    serializer_class = s.ComparisonListSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    http_method_names = WRITE

    def refine_queryset(self, qs):
        return qs.order_by("-created", "-id")

    @extend_schema(
        summary="上传名单并在后台比对",
        request={"multipart/form-data": s.ComparisonUploadSerializer},
        responses={202: s.JobAcceptedSerializer, **ERRORS},
    )
    def create(self, request, *args, **kwargs):
        _require(request, "identification.add_comparisonlist")
        ser = s.ComparisonUploadSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        try:
            kind, name = list_kind_parse(d["kind"], d.get("kind_name", ""))
        except DjangoValidationError as exc:
            raise ValidationError(validation_detail(exc)) from exc
        regions = (
            regions_for_user(request.user, "identification.add_comparisonlist")
            .filter(level__lte=RegionLevel.TOWNSHIP)
            .order_by("path")
        )
        region = regions.filter(code=d["region_code"]).first() if d.get("region_code") else regions.first()
        if region is None:
            raise ValidationError({"region_code": [_("请填写授权范围内的比对范围代码")]})
        upload = d["file"]
        with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix.lower()) as tmp:
            for chunk in upload.chunks():
                tmp.write(chunk)
            tmp.flush()
            try:
                data = read_list(Path(tmp.name), file_name=upload.name)
            except ListProblem as exc:
                raise ValidationError({"file": [exc.message]}) from exc
        if data.rows_valid == 0:
            raise ValidationError({"file": [data.none_valid_message()]})
        upload.seek(0)
        job = job_enqueue(
            kind="compare",
            actor=request.user,
            input_file=upload,
            params={"file_name": upload.name, "region_id": region.pk, "kind": kind, "kind_name": name},
        )
        return _accepted(job, _("已上传，正在后台比对"))


@extend_schema(tags=["回头看"])
@extend_schema_view(list=extend_schema(summary="回头看记录"), retrieve=extend_schema(summary="回头看结果（按乡镇）"))
class RecheckViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """对全部建档立卡户重新评估、重新比对全部名单、检查重复人员（后台任务）。"""

    scoped_model = Recheck
    serializer_class = s.RecheckSerializer
    http_method_names = WRITE

    def get_queryset(self):
        if self.scope_action() != "view":
            return super().get_queryset()
        # As the pages: the campaigns run within the user's scope and those run over a larger
        # region that covers it (a district campaign is the township's too) ...
        return recheck_list(user=self.request.user).order_by("-created", "-id")

    def _data(self, rechecks: list[Recheck]) -> Any:
        # ... each shown with only the township rows the user may see (`recheck_summaries`).
        summaries = recheck_summaries(user=self.request.user, rechecks=rechecks)
        context = {**self.get_serializer_context(), "summaries": summaries}
        return s.RecheckSerializer(rechecks, many=True, context=context).data

    def list(self, request, *args, **kwargs):
        qs = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(qs)
        if page is None:
            return Response(self._data(list(qs)))
        return self.get_paginated_response(self._data(list(page)))

    def retrieve(self, request, *args, **kwargs):
        return Response(self._data([self.get_object()])[0])

    @extend_schema(
        summary="发起回头看", request=s.RecheckStartSerializer, responses={202: s.JobAcceptedSerializer, **ERRORS}
    )
    def create(self, request, *args, **kwargs):
        _require(request, "identification.run_recheck")
        ser = s.RecheckStartSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        with service_errors():
            r = recheck_start(ctx=api_context(request), year=ser.validated_data.get("year"))
        return _accepted(r.job, _("回头看 #{pk} 已开始").format(pk=r.pk))
