"""Households that a roster import brought in and that may become applications.

An import writes every created or changed household, member and yearly fact into the change
log with the import's batch id and the household as the related object, so "the households
of a batch" are read from the log (identification sits below exchange and never reads its
models). A household the import left entirely unchanged wrote no row and is not counted.

Eligible for an application: open, not registered (建档立卡), no open case. A layout 1 roster
registers a new household unless its 户类型 says 一般农户, and never changes whether a household
already in the registry is registered (docs/decisions/0004-household-type-column.md), so the
eligible ones are the batch's 一般农户 and the unregistered households it touched (never-poor
households, or households removed since); the count says how many there are before anyone
confirms.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from fupin.accounts.scoping import region_q, scope_paths
from fupin.core.choices import ChangeSource
from fupin.core.models import ObjectChange
from fupin.identification.models import Application
from fupin.registry.models import Household

PROPOSE = "identification.add_application"
# Starting cases for a whole import is district or township work (the village takes each up).
LEADS = ("identification.township_review_application", "identification.approve_application")
RECENT_DAYS = 180


def import_scope(user: Any) -> list[str] | None:
    """Region paths where `user` may start applications from an import: where they may propose
    and also review or approve. None means everywhere (system work, superusers)."""
    if user is None or (getattr(user, "is_superuser", False) and user.is_active):
        return None
    leads = [p for perm in LEADS for p in scope_paths(user, perm)]
    return [p for p in scope_paths(user, PROPOSE) if any(p.startswith(lead) for lead in leads)]


def _scoped(qs: QuerySet[Household], paths: list[str] | None) -> QuerySet[Household]:
    return qs if paths is None else qs.filter(region_q(paths, "region"))


def batch_uuid(batch: Any) -> uuid.UUID:
    """A batch given as an ImportBatch-like object, a UUID or its text; ValueError otherwise."""
    value = getattr(batch, "pk", batch)
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def batch_households(batch: Any) -> QuerySet[Household]:
    """Every household a batch created or changed (itself, a member or a yearly fact)."""
    rows = ObjectChange.objects.filter(
        batch_id=batch_uuid(batch),
        source=ChangeSource.IMPORT,
        related_type=ContentType.objects.get_for_model(Household),
    )
    return Household.objects.filter(pk__in=rows.values("related_id"))


def eligible_households(*, batch: Any, paths: list[str] | None) -> QuerySet[Household]:
    """The batch's households, within `paths`, that may start an admission case now."""
    return (
        _scoped(batch_households(batch), paths)
        .filter(closed_on__isnull=True, registered=False)
        .exclude(pk__in=Application.objects.open().values("household_id"))
    )


@dataclass(frozen=True)
class ImportPreview:
    """What confirming would do, for the confirmation page and the CLI."""

    batch_id: uuid.UUID
    households: int  # of the batch, in the user's scope
    registered: int
    closed: int
    open_case: int
    eligible: int
    marked: int  # eligible households whose roster row names a 贫困户属性 and main cause
    imported_at: dt.datetime | None


def import_preview(*, user: Any, batch: Any) -> ImportPreview:
    paths = import_scope(user)
    touched = _scoped(batch_households(batch), paths)
    open_ids = Application.objects.open().values("household_id")
    counts = touched.aggregate(
        n_households=Count("id"),
        n_registered=Count("id", filter=Q(registered=True, closed_on__isnull=True)),
        n_closed=Count("id", filter=Q(closed_on__isnull=False)),
        n_open_case=Count("id", filter=Q(registered=False, closed_on__isnull=True, pk__in=open_ids)),
    )
    eligible = eligible_households(batch=batch, paths=paths)
    marked = eligible.exclude(attribute="").exclude(main_cause="").count()
    first = ObjectChange.objects.filter(batch_id=batch_uuid(batch)).aggregate(t=Min("time"))["t"]
    return ImportPreview(
        batch_id=batch_uuid(batch),
        households=counts["n_households"],
        registered=counts["n_registered"],
        closed=counts["n_closed"],
        open_case=counts["n_open_case"],
        eligible=eligible.count(),
        marked=marked,
        imported_at=first,
    )


def import_batches(*, user: Any, limit: int = 20) -> list[dict[str, Any]]:
    """Recent import batches that left households in the user's scope eligible for an
    application, newest first: batch id, when, by whom, how many households."""
    paths = import_scope(user)
    if paths == []:
        return []
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    households = _scoped(Household.objects.filter(closed_on__isnull=True, registered=False), paths).exclude(
        pk__in=Application.objects.open().values("household_id")
    )
    rows = (
        ObjectChange.objects.filter(
            source=ChangeSource.IMPORT,
            batch_id__isnull=False,
            time__gte=since,
            related_type=ContentType.objects.get_for_model(Household),
            related_id__in=households.values("pk"),
        )
        .values("batch_id")
        .annotate(at=Min("time"), eligible=Count("related_id", distinct=True), by=Min("actor_name"))
        .order_by("-at")[:limit]
    )
    return [dict(r) for r in rows]
