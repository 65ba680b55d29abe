"""Applications from an import (issue 4 ¶3: "from a cadre on behalf of a household, or from
an import"): after a roster import the district or township office opens one admission case
per household of the batch that is not registered and has no open case.

The cases start as candidates (候选，待村确认), like the 应纳尽纳 candidates of a comparison:
an import says who may qualify, but the procedure begins with the household's own written
application (domain.md §2.1 step 1), which the village cadre takes up (`application_submit`)
or withdraws. What the roster said about the household (贫困户属性, causes, standard) is carried
over so the cadre starts from it. The proposer is therefore the village cadre, and the office
that started the batch can still review and approve (maker ≠ checker holds).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.changelog import Context, change_row, snapshot
from fupin.core.choices import ChangeAction
from fupin.core.errors import ApplicationError, ScopeError
from fupin.core.models import ObjectChange
from fupin.identification.choices import ApplicationKind, ApplicationOrigin, Step
from fupin.identification.models import Application
from fupin.identification.selectors.imports import batch_uuid, eligible_households, import_scope
from fupin.identification.selectors.policy import latest_policy_year
from fupin.registry.choices import Standard

BATCH_SIZE = 1000


@dataclass(frozen=True)
class ImportApplications:
    batch_id: Any
    year: int
    created: int
    application_ids: list[int]


def application_create_from_import(*, ctx: Context, batch: Any, year: int | None = None) -> ImportApplications:
    """One candidate admission case (origin import) per eligible household of `batch` within
    the actor's scope; each logged with the actor. Set-based: one read of the eligible
    households, bulk inserts of the cases and of their change-log rows."""
    try:
        batch_id = batch_uuid(batch)
    except ValueError:
        raise ApplicationError(_("导入批次号不正确")) from None
    paths = import_scope(ctx.actor)
    if paths == []:
        raise ScopeError("no import scope")
    year = year or latest_policy_year()
    if not 2013 <= year <= timezone.localdate().year:
        raise ApplicationError(_("年度应在 2013 至今年之间"))
    reason = _("导入批次 {batch} 中的非建档立卡户，待村核实申请").format(batch=str(batch_id)[:8])[:300]
    now = timezone.now()
    try:
        with transaction.atomic():
            households = list(
                eligible_households(batch=batch_id, paths=paths)
                .select_for_update()
                .only("id", "code", "attribute", "main_cause", "other_causes", "standard")
                .order_by("id")
            )
            apps = [
                Application(
                    household=h,
                    kind=ApplicationKind.ADMISSION,
                    origin=ApplicationOrigin.IMPORT,
                    year=year,
                    attribute=h.attribute,
                    main_cause=h.main_cause,
                    other_causes=h.other_causes,
                    standard=h.standard or (Standard.NATIONAL if h.attribute else ""),
                    reason=reason,
                    step=Step.CANDIDATE,
                    step_since=now,
                )
                for h in households
            ]
            Application.objects.bulk_create(apps, batch_size=BATCH_SIZE)
            log = [
                change_row(ctx, obj=a, action=ChangeAction.CREATE, before=None, after=snapshot(a), related=a.household)
                for a in apps
            ]
            ObjectChange.objects.bulk_create(log, batch_size=BATCH_SIZE)
    except IntegrityError:
        # Another case was opened for one of these households meanwhile (one open case each).
        raise ApplicationError(_("有农户刚刚被他人提出申请，请刷新后重试")) from None
    return ImportApplications(batch_id=batch_id, year=year, created=len(apps), application_ids=[a.pk for a in apps])
