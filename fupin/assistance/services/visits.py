"""走访有痕迹: recording a visit with its 六个一 checklist, notes, location and photos."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.assistance.choices import VISIT_CHECKLIST
from fupin.assistance.models import Cadre, Visit, VisitPhoto
from fupin.assistance.services.common import check_scope, log_create_with_files
from fupin.assistance.services.images import photo_to_jpeg
from fupin.core.changelog import Context, log_create
from fupin.registry.models import Household

MAX_PHOTOS = 6
CHECKLIST_FIELDS = tuple(name for name, _label in VISIT_CHECKLIST)


def actor_cadre(ctx: Context) -> Cadre | None:
    actor = ctx.actor
    if actor is None or not getattr(actor, "pk", None):
        return None
    return Cadre.objects.filter(user=actor).first()


@transaction.atomic
def visit_record(
    *,
    ctx: Context,
    household: Household,
    visited_on: dt.date | None = None,
    checklist: dict[str, bool] | None = None,
    notes: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    photos: Sequence[Any] = (),
    cadre: Cadre | None = None,
) -> Visit:
    """Record a visit. The visiting cadre is the given one, else the actor's own cadre record.
    Photos are stored resized (≤ 1600 px JPEG); a bad photo refuses the whole visit."""
    h = Household.objects.select_related("region").get(pk=household.pk)
    check_scope(ctx, "assistance.add_visit", h.region)
    today = timezone.localdate()
    on = visited_on or today
    errors: dict[str, str] = {}
    if on > today:
        errors["visited_on"] = _("走访日期不能晚于今天")
    elif on.year < 2014:
        errors["visited_on"] = _("走访日期不能早于 2014 年")
    unknown = set(checklist or {}) - set(CHECKLIST_FIELDS)
    if unknown:
        errors["checklist"] = _("未知的“六个一”项目：{names}").format(names=_("、").join(sorted(unknown)))
    elif not any((checklist or {}).values()) and not notes.strip():
        errors["checklist"] = _("请至少勾选一项“六个一”内容或填写走访记录")
    if (latitude is None) != (longitude is None):
        errors["latitude"] = _("位置须同时有纬度和经度")
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = _("每次走访最多上传 {n} 张照片").format(n=MAX_PHOTOS)
    if errors:
        raise ValidationError(errors)
    images = [photo_to_jpeg(p) for p in photos]
    visit = Visit(
        household=h,
        cadre=cadre or actor_cadre(ctx),
        visited_on=on,
        notes=notes.strip(),
        latitude=latitude,
        longitude=longitude,
        recorded_by=ctx.actor if ctx.actor is not None and ctx.actor.pk else None,
        **{name: bool((checklist or {}).get(name)) for name in CHECKLIST_FIELDS},
    )
    visit.full_clean(exclude=["household", "cadre", "recorded_by"])
    visit.save()
    log_create(ctx, visit, related=h)
    for content in images:
        _save_photo(ctx, visit, content)
    return visit


def _save_photo(ctx: Context, visit: Visit, content: ContentFile) -> VisitPhoto:
    photo = VisitPhoto(visit=visit)
    photo.image.save(content.name or "photo.jpg", content, save=False)
    photo.save()
    log_create_with_files(ctx, photo, "image", related=visit.household)
    return photo


@transaction.atomic
def visit_photo_add(*, ctx: Context, visit: Visit, upload: Any) -> VisitPhoto:
    v = Visit.objects.select_related("household__region").get(pk=visit.pk)
    check_scope(ctx, "assistance.add_visitphoto", v.household.region)
    if v.photos.count() >= MAX_PHOTOS:
        raise ValidationError({"photos": _("每次走访最多上传 {n} 张照片").format(n=MAX_PHOTOS)})
    return _save_photo(ctx, v, photo_to_jpeg(upload, field="image"))
