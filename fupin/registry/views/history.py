"""The change history of a household as rows a person can read: field verbose names and
code labels instead of column names and codes. Region ids are resolved with one query."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from fupin.core.choices import ChangeAction
from fupin.core.models import ObjectChange
from fupin.regions.models import Region
from fupin.registry.choices import Cause, Health
from fupin.registry.models import HouseholdYear, Member

# Comma-joined code lists stored in one column.
CODE_LISTS = {"other_causes": dict(Cause.choices), "health": dict(Health.choices)}
HIDDEN = {"household"}  # a member's or year's household never changes and is the page itself
EMPTY = "—"
# An imported household's creation nests the snapshots of its members and of its year
# (docs/decisions/0003-import-creation-log.md): each is shown as a small table.
NESTED: dict[str, type[models.Model]] = {"members": Member, "years": HouseholdYear}


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class NestedTable:
    label: str
    columns: list[str]
    rows: list[list[str]]


@dataclass
class HistoryEntry:
    change: ObjectChange
    kind: str
    fields: list[FieldChange] = field(default_factory=list)
    tables: list[NestedTable] = field(default_factory=list)


def display_value(f: models.Field | None, value: Any, regions: dict[int, str] | None = None) -> str:
    """A stored value as people read it: code labels, 是/否, region names, — for empty."""
    if value is None or value == "":
        return EMPTY
    if f is None:
        return str(value)
    if f.name in CODE_LISTS:
        labels = CODE_LISTS[f.name]
        return _("、").join(str(labels.get(c, c)) for c in str(value).split(",") if c)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.BooleanField):
        return _("是") if value else _("否")
    if isinstance(f, models.ForeignKey) and f.related_model is Region:
        return (regions or {}).get(value, str(value))
    return str(value)


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        f = model._meta.get_field(name)
    except FieldDoesNotExist:  # a field since removed from the model still shows by its name
        return None
    return f if isinstance(f, models.Field) else None


def nested_table(name: str, value: Any, regions: dict[int, str] | None = None) -> NestedTable:
    """Nested snapshots (a list of dicts, or one dict) as a table: one column per field that any
    of them holds, in the model's field order, with values as people read them."""
    model = NESTED[name]
    records = [r for r in (value if isinstance(value, list) else [value]) if isinstance(r, dict)]
    order = {f.name: i for i, f in enumerate(model._meta.concrete_fields)}
    names = sorted(
        {k for r in records for k, v in r.items() if k not in HIDDEN and v not in ("", None, False)},
        key=lambda k: (order.get(k, len(order)), k),
    )
    fields = [_field(model, n) for n in names]
    return NestedTable(
        label=str(model._meta.verbose_name),
        columns=[str(f.verbose_name) if f is not None else n for f, n in zip(fields, names, strict=True)],
        rows=[[display_value(f, r.get(n), regions) for f, n in zip(fields, names, strict=True)] for r in records],
    )


def history_entries(changes: Iterable[ObjectChange]) -> list[HistoryEntry]:
    changes = list(changes)
    region_ids: set[int] = set()
    for c in changes:
        for side in (c.before or {}, c.after or {}):
            if isinstance(side.get("region"), int):
                region_ids.add(side["region"])
    regions = dict(Region.objects.filter(pk__in=region_ids).values_list("pk", "name")) if region_ids else {}
    entries = []
    for c in changes:
        model = c.content_type.model_class()
        kind = str(model._meta.verbose_name) if model else c.content_type.model
        entry = HistoryEntry(change=c, kind=kind)
        order = {f.name: i for i, f in enumerate(model._meta.concrete_fields)} if model else {}
        rows = sorted(c.changed_fields(), key=lambda row: order.get(row[0], len(order)))
        for name, before, after in rows:
            if c.action == ChangeAction.CREATE and name in NESTED and after:
                entry.tables.append(nested_table(name, after, regions))
                continue
            # A new record lists what it was given; its empty fields and unset flags are noise.
            if name in HIDDEN or (c.action == ChangeAction.CREATE and after in ("", None, False)):
                continue
            f = _field(model, name)
            shown = FieldChange(
                str(f.verbose_name) if f is not None else name,
                display_value(f, before, regions),
                display_value(f, after, regions),
            )
            if shown.before != shown.after:
                entry.fields.append(shown)
        entries.append(entry)
    return entries
