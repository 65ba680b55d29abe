"""Organisation pages: linked units, the leading group, work teams, cadres and projects.

The five kinds share one create, one edit and (where nothing else is shown) one list view,
configured by a `Kind`; only the lists and detail pages that show more keep their own view."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.db.models import Count, F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
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
from fupin.assistance.views.common import can_anywhere, needs, page_of, scoped_get, user_can
from fupin.assistance.views.edit import edit_page
from fupin.utils.masking import mask_phone

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class _Masked(TypedDict):
        """The masked phone the leading-group list shows instead of the number."""

        phone_masked: str

    GroupMemberRow = WithAnnotations[LeadingGroupMember, _Masked]

POST = require_http_methods(["GET", "POST"])


@dataclass(frozen=True)
class Kind:
    """One kind of organisation record, as its list, create and edit pages see it.

    `create(ctx, region, data)` and `update(ctx, obj, region, data)` adapt the kind's services
    (`region` is None where its form has no region field, e.g. when editing a group member)."""

    model: Any  # a model with a region-scoped manager (`objects.for_user`)
    codename: str
    form: Callable[..., Any]
    create: Callable[[Any, Any, dict[str, Any]], Any]
    update: Callable[[Any, Any, Any, dict[str, Any]], Any]
    new_title: str | Promise
    edit_title: str | Promise  # with {name}
    done: str | Promise
    list_url: str
    detail_url: str | None = None
    scoped_form: bool = True  # the form offers regions: it takes the user and the permission

    def perm(self, action: str) -> str:
        return f"assistance.{action}_{self.codename}"

    def url_of(self, obj: Any) -> str:
        return reverse(self.detail_url, args=[obj.pk]) if self.detail_url else reverse(self.list_url)


UNIT = Kind(
    model=LinkedUnit,
    codename="linkedunit",
    form=forms.LinkedUnitForm,
    create=lambda ctx, region, d: linked_unit_create(ctx=ctx, data=d),
    update=lambda ctx, obj, region, d: linked_unit_update(ctx=ctx, unit=obj, data=d),
    new_title=gettext_lazy("新增联点单位"),
    edit_title=gettext_lazy("修改联点单位 {name}"),
    done=gettext_lazy("已保存联点单位"),
    list_url="assistance:unit_list",
    scoped_form=False,
)
GROUP = Kind(
    model=LeadingGroupMember,
    codename="leadinggroupmember",
    form=forms.GroupMemberForm,
    create=lambda ctx, region, d: group_member_create(ctx=ctx, region=region, data=d),
    update=lambda ctx, obj, region, d: group_member_update(ctx=ctx, member=obj, data=d),
    new_title=gettext_lazy("新增领导小组成员"),
    edit_title=gettext_lazy("修改领导小组成员 {name}"),
    done=gettext_lazy("已保存领导小组成员"),
    list_url="assistance:group_list",
)
TEAM = Kind(
    model=WorkTeam,
    codename="workteam",
    form=forms.WorkTeamForm,
    create=lambda ctx, region, d: work_team_create(ctx=ctx, region=region, data=d),
    update=lambda ctx, obj, region, d: work_team_update(ctx=ctx, team=obj, data=d, region=region),
    new_title=gettext_lazy("新增驻村工作队"),
    edit_title=gettext_lazy("修改驻村工作队 {name}"),
    done=gettext_lazy("已保存驻村工作队"),
    list_url="assistance:team_list",
)
CADRE = Kind(
    model=Cadre,
    codename="cadre",
    form=forms.CadreForm,
    create=lambda ctx, region, d: cadre_create(ctx=ctx, region=region, data=d),
    update=lambda ctx, obj, region, d: cadre_update(ctx=ctx, cadre=obj, data=d, region=region),
    new_title=gettext_lazy("新增帮扶干部"),
    edit_title=gettext_lazy("修改帮扶干部 {name}"),
    done=gettext_lazy("已保存帮扶干部"),
    list_url="assistance:cadre_list",
    detail_url="assistance:cadre_detail",
)
PROJECT = Kind(
    model=Project,
    codename="project",
    form=forms.ProjectForm,
    create=lambda ctx, region, d: project_create(ctx=ctx, region=region, data=d),
    update=lambda ctx, obj, region, d: project_update(ctx=ctx, project=obj, data=d, region=region),
    new_title=gettext_lazy("新增帮扶项目"),
    edit_title=gettext_lazy("修改帮扶项目 {name}"),
    done=gettext_lazy("已保存帮扶项目"),
    list_url="assistance:project_list",
    detail_url="assistance:project_detail",
)


def _save(kind: Kind, obj: Any = None) -> Callable[[Any, dict[str, Any]], Any]:
    def save(ctx: Any, data: dict[str, Any]) -> Any:
        region = data.pop("region", None)
        return kind.create(ctx, region, data) if obj is None else kind.update(ctx, obj, region, data)

    return save


def _form_factory(kind: Kind, request: HttpRequest, perm: str, obj: Any = None) -> Callable[..., Any]:
    kw: dict[str, Any] = {} if obj is None else {"instance": obj}
    if kind.scoped_form:
        kw.update(user=request.user, perm=perm)
    return lambda *a: kind.form(*a, **kw)


def create_view(kind: Kind, name: str) -> Callable[[HttpRequest], HttpResponse]:
    """GET shows the empty form of `kind`; POST creates through its service and goes to the
    new record's page (or the list)."""
    perm = kind.perm("add")

    def view(request: HttpRequest) -> HttpResponse:
        return edit_page(
            request,
            form_factory=_form_factory(kind, request, perm),
            save=_save(kind),
            title=str(kind.new_title),
            back=reverse(kind.list_url),
            done=str(kind.done),
            success=kind.url_of if kind.detail_url else None,
        )

    view.__name__ = view.__qualname__ = name
    return needs(perm)(POST(view))


def edit_view(kind: Kind, name: str) -> Callable[[HttpRequest, int], HttpResponse]:
    """The form of one record of `kind` in the user's change scope (404 otherwise)."""
    perm = kind.perm("change")

    def view(request: HttpRequest, pk: int) -> HttpResponse:
        obj = scoped_get(kind.model.objects.for_user(request.user, "change"), pk=pk)
        back = kind.url_of(obj)
        return edit_page(
            request,
            form_factory=_form_factory(kind, request, perm, obj),
            save=_save(kind, obj),
            title=str(kind.edit_title).format(name=obj.name),
            back=back,
            done=str(kind.done),
        )

    view.__name__ = view.__qualname__ = name
    return needs(perm)(POST(view))


def list_view(
    kind: Kind, name: str, template: str, rows: Callable[[Any], Any]
) -> Callable[[HttpRequest], HttpResponse]:
    """A paged list of the records `rows(user)` returns, with the add button where allowed."""

    def view(request: HttpRequest) -> HttpResponse:
        return render(
            request,
            template,
            {
                "page": page_of(request, rows(request.user)),
                "can_add": can_anywhere(request.user, kind.perm("add")),
            },
        )

    view.__name__ = view.__qualname__ = name
    return needs(kind.perm("view"))(require_GET(view))


# Linked units -----------------------------------------------------------------------------

unit_list = list_view(UNIT, "unit_list", "assistance/unit_list.html", lambda user: sel.linked_unit_list(user=user))
unit_create = create_view(UNIT, "unit_create")
unit_edit = edit_view(UNIT, "unit_edit")


# Leading group ----------------------------------------------------------------------------


@needs("assistance.view_leadinggroupmember")
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    members = cast("list[GroupMemberRow]", list(sel.group_member_list(user=request.user)))
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


group_create = create_view(GROUP, "group_create")
group_edit = edit_view(GROUP, "group_edit")


# Work teams -------------------------------------------------------------------------------


team_list = list_view(TEAM, "team_list", "assistance/team_list.html", lambda user: sel.work_team_list(user=user))
team_create = create_view(TEAM, "team_create")
team_edit = edit_view(TEAM, "team_edit")


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


cadre_create_view = create_view(CADRE, "cadre_create_view")
cadre_edit = edit_view(CADRE, "cadre_edit")


# Projects ---------------------------------------------------------------------------------


def _projects(user: Any) -> Any:
    return (
        Project.objects.for_user(user, "view")
        .select_related("region")
        .annotate(households=Count("measures__household", distinct=True))
        .order_by("name")
    )


project_list = list_view(PROJECT, "project_list", "assistance/project_list.html", _projects)


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


project_create_view = create_view(PROJECT, "project_create_view")
project_edit = edit_view(PROJECT, "project_edit")
