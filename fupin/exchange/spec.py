"""Column specifications and the layout registry (SPEC/exchange.md).

A layout is a column spec (what the file may carry), a reader (columns → typed, validated
frames with issues), a loader (frames → database, set-based) and a row generator for
export. Layouts register themselves here; the importer walks them in dependency order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from fupin.utils.text import fold

# Kinds of column value, each with its own column-wise parser in `parsing.py`.
TEXT, CODE, CODES, YESNO, INT, YEAR, MONEY, AREA, IDNO, PHONE, DATE = (
    "text",
    "code",
    "codes",
    "yesno",
    "int",
    "year",
    "money",
    "area",
    "idno",
    "phone",
    "date",
)


@dataclass(frozen=True)
class Column:
    name: str  # the header exports write
    key: str  # internal name of the value
    kind: str = TEXT
    required: bool = False
    household: bool = False  # layout 1: a household-level column (same on every row of the household)
    aliases: tuple[str, ...] = ()
    codes: str = ""  # code list name in `codes.CODE_LISTS` for CODE / CODES
    max_length: int = 0
    export: bool = True


def match_key(name: object) -> str:
    """How header texts are compared: folded (full-width → half-width, no spaces), with a
    trailing unit such as `(元)` dropped so `工资性收入(元)` finds `工资性收入`."""
    key = fold(name).replace("（", "(").replace("）", ")")
    for unit in ("(元)", "(元/年)", "(元/人)", "(人)", "(个)"):
        if key.endswith(unit) and len(key) > len(unit):
            key = key[: -len(unit)]
    return key


@dataclass
class Layout:
    key: str
    title: str  # e.g. 人员明细
    sheet_names: tuple[str, ...]
    columns: tuple[Column, ...]
    order: int  # dependency order: roster 1 → cadres/teams 2 → pairings 3 → measures 4
    read: Callable[..., Any] | None = None  # (sheet, ctx) → Prepared
    load: Callable[..., Any] | None = None  # (prepared, ctx) → counts
    rows: Callable[..., Iterator[list[Any]]] | None = None  # export row generator
    export_title: Callable[[Any], str] | None = None
    min_match: int = 3
    lookup: dict[str, Column] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for col in self.columns:
            for name in (col.name, *col.aliases):
                self.lookup.setdefault(match_key(name), col)

    def column(self, header: object) -> Column | None:
        return self.lookup.get(match_key(header))

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]

    @property
    def export_columns(self) -> list[Column]:
        return [c for c in self.columns if c.export]

    def score(self, headers: list[str]) -> int:
        """How many distinct columns of this layout a header row names."""
        return len({c.key for h in headers if (c := self.column(h)) is not None})


LAYOUTS: dict[str, Layout] = {}


def register(layout: Layout) -> Layout:
    LAYOUTS[layout.key] = layout
    return layout


def layouts() -> list[Layout]:
    """All layouts, in dependency order (importing the modules registers them)."""
    from fupin.exchange import layouts as _  # noqa: F401  (registration side effect)

    return sorted(LAYOUTS.values(), key=lambda layout: layout.order)


def known_names() -> set[str]:
    return {key for layout in layouts() for key in layout.lookup}


LOW_CARDINALITY = {CODE, CODES, YESNO, YEAR, INT, DATE}
LOW_CARDINALITY_KEYS = {"county", "township", "village", "hamlet", "bank_name", "unit", "employer", "team", "item"}


def compact_names() -> set[str]:
    """Headers (match keys) whose columns hold few distinct values: read as categoricals, so
    that a million rows of codes cost 4 bytes a cell instead of a 16-byte string view."""
    return {
        key
        for layout in layouts()
        for key, col in layout.lookup.items()
        if col.kind in LOW_CARDINALITY or col.key in LOW_CARDINALITY_KEYS
    }
