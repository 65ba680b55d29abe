"""The verification queue's filters read from a query string: one reading for the queue page
and for its export (a background job reads the same query again as its starter), so the
exported list never holds more, or other, findings than the page showed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fupin.accounts.scoping import regions_for_user
from fupin.identification.choices import FindingStatus

VIEW_FINDING = "identification.view_finding"


def finding_filters(*, user: Any, query: Mapping[str, Any]) -> dict[str, Any]:
    """`finding_list`'s filters from the page's query: status (open by default), kind, list
    kind, re-check and list ids (digits only), and the region (only one within the user's
    scope; any other region is ignored, as the page ignores it)."""
    g = query
    filters: dict[str, Any] = {
        "status": g.get("status", FindingStatus.OPEN),
        "kind": g.get("kind", ""),
        "list_kind": g.get("list_kind", ""),
        "recheck": g.get("recheck", "") or None,
        "comparison": g.get("comparison", "") or None,
        "region": None,
    }
    for key in ("recheck", "comparison"):
        if filters[key] and not str(filters[key]).isdigit():
            filters[key] = None
    if (rp := str(g.get("region", ""))).isdigit():
        filters["region"] = regions_for_user(user, VIEW_FINDING).filter(pk=rp).first()
    return filters
