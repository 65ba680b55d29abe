"""Overdue visits as of a date: the assistance rule (fupin.assistance.selectors.visits),
evaluated on a day that may lie in the past, so that a report of 2017 reads the visits and
pairings of 2017 and not those recorded since.

A registered household open on `as_of` is overdue when its last visit on or before `as_of`
(or, never visited, the start of the pairing active then) is older than the interval of the
visit-frequency policy for exited or not-exited households; with neither date it is overdue.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from fupin.assistance.models import Pairing, Visit
from fupin.assistance.policy import visit_policy
from fupin.core.errors import ApplicationError
from fupin.registry.choices import PovertyStatus
from fupin.registry.models import Household
from fupin.reports.selectors.periods import year_end


def as_of_for(year: int) -> dt.date:
    """The day a year's report looks at: 31 December, or today within the current year."""
    return min(timezone.localdate(), year_end(year))


def with_visit_since(qs: QuerySet[Household], as_of: dt.date) -> QuerySet[Household]:
    last = (
        Visit.objects.filter(household=OuterRef("pk"), visited_on__lte=as_of)
        .order_by("-visited_on")
        .values("visited_on")[:1]
    )
    pairing = Pairing.objects.filter(
        Q(started_on__isnull=True) | Q(started_on__lte=as_of),
        Q(ended_on__isnull=True) | Q(ended_on__gt=as_of),
        household=OuterRef("pk"),
    )
    return qs.annotate(last_visit=Subquery(last), paired_since=Subquery(pairing.values("started_on")[:1])).annotate(
        visit_since=Coalesce(F("last_visit"), F("paired_since"))
    )


def overdue(qs: QuerySet[Household], as_of: dt.date) -> QuerySet[Household]:
    """The registered households of `qs` open on `as_of` whose visit is overdue then.
    Raises ApplicationError when no visit-frequency policy applies to the year.

    Written with EXISTS (an index range on visits per household) rather than by comparing
    the annotated date, so that counting a district's overdue households stays cheap:
    a household is on time when it was visited within the interval, or, never visited by
    then, when its pairing active then began within the interval."""
    policy = visit_policy(as_of.year)
    qs = qs.filter(registered=True).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=as_of))
    visited = Visit.objects.filter(household=OuterRef("pk"), visited_on__lte=as_of)
    never_visited = ~Exists(visited)
    pairing = Pairing.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=as_of), household=OuterRef("pk"), started_on__lte=as_of
    )

    def on_time(days: int) -> Q:
        cutoff = as_of - dt.timedelta(days=days)
        return Q(Exists(visited.filter(visited_on__gte=cutoff))) | (
            never_visited & Q(Exists(pairing.filter(started_on__gte=cutoff)))
        )

    exited = Q(status=PovertyStatus.EXITED)
    return qs.filter((exited & ~on_time(policy.days_exited)) | (~exited & ~on_time(policy.days_not_exited)))


def overdue_or_none(qs: QuerySet[Household], as_of: dt.date) -> QuerySet[Household] | None:
    try:
        return overdue(qs, as_of)
    except ApplicationError:
        return None
