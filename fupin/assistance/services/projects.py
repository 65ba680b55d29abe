"""Writing projects (industry projects, PV stations, e-commerce points …)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from fupin.assistance.models import Project
from fupin.assistance.services.common import assign, check_scope
from fupin.core.changelog import Context, log_create, log_update, snapshot
from fupin.regions.models import Region

PROJECT_FIELDS = ("name", "kind", "funding", "funding_source", "scale", "started_on", "ended_on", "note")


def _villages(ctx: Context, project: Project, villages: Any, perm: str) -> None:
    if villages is None:
        return
    villages = list(villages)
    for v in villages:
        check_scope(ctx, perm, v)
    project.villages.set(villages)


@transaction.atomic
def project_create(*, ctx: Context, region: Region, data: dict[str, Any]) -> Project:
    region = Region.objects.get(pk=region.pk)
    check_scope(ctx, "assistance.add_project", region)
    p = Project(region=region)
    assign(p, data, PROJECT_FIELDS)
    p.name = (p.name or "").strip()
    p.full_clean()
    p.save()
    _villages(ctx, p, data.get("villages"), "assistance.add_project")
    log_create(ctx, p)
    return p


@transaction.atomic
def project_update(*, ctx: Context, project: Project, data: dict[str, Any], region: Region | None = None) -> Project:
    p = Project.objects.select_for_update().select_related("region").get(pk=project.pk)
    check_scope(ctx, "assistance.change_project", p.region)
    before = snapshot(p)
    if region is not None and region.pk != p.region_id:
        p.region = Region.objects.get(pk=region.pk)
        check_scope(ctx, "assistance.change_project", p.region)
    assign(p, data, PROJECT_FIELDS)
    p.name = (p.name or "").strip()
    p.full_clean()
    p.save()
    _villages(ctx, p, data.get("villages"), "assistance.change_project")
    log_update(ctx, p, before)
    return p
