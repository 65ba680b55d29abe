"""Layout 3's 队长, set in a final pass once every sheet of the workbook is loaded.

The teams sheet loads before the cadres sheet (a cadre names its team), so a leader named in
the same workbook does not exist yet when its team's row is applied. The teams loader keeps
the rows it applied and this pass sets their leaders afterwards. A name is looked up among
the cadres of the team itself, else of the team's village, else of its linked unit, else of
the whole registry: the narrowest of these that holds a cadre of that name must hold exactly
one, otherwise the leader is ambiguous. Ambiguous and unknown leaders are row errors on the
队长 column; the team itself stays as its row loaded it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from fupin.assistance.models import Cadre, WorkTeam
from fupin.assistance.services import work_team_update
from fupin.core.errors import ApplicationError, ValidationError
from fupin.exchange.context import ImportContext
from fupin.exchange.layouts.assist_common import Rows, report_refusal


def leader_of(name: str, team: WorkTeam, refused: dict[tuple[str, ...], tuple[str, int]] | None = None) -> Cadre:
    """The one cadre called `name` that can lead `team` (see the module's docstring). A name
    only found on a cadres row refused in this import (`refused`, see ImportContext) is
    reported as that row's error, not as a cadre missing from the sheet."""
    found = list(Cadre.objects.filter(name=name).select_related("region"))
    if not found:
        where = (refused or {}).get(("cadre_name", name))
        if where is not None:
            raise ValidationError(
                {
                    "leader": _("队长“{name}”在工作表“{sheet}”第 {row} 行有错误，未导入").format(
                        name=name, sheet=where[0], row=where[1]
                    )
                }
            )
        raise ValidationError({"leader": _("队长“{name}”不在帮扶干部中（请在“帮扶干部”表中列出）").format(name=name)})
    levels = (
        [c for c in found if c.team_id == team.pk],
        [c for c in found if c.region.path.startswith(team.region.path)],
        [c for c in found if team.unit_id is not None and c.unit_id == team.unit_id],
        found,
    )
    narrowest = next(level for level in levels if level)
    if len(narrowest) > 1:
        raise ValidationError(
            {
                "leader": _("队长“{name}”对应 {n} 名同名干部，无法确定是谁：请在“帮扶干部”表中填写其工作队").format(
                    name=name, n=len(narrowest)
                )
            }
        )
    return narrowest[0]


@dataclass
class PendingLeaders:
    """The teams rows applied so far, whose 队长 is set by calling this once all sheets are in."""

    rows: Rows
    ctx: ImportContext
    counts: dict[str, int]  # the teams sheet's counts, corrected in place
    applied: list[tuple[dict[str, Any], int, str]] = field(default_factory=list)  # record, team pk, outcome

    def add(self, record: dict[str, Any], team_pk: int, outcome: str) -> None:
        self.applied.append((record, team_pk, outcome))

    def __call__(self) -> dict[str, Any]:
        refused = 0
        for record, team_pk, outcome in self.applied:
            try:
                with transaction.atomic():
                    changed = self._set(record, team_pk)
            except (ValidationError, ApplicationError) as exc:
                report_refusal(self.rows, self.ctx, record, exc)
                refused += 1
                continue
            if changed and outcome == "unchanged":
                self.counts["unchanged"] -= 1
                self.counts["updated"] += 1
        # A refused 队长 is a row error like any other: the row counts as rejected, though its
        # team stays as the rest of the row loaded it.
        return {"rejected": refused}

    def _set(self, record: dict[str, Any], team_pk: int) -> bool:
        team = WorkTeam.objects.select_related("region").get(pk=team_pk)
        leader = leader_of(record["leader"], team, self.ctx.refused) if record["leader"] else None
        if team.leader_id == (leader.pk if leader else None):
            return False
        work_team_update(ctx=self.ctx.change, team=team, data={"leader": leader})
        return True
