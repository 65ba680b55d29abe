"""Building a ledger file (the runner of the `reports.ledger` job and of the downloads)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from fupin.registry.models import Household
from fupin.reports.choices import LedgerKind
from fupin.reports.ledgers.common import ledger_for
from fupin.reports.ledgers.household import household_workbook
from fupin.reports.ledgers.regional import SHEETS
from fupin.reports.ledgers.workbook import new_workbook
from fupin.reports.scope import Scope


def ledger_write(*, kind: str, scope: Scope, year: int, user: Any, path: Path, progress: Any = None) -> int:
    """Write the `kind` ledger of `scope` and `year` to `path` (xlsx); returns its row count."""
    if kind not in SHEETS:
        raise ValueError(kind)
    wb = new_workbook()
    rows = SHEETS[kind](wb, ledger_for(scope=scope, year=year, user=user), progress)
    wb.save(path)
    return rows


def household_ledger_bytes(*, household: Household, scope: Scope, year: int, user: Any) -> bytes:
    """The 一户一档 workbook of one household, in memory (a few kilobytes)."""
    wb = new_workbook()
    household_workbook(wb, ledger_for(scope=scope, year=year, user=user), household)
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as fh:
        wb.save(fh.name)
        return Path(fh.name).read_bytes()


def ledger_filename(kind: str, region_code: str, year: int) -> str:
    return _("{kind}_{code}_{year}.xlsx").format(kind=LedgerKind(kind).label, code=region_code or "all", year=year)
