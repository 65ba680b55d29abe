"""Visit pages: the phone-first visit form, the list, one visit, its photos, overdue lists."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fupin.assistance import forms
from fupin.assistance.models import Cadre, Visit, VisitPhoto
from fupin.assistance.policy import visit_policy
from fupin.assistance.selectors import visits as sel
from fupin.assistance.services import visit_record
from fupin.assistance.views.common import can_anywhere, form_context, needs, page_of, run_service, scoped_get
from fupin.registry.choices import Relation
from fupin.registry.models import Household, Member


def with_head_name(qs: QuerySet[Household]) -> QuerySet[Household]:
    head = Member.objects.filter(household=OuterRef("pk"), relation=Relation.HEAD, ended_on__isnull=True)
    return qs.annotate(head_name=Subquery(head.values("name")[:1]))


def _visit_households(request: HttpRequest) -> QuerySet[Household]:
    """A cadre picks among their own households; anyone else records a visit for the one
    household named in the link (from its plan page), within their scope."""
    mine = sel.my_households(user=request.user)
    wanted = request.GET.get("household") or request.POST.get("household")
    if wanted and str(wanted).isdigit():
        scoped = Household.objects.for_user(request.user, "assistance.add_visit").open().filter(pk=wanted)
        if scoped.exists():
            return with_head_name(scoped.select_related("region"))
    return with_head_name(mine.filter(pk__in=Household.objects.for_user(request.user, "assistance.add_visit")))


@needs("assistance.add_visit")
@require_http_methods(["GET", "POST"])
def visit_create(request: HttpRequest) -> HttpResponse:
    households = _visit_households(request)
    initial = {}
    if request.GET.get("household", "").isdigit():
        initial["household"] = request.GET["household"]
    form = forms.VisitForm(request.POST or None, request.FILES or None, households=households, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        visit = run_service(
            form,
            lambda: visit_record(
                ctx=form_context(request),
                household=d["household"],
                visited_on=d["visited_on"],
                checklist=form.checklist(),
                notes=d.get("notes") or "",
                latitude=d.get("latitude"),
                longitude=d.get("longitude"),
                photos=d.get("photos") or [],
            ),
        )
        if visit is not None:
            messages.success(request, _("已记录对户 {code} 的走访").format(code=visit.household.code))
            return redirect("assistance:visit_detail", pk=visit.pk)
    return render(request, "assistance/visit_form.html", {"form": form, "has_households": households.exists()})


@needs("assistance.view_visit")
@require_GET
def visit_list(request: HttpRequest) -> HttpResponse:
    # Only those who may record a visit see the button (others would get a 404).
    return render(
        request,
        "assistance/visit_list.html",
        {
            "page": page_of(request, sel.visit_list(user=request.user)),
            "can_visit": can_anywhere(request.user, "assistance.add_visit"),
        },
    )


@needs("assistance.view_visit")
@require_GET
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = scoped_get(
        Visit.objects.for_user(request.user, "view").select_related("household__region", "cadre", "recorded_by"), pk=pk
    )
    from fupin.assistance.choices import VISIT_CHECKLIST

    return render(
        request,
        "assistance/visit_detail.html",
        {
            "visit": visit,
            "photos": list(visit.photos.all()),
            "checklist": [(label, getattr(visit, name)) for name, label in VISIT_CHECKLIST],
            "can_visit": can_anywhere(request.user, "assistance.add_visit"),
        },
    )


@needs("assistance.view_visitphoto")
@require_GET
def visit_photo(request: HttpRequest, pk: int) -> FileResponse:
    """Photos are served only here, after the scope check (never from a public media URL)."""
    photo = scoped_get(VisitPhoto.objects.for_user(request.user, "view"), pk=pk)
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@needs("assistance.view_visit")
@require_GET
def overdue(request: HttpRequest) -> HttpResponse:
    on = timezone.localdate()
    qs = sel.overdue_households(user=request.user, on=on)
    page = page_of(request, qs, 50)
    policy = visit_policy(on.year)
    for h in page.object_list:
        h.days_over = sel.overdue_days(h, on, policy)
    cadres = Cadre.objects.in_bulk([h.current_cadre_id for h in page.object_list if h.current_cadre_id])
    for h in page.object_list:
        h.current_cadre = cadres.get(h.current_cadre_id)
    return render(
        request,
        "assistance/overdue.html",
        {
            "page": page,
            "on": on,
            "total": page.paginator.count,
            "by_cadre": sel.overdue_by_cadre(user=request.user, on=on)[:30],
            "by_village": sel.overdue_by_village(user=request.user, on=on),
            "policy": policy,
        },
    )
