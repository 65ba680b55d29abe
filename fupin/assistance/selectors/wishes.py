"""Reading wishes: the public board (no personal data ever leaves here), a donor's own
claims, and the district's totals."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, QuerySet, Sum

from fupin.assistance.choices import WishStatus
from fupin.assistance.models import Donor, Wish, WishClaim
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region


@dataclass(frozen=True)
class PublicWish:
    """What the public may know of a wish: nothing that identifies the household."""

    id: int
    item: str
    public_text: str
    estimated_cost: Decimal
    village: str
    township: str
    posted_on: Any


def public_wishes(*, village: Region | None = None) -> list[PublicWish]:
    """Open, verified wishes, by township and village. Two queries."""
    qs = Wish.objects.public()
    if village is not None:
        qs = qs.filter(household__region__path__startswith=village.path)
    rows = list(
        qs.order_by("household__region__path", "-created", "pk").values(
            "pk",
            "item",
            "public_text",
            "estimated_cost",
            "created",
            path=F("household__region__path"),
            level=F("household__region__level"),
        )
    )
    prefixes = set()
    for r in rows:
        depth = r["level"] - RegionLevel.TOWNSHIP
        for d in (0, 1):
            if depth - d >= 0:
                prefixes.add(r["path"][: len(r["path"]) - (depth - d) * Region.steplen])
    names = dict(Region.objects.filter(path__in=prefixes).values_list("path", "name"))
    out = []
    for r in rows:
        depth = r["level"] - RegionLevel.TOWNSHIP
        township = names.get(r["path"][: len(r["path"]) - depth * Region.steplen], "")
        village_depth = max(depth - 1, 0)
        village = names.get(r["path"][: len(r["path"]) - village_depth * Region.steplen], "")
        out.append(
            PublicWish(
                id=r["pk"],
                item=r["item"],
                public_text=r["public_text"],
                estimated_cost=r["estimated_cost"],
                village=village,
                township=township,
                posted_on=r["created"].date(),
            )
        )
    return out


def public_wish_get(pk: int) -> Wish:
    """A wish a donor may act on (open and verified); raises DoesNotExist otherwise."""
    return Wish.objects.public().get(pk=pk)


def donor_of(user: Any) -> Donor | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Donor.objects.filter(user=user).first()


def donor_claims(*, donor: Donor) -> QuerySet[WishClaim]:
    """The donor's own claims. Only the wish's public fields are shown from them."""
    return WishClaim.objects.filter(donor=donor).select_related("wish").order_by("-claimed_at", "-pk")


def wish_list(*, user: Any, status: str = "") -> QuerySet[Wish]:
    qs = Wish.objects.for_user(user, "view").select_related("household__region", "verified_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created", "-pk")


def wish_totals(*, user: Any) -> dict[str, Any]:
    """Counts and amounts of wishes by status, and confirmed amounts by donor count, in scope."""
    qs = Wish.objects.for_user(user, "view")
    by_status = {
        r["status"]: r for r in qs.order_by().values("status").annotate(n=Count("pk"), amount=Sum("estimated_cost"))
    }
    rows = [
        {
            "status": s,
            "label": label,
            "count": by_status.get(s, {}).get("n", 0),
            "amount": by_status.get(s, {}).get("amount") or Decimal(0),
        }
        for s, label in WishStatus.choices
    ]
    donors = (
        WishClaim.objects.for_user(user, "view")
        .current()
        .filter(wish__status=WishStatus.CONFIRMED)
        .aggregate(n=Count("donor", distinct=True))["n"]
    )
    return {
        "rows": rows,
        "total": sum(r["count"] for r in rows if r["status"] != WishStatus.CANCELLED),
        "fulfilled": by_status.get(WishStatus.CONFIRMED, {}).get("n", 0),
        "fulfilled_amount": by_status.get(WishStatus.CONFIRMED, {}).get("amount") or Decimal(0),
        "donors": donors,
    }
