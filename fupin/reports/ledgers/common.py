"""What every ledger needs: the region names of its rows, the head of each household, the
masking of personal data and the subqueries shared by several sheets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from fupin.accounts.scoping import user_can
from fupin.assistance.models import Pairing
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.registry.choices import Relation
from fupin.registry.models import Member
from fupin.reports.scope import Scope
from fupin.reports.selectors.periods import year_end
from fupin.utils.masking import mask_account, mask_id, mask_phone

SENSITIVE = "registry.view_sensitive_household"
CHUNK = 2000


@dataclass
class Ledger:
    """The parameters of one ledger file."""

    scope: Scope
    year: int
    sensitive: bool
    places: dict[int, tuple[str, str, str]] = field(default_factory=dict)  # region id → (township, village, group)

    def place(self, region_id: int) -> tuple[str, str, str]:
        return self.places.get(region_id, ("", "", ""))

    def id_number(self, value: str) -> str:
        return value if self.sensitive else mask_id(value)

    def phone(self, value: str) -> str:
        return value if self.sensitive else mask_phone(value)

    def account(self, value: str) -> str:
        return value if self.sensitive else mask_account(value)


def ledger_for(*, scope: Scope, year: int, user: Any = None) -> Ledger:
    """A ledger over `scope`; personal data in clear only for a user who may see it on every
    root of the scope (system work, with no user, is trusted)."""
    roots = scope.roots()
    sensitive = user is None or all(user_can(user, SENSITIVE, r) for r in roots)
    return Ledger(scope=scope, year=year, sensitive=sensitive, places=_places(scope))


def _places(scope: Scope) -> dict[int, tuple[str, str, str]]:
    """Township, village and group names of every region of the scope (a few hundred rows)."""
    regions = list(Region.objects.filter(scope.region_q("")).only("pk", "path", "name", "level"))
    if not scope.everything:
        # Ancestors above the scope (a village's township) name the rows too.
        prefixes = {r.path[:i] for r in regions for i in range(Region.steplen, len(r.path), Region.steplen)}
        regions += list(Region.objects.filter(path__in=prefixes).only("pk", "path", "name", "level"))
    by_path = {r.path: r for r in regions}
    places: dict[int, tuple[str, str, str]] = {}
    for r in regions:
        names = {RegionLevel.TOWNSHIP: "", RegionLevel.VILLAGE: "", RegionLevel.GROUP: ""}
        for i in range(Region.steplen, len(r.path) + 1, Region.steplen):
            a = by_path.get(r.path[:i])
            if a is not None and a.level in names:
                names[a.level] = a.name
        places[r.pk] = (names[RegionLevel.TOWNSHIP], names[RegionLevel.VILLAGE], names[RegionLevel.GROUP])
    return places


def head_subquery(field_name: str, household_ref: str = "pk") -> Subquery:
    """A household's active head's `field_name` (户主姓名 / 证件号码)."""
    heads = Member.objects.filter(household=OuterRef(household_ref), relation=Relation.HEAD, ended_on__isnull=True)
    return Subquery(heads.values(field_name)[:1])


def cadre_subquery(field_name: str, year: int, household_ref: str = "pk") -> Subquery:
    """The responsible cadre's `field_name` at the end of `year` (帮扶责任人)."""
    end = year_end(year)
    pairings = Pairing.objects.filter(
        Q(started_on__isnull=True) | Q(started_on__lte=end),
        Q(ended_on__isnull=True) | Q(ended_on__gt=end),
        household=OuterRef(household_ref),
    ).order_by("-started_on")
    return Subquery(pairings.values(f"cadre__{field_name}")[:1])


def labels(choices: Any) -> dict[str, str]:
    return {k: str(v) for k, v in choices}


def multi(codes: str, names: dict[str, str], sep: str | None = None) -> str:
    """Comma-joined codes ("02,04") → their labels ("长期慢性病、残疾"), joined in the active language."""
    return (_("、") if sep is None else sep).join(names.get(c, c) for c in codes.split(",") if c)
