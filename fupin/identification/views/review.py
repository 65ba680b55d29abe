"""The verification queue (findings), department lists and re-check campaigns."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fupin.accounts.scoping import user_can
from fupin.core.jobs import job_enqueue
from fupin.identification.choices import FindingKind, FindingStatus, ListKind
from fupin.identification.evidence import EVIDENCE_LABELS
from fupin.identification.forms import ComparisonForm, FindingDecideForm, RecheckForm, add_service_errors
from fupin.identification.lists import ListProblem, read_list
from fupin.identification.selectors.queue import finding_filters
from fupin.identification.selectors.workflow import (
    comparison_list,
    finding_get,
    finding_list,
    holds,
    pending_uploads,
    recheck_covers_scope,
    recheck_list,
    recheck_townships,
)
from fupin.identification.services.comparison import list_kind_parse
from fupin.identification.services.findings import PAIR_KINDS, finding_decide
from fupin.identification.services.recheck import RUN, recheck_start
from fupin.identification.views.common import filter_chips, form_context, require, run_service, scoped_get
from fupin.registry.models import Member
from fupin.utils.masking import mask_id

SENSITIVE = "registry.view_sensitive_household"


@login_required
@require_GET
def finding_list_view(request: HttpRequest) -> HttpResponse:
    require(request, "identification.view_finding")
    g = request.GET
    filters = finding_filters(user=request.user, query=g)
    region = filters["region"]
    page = Paginator(finding_list(user=request.user, filters=filters), 50).get_page(g.get("page"))
    for f in page.object_list:
        vars(f)["member_id_shown"] = mask_id(f.member.id_number) if f.member else ""  # lists always mask
    query = g.copy()
    query.pop("page", None)
    return render(
        request,
        "identification/finding_list.html",
        {
            "chips": _finding_chips(request, region, filters),
            "page": page,
            "filters": filters,
            "region": region,
            "kinds": FindingKind.choices,
            "list_kinds": ListKind.choices,
            "statuses": FindingStatus.choices,
            "query": query.urlencode(),
        },
    )


FINDINGS_EXPORT_JOB = "exchange.findings"  # its runner writes with the exchange's writers (fupin.exchange.jobs)


@login_required
@require_POST
def finding_export(request: HttpRequest) -> HttpResponse:
    """The queue as the page shows it (its query string: filters and the user's scope) written
    to a verification list by a background job, whatever its size: the job page shows the
    progress and then the download link."""
    require(request, "identification.view_finding")
    query = request.GET.copy()
    query.pop("page", None)
    fmt = "csv" if request.POST.get("format") == "csv" else "xlsx"
    job = job_enqueue(
        kind=FINDINGS_EXPORT_JOB,
        actor=request.user,
        params={"query": {k: query.getlist(k) for k in query}, "format": fmt},
    )
    messages.info(request, _("核查清单在后台导出，完成后在本页下载。"))
    return redirect("core:job_detail", pk=job.pk)


def _finding_chips(request: HttpRequest, region: Any, filters: dict[str, Any]) -> list[dict[str, Any]]:
    """The queue opened from a re-check's township row or a list's page names where it came
    from and links back (when the user may open that page)."""
    items: list[tuple[str, str, str | None]] = []
    if region is not None:
        items.append(("region", region.name, None))
    if pk := filters.get("comparison"):
        c = comparison_list(user=request.user).filter(pk=pk).first()
        label = _("比对名单 #{pk}").format(pk=pk) + (f" · {c.file_name}" if c else "")
        items.append(("comparison", label, reverse("identification:comparison_detail", args=[pk]) if c else None))
    if pk := filters.get("recheck"):
        r = recheck_list(user=request.user).filter(pk=pk).first()
        label = _("回头看 #{pk}").format(pk=pk) + (_("（{year} 年）").format(year=r.year) if r else "")
        items.append(("recheck", label, reverse("identification:recheck_detail", args=[pk]) if r else None))
    return filter_chips(request, items)


def _evidence(f: Any) -> list[tuple[str, Any]]:
    """(label, value) pairs of the finding's evidence."""
    if f.row_id:
        return list((f.row.evidence or {}).items())
    rows = []
    order = {key: i for i, key in enumerate(EVIDENCE_LABELS)}  # jsonb does not keep the written order
    for key, value in sorted((f.evidence or {}).items(), key=lambda kv: order.get(kv[0], len(order))):
        if key == "other_household_id" and f.other_member is not None:
            value = f.other_member.household.code  # the code people know, not the row id
        elif key == "policy" and value is not None:
            value = f"v{value}"
        rows.append((str(EVIDENCE_LABELS.get(key, key)), value))
    return rows


def _decide_form(f: Any, data: Any = None) -> FindingDecideForm:
    end_choices: list[tuple[int, str]] = []
    if f.kind in PAIR_KINDS:
        for m in (f.member, f.other_member):
            if m is not None and m.ended_on is None:
                end_choices.append((m.pk, _("{name}（户 {code}）").format(name=m.name, code=m.household.code)))
    heads = Member.objects.filter(
        household_id__in={f.household_id, *([f.other_member.household_id] if f.other_member else [])},
        ended_on__isnull=True,
    ).exclude(relation="01")
    head_choices = [
        (m.pk, _("{name}（户 {code}）").format(name=m.name, code=m.household.code))
        for m in heads.select_related("household")
    ]
    return FindingDecideForm(data, end_choices=end_choices, head_choices=head_choices)


@login_required
@require_http_methods(["GET", "POST"])
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    f = scoped_get(lambda: finding_get(user=request.user, pk=pk))
    may_decide = f.status == FindingStatus.OPEN and user_can(request.user, "identification.decide_finding", f.region)
    form = None
    if request.method == "POST":
        if not may_decide:
            raise Http404
        form = _decide_form(f, request.POST)
        if form.is_valid():
            d = form.cleaned_data
            picked = [pk for pk in (d.get("end_member"), d.get("new_head")) if pk]
            chosen = {m.pk: m for m in Member.objects.filter(pk__in=picked)}
            done = run_service(
                form,
                lambda: finding_decide(
                    ctx=form_context(request),
                    finding=f,
                    confirmed=d["outcome"] == "confirmed",
                    note=d["note"],
                    end_member=chosen.get(d.get("end_member") or 0),
                    new_head=chosen.get(d.get("new_head") or 0),
                ),
            )
            if done is not None:
                messages.success(request, _("已记录核实结论：{status}").format(status=done.get_status_display()))
                return redirect("identification:finding_detail", pk=f.pk)
    elif may_decide:
        form = _decide_form(f)
    sensitive = user_can(request.user, SENSITIVE, f.household.region)
    members = [m for m in (f.member, f.other_member) if m is not None]
    for m in members:
        vars(m)["id_shown"] = m.id_number if sensitive else mask_id(m.id_number)
    return render(
        request,
        "identification/finding_detail.html",
        {
            "f": f,
            "form": form,
            "members": members,
            "evidence": _evidence(f),
            # The list's page is the district's: a township sees the row, not a dead link.
            "comparison_visible": bool(f.comparison_id)
            and comparison_list(user=request.user).filter(pk=f.comparison_id).exists(),
        },
    )


@login_required
@require_GET
def comparison_list_view(request: HttpRequest) -> HttpResponse:
    require(request, "identification.view_comparisonlist")
    page = Paginator(comparison_list(user=request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "identification/comparison_list.html",
        {
            "page": page,
            "can_upload": holds(request.user, "identification.add_comparisonlist"),
            "pending": pending_uploads(user=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def comparison_create(request: HttpRequest) -> HttpResponse:
    require(request, "identification.add_comparisonlist")
    form = ComparisonForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            kind, name = list_kind_parse(d["kind"], d["kind_name"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            job = _enqueue_upload(request, form, kind, name)
            if job is not None:
                # To the lists, not the job page: the finished list (with its leads and
                # candidates) appears there, and one still running is named with its progress.
                messages.success(request, _("名单已上传，正在后台比对"))
                return redirect("identification:comparison_list")
    return render(request, "identification/comparison_form.html", {"form": form})


def _enqueue_upload(request: HttpRequest, form: ComparisonForm, kind: str, name: str) -> Any:
    """Check the file's header now (a list without an ID column is refused on the form), then
    hand the full reading and matching to a background job."""
    import tempfile
    from pathlib import Path

    upload = form.cleaned_data["file"]
    suffix = Path(upload.name).suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
        tmp.flush()
        try:
            data = read_list(Path(tmp.name), file_name=upload.name)
        except ListProblem as exc:
            form.add_error("file", exc.message)
            return None
    if data.rows_valid == 0:
        form.add_error("file", data.none_valid_message())
        return None
    upload.seek(0)
    return job_enqueue(
        kind="compare",
        actor=request.user,
        input_file=upload,
        params={"file_name": upload.name, "region_id": form.cleaned_data["region"].pk, "kind": kind, "kind_name": name},
    )


@login_required
@require_GET
def comparison_detail(request: HttpRequest, pk: int) -> HttpResponse:
    c = scoped_get(lambda: comparison_list(user=request.user).get(pk=pk))
    return render(request, "identification/comparison_detail.html", {"c": c})


@login_required
@require_http_methods(["GET", "POST"])
def recheck_list_view(request: HttpRequest) -> HttpResponse:
    require(request, "identification.view_recheck")
    can_run = holds(request.user, RUN)
    form = RecheckForm(request.POST or None)
    if request.method == "POST":
        if not can_run:
            raise Http404
        if form.is_valid():
            r = run_service(form, lambda: recheck_start(ctx=form_context(request), year=form.cleaned_data["year"]))
            if r is not None:
                messages.success(request, _("回头看 #{pk}（{year} 年）已开始，在后台运行").format(pk=r.pk, year=r.year))
                return redirect("identification:recheck_detail", pk=r.pk)
    page = Paginator(recheck_list(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "identification/recheck_list.html", {"page": page, "form": form, "can_run": can_run})


@login_required
@require_GET
def recheck_detail(request: HttpRequest, pk: int) -> HttpResponse:
    r = scoped_get(lambda: recheck_list(user=request.user).get(pk=pk))
    whole = recheck_covers_scope(user=request.user, recheck=r)
    return render(
        request,
        "identification/recheck_detail.html",
        {
            "r": r,
            "townships": recheck_townships(user=request.user, recheck=r),
            # Campaign-wide totals only for those who see the whole campaign region.
            "totals": r.summary.get("totals", {}) if whole else None,
            "kinds": dict(FindingKind.choices),
        },
    )
