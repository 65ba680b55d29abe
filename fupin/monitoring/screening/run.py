"""The whole screening of a year as one run: every department list of the year, then the
income comparison with the year before; the counts come back for the job's result page."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.accounts.scoping import scope_paths
from fupin.core.changelog import Context
from fupin.core.jobs import Progress
from fupin.monitoring.choices import AlertStatus
from fupin.monitoring.models import Alert, DepartmentList
from fupin.monitoring.screening.income import screen_income
from fupin.monitoring.screening.lists import screen_list
from fupin.regions.models import Region

PERM = "monitoring.run_screening"


def screening_paths(actor: Any) -> list[str]:
    """Region paths the run covers: the actor's scope, everything for system work."""
    if actor is None or getattr(actor, "is_superuser", False):
        return [r.path for r in Region.objects.get_root_nodes()]
    return scope_paths(actor, PERM)


def screening_run(*, ctx: Context, year: int, progress: Progress) -> dict[str, Any]:
    paths = screening_paths(ctx.actor)
    if not paths:
        return {"year": year, "lists": [], "income": None, "alerts": 0}
    scope = Q()
    for p in paths:
        scope |= Q(region__path__startswith=p)
    lists = list(DepartmentList.objects.filter(scope, year=year).select_related("region").order_by("created", "id"))
    progress.start(len(lists) + 1, _("{year} 年防返贫筛查").format(year=year))
    result: dict[str, Any] = {"year": year, "lists": [], "alerts": 0, "attached": 0}
    for dl in lists:
        progress.step(_("筛查部门名单：{title}").format(title=dl.title))
        r = screen_list(ctx=ctx, dl=dl)
        result["lists"].append(
            {
                "id": dl.pk,
                "title": dl.title,
                "kind": dl.kind,
                "rows": r.rows,
                "matched_persons": r.matched_persons,
                "alerts": r.alerts,
                "attached": r.attached,
            }
        )
        result["alerts"] += r.alerts
        result["attached"] += r.attached
        progress.advance(1)
    progress.step(_("比对 {y} 年与 {p} 年收入").format(y=year, p=year - 1))
    inc = screen_income(ctx=ctx, year=year, paths=paths)
    result["income"] = {"households": inc.households, "alerts": inc.alerts, "attached": inc.attached}
    result["alerts"] += inc.alerts
    result["attached"] += inc.attached
    progress.advance(1)
    today = timezone.localdate()
    open_alerts = Alert.objects.filter(scope, status=AlertStatus.OPEN)
    result["open"] = open_alerts.count()
    result["overdue"] = open_alerts.filter(deadline__lt=today).count()
    progress.step(_("筛查完成：新增预警 {n} 条").format(n=result["alerts"]))
    return result
