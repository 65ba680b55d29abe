"""The time rules every report applies identically (docs/indicators.md).

- A household counts in year Y when it is registered (建档立卡), was identified in or before
  Y (or has no identification year) and was not closed before 1 January of Y.
- A member is active in year Y when they joined on or before 31 December of Y and were not
  ended before 1 January of Y: a member who died in March of Y still counts in Y, not in
  Y+1; a newborn of December counts in Y. A member recorded at registration (人员变更原因
  00 建档登记) belonged to the household from the start: their `joined_on` is the day the
  record was typed in, not the day they joined.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from fupin.registry.choices import Attribute, MemberChangeReason, PovertyStatus


def year_start(year: int) -> dt.date:
    return dt.date(year, 1, 1)


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def household_in_year_q(year: int, prefix: str = "") -> Q:
    """Registered households that count in `year` (`prefix` reaches the Household)."""
    return (
        Q(**{f"{prefix}registered": True})
        & (Q(**{f"{prefix}identified_year__isnull": True}) | Q(**{f"{prefix}identified_year__lte": year}))
        & (Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gte": year_start(year)}))
    )


def member_active_q(year: int, prefix: str = "") -> Q:
    """Members active at some time in `year` (`prefix` reaches the Member)."""
    return (
        Q(**{f"{prefix}join_reason": MemberChangeReason.INITIAL})
        | Q(**{f"{prefix}joined_on__isnull": True})
        | Q(**{f"{prefix}joined_on__lte": year_end(year)})
    ) & (Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": year_start(year)}))


def member_active_sql(alias: str) -> str:
    """The same rule as SQL on the member table aliased `alias`; its three parameters are
    `member_active_params(year)`."""
    return (
        f"({alias}.join_reason = %s OR {alias}.joined_on IS NULL OR {alias}.joined_on <= %s)"
        f" AND ({alias}.ended_on IS NULL OR {alias}.ended_on >= %s)"
    )


def member_active_params(year: int) -> list:
    return [MemberChangeReason.INITIAL.value, year_end(year), year_start(year)]


def status_groups(year: int, prefix: str = "") -> dict[str, Q]:
    """The household groups of the indicators (within households that count in `year`)."""
    status, exit_year, attribute = f"{prefix}status", f"{prefix}exit_year", f"{prefix}attribute"
    return {
        "registered": Q(),
        "exited": Q(**{status: PovertyStatus.EXITED, f"{exit_year}__lte": year}),
        "exited_this_year": Q(**{status: PovertyStatus.EXITED, exit_year: year}),
        "stably_exited": Q(**{status: PovertyStatus.EXITED, f"{exit_year}__lt": year}),
        "not_exited": Q(**{status: PovertyStatus.NOT_EXITED}),
        "returned": Q(**{status: PovertyStatus.RETURNED}),
        "floor_protection": Q(**{f"{attribute}__in": [Attribute.DIBAO, Attribute.TEKUN]}),
    }


GROUPS = ("registered", "exited", "exited_this_year", "stably_exited", "not_exited", "returned", "floor_protection")
