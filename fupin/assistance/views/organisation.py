"""Organisation pages: linked units, the leading group, work teams, cadres and projects."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fupin.assistance import forms
from fupin.assistance.models import Cadre, LeadingGroupMember, LinkedUnit, Measure, Project, WorkTeam
from fupin.assistance.selectors import organisation as sel
from fupin.assistance.services import (
    cadre_create,
    cadre_update,
    group_member_create,
    group_member_update,
    linked_unit_create,
    linked_unit_update,
    work_team_create,
    work_team_update,
)
from fupin.assistance.services.projects import project_create, project_update
from fupin.assistance.views.common import can_anywhere, needs, page_of, scoped_get
from fupin.assistance.views.edit import edit_page
from fupin.utils.masking import mask_phone

POST = require_http_methods(["GET", "POST"])


def _split(data: dict[str, Any], *names: str) -> tuple[dict[str, Any], ...]:
    return tuple(data.pop(n, None) for n in names)


# Linked units -----------------------------------------------------------------------------


@needs("assistance.view_linkedunit")
@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assistance/unit_list.html",
        {
            "page": page_of(request, sel.linked_unit_list(user=request.user)),
            "can_add": can_anywhere(request.user, "assistance.add_linkedunit"),
        },
    )


@needs("assistance.add_linkedunit")
@POST
def unit_create(request: HttpRequest) -> HttpResponse:
    return edit_page(
        request,
        form_factory=forms.LinkedUnitForm,
        save=lambda ctx, d: linked_unit_create(ctx=ctx, data=d),
        title=_("新增联点单位"),
        back=reverse("assistance:unit_list"),
        done=_("已保存联点单位"),
    )


@needs("assistance.change_linkedunit")
@POST
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = scoped_get(LinkedUnit.objects.for_user(request.user, "change"), pk=pk)
    return edit_page(
        request,
        form_factory=lambda *a: forms.LinkedUnitForm(*a, instance=unit),
        save=lambda ctx, d: linked_unit_update(ctx=ctx, unit=unit, data=d),
        title=_("修改联点单位 {name}").format(name=unit.name),
        back=reverse("assistance:unit_list"),
        done=_("已保存联点单位"),
    )


# Leading group ----------------------------------------------------------------------------


@needs("assistance.view_leadinggroupmember")
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    members = list(sel.group_member_list(user=request.user))
    for m in members:
        m.phone_masked = mask_phone(m.phone)
    return render(
        request,
        "assistance/group_list.html",
        {
            "members": members,
            "can_add": can_anywhere(request.user, "assistance.add_leadinggroupmember"),
            "can_change": can_anywhere(request.user, "assistance.change_leadinggroupmember"),
        },
    )


@needs("assistance.add_leadinggroupmember")
@POST
def group_create(request: HttpRequest) -> HttpResponse:
    perm = "assistance.add_leadinggroupmember"

    def save(ctx, d):
        (region,) = _split(d, "region")
        return group_member_create(ctx=ctx, region=region, data=d)

    return edit_page(
        request,
        form_factory=lambda *a: forms.GroupMemberForm(*a, user=request.user, perm=perm),
        save=save,
        title=_("新增领导小组成员"),
        back=reverse("assistance:group_list"),
        done=_("已保存领导小组成员"),
    )


@needs("assistance.change_leadinggroupmember")
@POST
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    perm = "assistance.change_leadinggroupmember"
    member = scoped_get(LeadingGroupMember.objects.for_user(request.user, "change"), pk=pk)
    return edit_page(
        request,
        form_factory=lambda *a: forms.GroupMemberForm(*a, instance=member, user=request.user, perm=perm),
        save=lambda ctx, d: group_member_update(ctx=ctx, member=member, data=d),
        title=_("修改领导小组成员 {name}").format(name=member.name),
        back=reverse("assistance:group_list"),
        done=_("已保存领导小组成员"),
    )


# Work teams -------------------------------------------------------------------------------


@needs("assistance.view_workteam")
@require_GET
def team_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assistance/team_list.html",
        {
            "page": page_of(request, sel.work_team_list(user=request.user)),
            "can_add": can_anywhere(request.user, "assistance.add_workteam"),
        },
    )


@needs("assistance.add_workteam")
@POST
def team_create(request: HttpRequest) -> HttpResponse:
    perm = "assistance.add_workteam"

    def save(ctx, d):
        (region,) = _split(d, "region")
        return work_team_create(ctx=ctx, region=region, data=d)

    return edit_page(
        request,
        form_factory=lambda *a: forms.WorkTeamForm(*a, user=request.user, perm=perm),
        save=save,
        title=_("新增驻村工作队"),
        back=reverse("assistance:team_list"),
        done=_("已保存驻村工作队"),
    )


@needs("assistance.change_workteam")
@POST
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    perm = "assistance.change_workteam"
    team = scoped_get(WorkTeam.objects.for_user(request.user, "change"), pk=pk)

    def save(ctx, d):
        (region,) = _split(d, "region")
        return work_team_update(ctx=ctx, team=team, data=d, region=region)

    return edit_page(
        request,
        form_factory=lambda *a: forms.WorkTeamForm(*a, instance=team, user=request.user, perm=perm),
        save=save,
        title=_("修改驻村工作队 {name}").format(name=team.name),
        back=reverse("assistance:team_list"),
        done=_("已保存驻村工作队"),
    )


# Cadres -----------------------------------------------------------------------------------


@needs("assistance.view_cadre")
@require_GET
def cadre_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:50]
    page = page_of(request, sel.cadre_list(user=request.user, q=q))
    for c in page.object_list:
        c.phone_masked = mask_phone(c.phone)
    return render(
        request,
        "assistance/cadre_list.html",
        {
            "page": page,
            "q": q,
            "query": f"q={q}" if q else "",
            "can_add": can_anywhere(request.user, "assistance.add_cadre"),
        },
    )


@needs("assistance.view_cadre")
@require_GET
def cadre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = scoped_get(Cadre.objects.for_user(request.user, "view").select_related("unit", "team", "region"), pk=pk)
    pairings = cadre.pairings.select_related("household__region").order_by(
        F("ended_on").asc(nulls_first=True), "-started_on", "-pk"
    )
    from fupin.accounts.scoping import user_can

    return render(
        request,
        "assistance/cadre_detail.html",
        {
            "cadre": cadre,
            "pairings": pairings,
            "phone": cadre.phone
            if user_can(request.user, "assistance.change_cadre", cadre.region)
            else mask_phone(cadre.phone),
            "can_change": user_can(request.user, "assistance.change_cadre", cadre.region),
        },
    )


@needs("assistance.add_cadre")
@POST
def cadre_create_view(request: HttpRequest) -> HttpResponse:
    perm = "assistance.add_cadre"

    def save(ctx, d):
        (region,) = _split(d, "region")
        return cadre_create(ctx=ctx, region=region, data=d)

    return edit_page(
        request,
        form_factory=lambda *a: forms.CadreForm(*a, user=request.user, perm=perm),
        save=save,
        title=_("新增帮扶干部"),
        back=reverse("assistance:cadre_list"),
        done=_("已保存帮扶干部"),
        success=lambda c: reverse("assistance:cadre_detail", args=[c.pk]),
    )


@needs("assistance.change_cadre")
@POST
def cadre_edit(request: HttpRequest, pk: int) -> HttpResponse:
    perm = "assistance.change_cadre"
    cadre = scoped_get(Cadre.objects.for_user(request.user, "change"), pk=pk)

    def save(ctx, d):
        (region,) = _split(d, "region")
        return cadre_update(ctx=ctx, cadre=cadre, data=d, region=region)

    return edit_page(
        request,
        form_factory=lambda *a: forms.CadreForm(*a, instance=cadre, user=request.user, perm=perm),
        save=save,
        title=_("修改帮扶干部 {name}").format(name=cadre.name),
        back=reverse("assistance:cadre_detail", args=[cadre.pk]),
        done=_("已保存帮扶干部"),
    )


# Projects ---------------------------------------------------------------------------------


@needs("assistance.view_project")
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    from django.db.models import Count

    qs = (
        Project.objects.for_user(request.user, "view")
        .select_related("region")
        .annotate(households=Count("measures__household", distinct=True))
        .order_by("name")
    )
    return render(
        request,
        "assistance/project_list.html",
        {"page": page_of(request, qs), "can_add": can_anywhere(request.user, "assistance.add_project")},
    )


@needs("assistance.view_project")
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = scoped_get(Project.objects.for_user(request.user, "view").select_related("region"), pk=pk)
    # Covered households are those of the project's measures, limited to what the reader may see.
    measures = (
        Measure.objects.for_user(request.user, "view")
        .filter(project=project)
        .select_related("household__region", "item")
        .order_by("household__code", "-year")
    )
    from fupin.accounts.scoping import user_can

    return render(
        request,
        "assistance/project_detail.html",
        {
            "project": project,
            "villages": project.villages.order_by("path"),
            "page": page_of(request, measures),
            "can_change": user_can(request.user, "assistance.change_project", project.region),
        },
    )


@needs("assistance.add_project")
@POST
def project_create_view(request: HttpRequest) -> HttpResponse:
    perm = "assistance.add_project"

    def save(ctx, d):
        (region,) = _split(d, "region")
        return project_create(ctx=ctx, region=region, data=d)

    return edit_page(
        request,
        form_factory=lambda *a: forms.ProjectForm(*a, user=request.user, perm=perm),
        save=save,
        title=_("新增帮扶项目"),
        back=reverse("assistance:project_list"),
        done=_("已保存帮扶项目"),
        success=lambda p: reverse("assistance:project_detail", args=[p.pk]),
    )


@needs("assistance.change_project")
@POST
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    perm = "assistance.change_project"
    project = scoped_get(Project.objects.for_user(request.user, "change"), pk=pk)

    def save(ctx, d):
        (region,) = _split(d, "region")
        return project_update(ctx=ctx, project=project, data=d, region=region)

    return edit_page(
        request,
        form_factory=lambda *a: forms.ProjectForm(*a, instance=project, user=request.user, perm=perm),
        save=save,
        title=_("修改帮扶项目 {name}").format(name=project.name),
        back=reverse("assistance:project_detail", args=[project.pk]),
        done=_("已保存帮扶项目"),
    )
