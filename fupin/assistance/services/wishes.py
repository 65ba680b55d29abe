"""Small wishes: posted by a cadre, claimed and delivered by a donor, confirmed with a photo.

Whatever the public or a donor sees of a wish is its item, public text, cost and village, so
the posting service refuses text that carries a name, an ID number or a phone number.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.assistance.choices import WishStatus
from fupin.assistance.models import Donor, Wish, WishClaim
from fupin.assistance.services.common import (
    check_scope,
    clean_mobile,
    file_snapshot,
    log_create_with_files,
    log_update_with_files,
)
from fupin.assistance.services.images import photo_to_jpeg
from fupin.assistance.services.visits import actor_cadre
from fupin.core.changelog import Context, log_create, log_end, log_update, snapshot
from fupin.core.choices import ChangeAction
from fupin.core.errors import ApplicationError
from fupin.registry.models import Household, Member

# Runs of digits long enough to be a phone (11) or an ID number (15/18, maybe ending in X).
_PERSONAL_NUMBER = re.compile(r"\d{7,}|\d{14,17}[0-9Xx]")


def personal_data_in(text: str, household: Household) -> str | None:
    """What personal datum `text` gives away about the household, if any (for the message)."""
    if _PERSONAL_NUMBER.search(text.replace(" ", "")):
        return _("号码")
    for name in Member.objects.filter(household=household).values_list("name", flat=True):
        if len(name) >= 2 and name in text:
            return _("成员姓名")
    return None


def _check_public(field: str, text: str, household: Household) -> None:
    leak = personal_data_in(text, household)
    if leak:
        raise ValidationError({field: _("公开内容不得包含个人信息（发现{what}），请删除后再发布").format(what=leak)})


@transaction.atomic
def wish_post(*, ctx: Context, household: Household, item: str, estimated_cost: Decimal, public_text: str = "") -> Wish:
    """A cadre posts a wish they have verified at the household; it appears on the public board."""
    h = Household.objects.select_related("region").get(pk=household.pk)
    check_scope(ctx, "assistance.add_wish", h.region)
    if h.is_closed or not h.registered:
        raise ApplicationError(_("只能为在册的建档立卡户发布微心愿"))
    item, public_text = (item or "").strip(), (public_text or "").strip()
    if not item:
        raise ValidationError({"item": _("请填写心愿物品")})
    if estimated_cost is None or estimated_cost <= 0:
        raise ValidationError({"estimated_cost": _("预估金额须大于 0")})
    if estimated_cost > Decimal(5000):
        raise ValidationError({"estimated_cost": _("微心愿金额一般不超过 5,000 元，较大需求请纳入帮扶措施")})
    _check_public("item", item, h)
    _check_public("public_text", public_text, h)
    wish = Wish(
        household=h,
        item=item,
        public_text=public_text,
        estimated_cost=estimated_cost,
        verified_by=actor_cadre(ctx),
        verified_on=timezone.localdate(),
        posted_by=ctx.actor if ctx.actor is not None and ctx.actor.pk else None,
    )
    wish.full_clean(exclude=["household", "verified_by", "posted_by"])
    wish.save()
    log_create(ctx, wish, related=h)
    return wish


@transaction.atomic
def wish_cancel(*, ctx: Context, wish: Wish, reason: str) -> Wish:
    w = Wish.objects.select_for_update().select_related("household__region").get(pk=wish.pk)
    check_scope(ctx, "assistance.change_wish", w.household.region)
    if w.status != WishStatus.OPEN:
        raise ApplicationError(_("只有待认领的心愿可以撤销，当前状态：{s}").format(s=w.get_status_display()))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写撤销原因")})
    before = snapshot(w)
    w.status = WishStatus.CANCELLED
    w.save(update_fields=["status", "updated"])
    log_end(ctx, w, before, related=w.household, reason=reason.strip())
    return w


def _donor_of(ctx: Context) -> Donor:
    donor = Donor.objects.filter(user=ctx.actor).first() if ctx.actor is not None else None
    if donor is None:
        raise ApplicationError(_("请先以爱心人士身份登录"))
    return donor


@transaction.atomic
def wish_claim(*, ctx: Context, wish: Wish) -> WishClaim:
    """A donor claims an open, verified wish; one donor at a time."""
    donor = _donor_of(ctx)
    w = Wish.objects.select_for_update().filter(pk=wish.pk).public().first()
    if w is None:
        raise ApplicationError(_("该心愿已被认领或已不再开放"))
    claim = WishClaim.objects.create(wish=w, donor=donor, claimed_at=timezone.now())
    before = snapshot(w)
    w.status = WishStatus.CLAIMED
    w.save(update_fields=["status", "updated"])
    log_create_with_files(ctx, claim, "photo", related=w.household)
    log_update(ctx, w, before, related=w.household)
    return claim


def _own_claim(ctx: Context, claim: WishClaim) -> WishClaim:
    donor = _donor_of(ctx)
    c = (
        WishClaim.objects.select_for_update()
        .select_related("wish__household")
        .filter(pk=claim.pk, donor=donor, released_at__isnull=True)
        .first()
    )
    if c is None:
        raise ApplicationError(_("这不是您当前认领的心愿"))
    return c


@transaction.atomic
def wish_release(*, ctx: Context, claim: WishClaim) -> WishClaim:
    """The donor gives a claimed (not yet delivered) wish back; it opens again."""
    c = _own_claim(ctx, claim)
    if c.delivered_at is not None:
        raise ApplicationError(_("心愿已送达，不能放弃认领"))
    before_claim, before_wish = file_snapshot(c, "photo"), snapshot(c.wish)
    c.released_at = timezone.now()
    c.save(update_fields=["released_at"])
    c.wish.status = WishStatus.OPEN
    c.wish.save(update_fields=["status", "updated"])
    log_update_with_files(
        ctx, c, before_claim, "photo", related=c.wish.household, action=ChangeAction.END, reason=_("爱心人士放弃认领")
    )
    log_update(ctx, c.wish, before_wish, related=c.wish.household)
    return c


@transaction.atomic
def wish_deliver(*, ctx: Context, claim: WishClaim, note: str = "") -> WishClaim:
    """The donor marks the wish delivered; the cadre then confirms it at the household."""
    c = _own_claim(ctx, claim)
    if c.delivered_at is not None:
        raise ApplicationError(_("该心愿已标记为送达"))
    if _PERSONAL_NUMBER.search(note or ""):
        raise ValidationError({"note": _("送达说明不得包含电话或证件号码")})
    before_claim, before_wish = file_snapshot(c, "photo"), snapshot(c.wish)
    c.delivered_at = timezone.now()
    c.delivery_note = (note or "").strip()[:200]
    c.save(update_fields=["delivered_at", "delivery_note"])
    c.wish.status = WishStatus.DELIVERED
    c.wish.save(update_fields=["status", "updated"])
    log_update_with_files(ctx, c, before_claim, "photo", related=c.wish.household)
    log_update(ctx, c.wish, before_wish, related=c.wish.household)
    return c


@transaction.atomic
def wish_confirm(*, ctx: Context, wish: Wish, photo: Any) -> Wish:
    """The cadre confirms a delivered wish with a photo taken at the household."""
    w = Wish.objects.select_for_update().select_related("household__region").get(pk=wish.pk)
    check_scope(ctx, "assistance.change_wish", w.household.region)
    if w.status != WishStatus.DELIVERED:
        raise ApplicationError(_("只有已送达的心愿可以确认，当前状态：{s}").format(s=w.get_status_display()))
    if not photo:
        raise ValidationError({"photo": _("请上传送达确认照片")})
    content = photo_to_jpeg(photo, field="photo")
    c = WishClaim.objects.select_for_update().get(wish=w, released_at__isnull=True)
    before_claim, before_wish = file_snapshot(c, "photo"), snapshot(w)
    c.confirmed_at = timezone.now()
    c.confirmed_by = ctx.actor if ctx.actor is not None and ctx.actor.pk else None
    c.photo.save(content.name or "photo.jpg", content, save=False)
    c.save()
    w.status = WishStatus.CONFIRMED
    w.save(update_fields=["status", "updated"])
    log_update_with_files(ctx, c, before_claim, "photo", related=w.household)
    log_update(ctx, w, before_wish, related=w.household)
    return w


@transaction.atomic
def donor_register(*, ctx: Context, name: str, phone: str, password: str, organisation: str = "") -> Donor:
    """Register a donor: a login named by the phone number, with no role assignment at all
    (so every scoped query is empty for it), and the donor profile."""
    User: Any = get_user_model()
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写姓名")})
    phone = clean_mobile(phone)
    if Donor.objects.filter(phone=phone).exists() or User.objects.filter(username=phone).exists():
        raise ValidationError({"phone": _("手机号 {phone} 已注册，请直接登录").format(phone=phone)})
    user = User(username=phone, first_name=name[:150], phone=phone)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save()
    donor = Donor.objects.create(user=user, name=name, phone=phone, organisation=(organisation or "").strip()[:100])
    log_create(ctx if ctx.actor is not None else Context(actor=user, source=ctx.source), donor)
    return donor
