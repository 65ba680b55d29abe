"""What a layout reader and loader need to know about the import they are part of."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from fupin.core.changelog import Context
from fupin.exchange.issues import Issues
from fupin.exchange.regionindex import RegionIndex


@dataclass
class ImportContext:
    issues: Issues
    year: int
    today: dt.date
    regions: RegionIndex
    change: Context  # actor, source=import, batch id
    batch_id: uuid.UUID
    scope: list[str] | None = None  # region paths the actor may import into; None = unrestricted (CLI)
    valid_only: bool = False
    progress: Any = None
    notes: list[str] = field(default_factory=list)  # lines for the summary (ended members …)
    # 户编号 that the roster of this file creates: a dry run does not write them, so later
    # sheets (pairings, measures) accept them without finding them in the registry.
    pending_codes: set[str] = field(default_factory=set)
    # Rows that were refused, by what another sheet names them with (("cadre", name, phone),
    # ("team", name), ("household", code) …) → (sheet, Excel row): a pairing naming a refused
    # cadre points back at that row instead of calling the cadre missing.
    refused: dict[tuple[str, ...], tuple[str, int]] = field(default_factory=dict)

    def in_scope(self, path: str) -> bool:
        return self.scope is None or any(path.startswith(p) for p in self.scope)
