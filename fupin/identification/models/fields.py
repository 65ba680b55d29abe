"""Field helpers of the identification models."""

from typing import Any

from django.db import models

from fupin.core.fields import TextJSONField


def bulk_fk(to: Any, verbose: Any, **kw: Any) -> models.ForeignKey:
    """A foreign key of rows loaded in bulk (COPY) by the hundred thousand: no index unless
    asked, and no database constraint. PostgreSQL checks a constraint row by row at commit
    (measured: a minute of a re-check); the referenced rows are never deleted (households
    and members are closed or ended, regions and lists are PROTECTed), so integrity holds by
    construction and the ORM's on_delete still guards deletion."""
    kw.setdefault("db_index", False)
    kw.setdefault("on_delete", models.PROTECT)
    kw.setdefault("related_name", "+")
    return models.ForeignKey(to, verbose_name=verbose, db_constraint=False, **kw)


# An assessment's inputs and per-rule results are stored compactly (a re-check writes one per
# registered household: 250,000 rows, measured 770 bytes each as keyed JSON, of which most
# were the repeated keys). The compact forms are JSON arrays whose values are read by position,
# so each begins with a format marker naming its layout: ["v1", *values] for the inputs and
# ["v1", [criterion, outcome, *detail values], ...] for the results. Reading expands them into
# the documented keyed shapes, so every reader sees what `RuleResult.as_json` and
# `HouseholdSnapshot.as_inputs` produce. Keyed documents (other shapes) are read and written
# unchanged; arrays stored before the marker (no leading string) are layout "v1".
#
# A stored layout is never edited: rows written with it must still decode. A new key or order
# gets a new marker and layout here (and rules_bulk follows it); old rows keep theirs, unless a
# data migration rewrites them. tests/identification/test_compact_assessment.py pins them.
INPUT_LAYOUTS: dict[str, tuple[str, ...]] = {
    "v1": (
        "year",
        "per_capita_net_income",
        "persons",
        "food_secure",
        "clothing_secure",
        "house_grade",
        "dangerous_house",
        "water_safe",
        "water_difficult",
        "members",
    ),
}
RESULT_LAYOUTS: dict[str, dict[str, tuple[str, ...]]] = {
    "v1": {
        "income": ("year", "line", "value", "reason"),
        "food": ("reason",),
        "clothing": ("reason",),
        "education": ("out_of_school", "excused"),
        "medical": ("uninsured", "reason"),
        "housing": ("grade", "reason"),
        "water": ("reason",),
    },
}
UNMARKED = "v1"  # the layout of arrays stored without a marker
INPUT_FORMAT = "v1"  # the layout written now (also by rules_bulk)
RESULT_FORMAT = "v1"
INPUT_KEYS = INPUT_LAYOUTS[INPUT_FORMAT]
RESULT_KEYS = RESULT_LAYOUTS[RESULT_FORMAT]


def _layout[L](value: list[Any], layouts: dict[str, L]) -> tuple[L, list[Any]]:
    """The layout of a compact array and its values after the marker."""
    if value and isinstance(value[0], str):
        if value[0] not in layouts:
            # Written by a newer layout than this code knows: never guess the positions.
            raise ValueError(f"unknown compact assessment format {value[0]!r}")
        return layouts[value[0]], value[1:]
    return layouts[UNMARKED], value


def compact_inputs(value: Any) -> Any:
    if isinstance(value, dict) and tuple(value) == INPUT_KEYS:
        return [INPUT_FORMAT, *(value[k] for k in INPUT_KEYS)]
    return value


def expand_inputs(value: Any) -> Any:
    if not isinstance(value, list):
        return value
    keys, values = _layout(value, INPUT_LAYOUTS)
    if len(values) != len(keys):
        return value
    return dict(zip(keys, values, strict=True))


def _compact_result(r: Any) -> Any:
    if not isinstance(r, dict) or "outcome" not in r:
        return r
    criterion = r.get("criterion")
    keys = RESULT_KEYS.get(criterion) if isinstance(criterion, str) else None
    if keys is None or set(r) - {"criterion", "outcome", *keys} or any(r.get(k, 0) is None for k in keys):
        return r
    return [r["criterion"], r["outcome"], *(r.get(k) for k in keys)]


def compact_results(value: Any) -> Any:
    """[{"criterion": c, "outcome": o, **detail}] → [marker, [c, o, *detail values in the
    layout's order, null where absent]]; a result of another shape stays a keyed object."""
    if not isinstance(value, list) or (value and isinstance(value[0], str)):
        return value  # not results, or already compact
    return [RESULT_FORMAT, *(_compact_result(r) for r in value)]


def expand_results(value: Any) -> Any:
    if not isinstance(value, list):
        return value
    keys_of, values = _layout(value, RESULT_LAYOUTS)
    out: list[Any] = []
    for r in values:
        if isinstance(r, list) and len(r) >= 2:
            detail = {k: v for k, v in zip(keys_of.get(r[0], ()), r[2:], strict=False) if v is not None}
            out.append({"criterion": r[0], "outcome": r[1], **detail})
        else:
            out.append(r)
    return out


class CompactJSONField(TextJSONField):
    """A TextJSONField (`json` on PostgreSQL: nothing queries inside an assessment in SQL, and a
    re-check COPYs a quarter of a million of them) stored through `compact`/`expand` (see
    above)."""

    def __init__(self, *args: Any, compact: Any = None, expand: Any = None, **kwargs: Any) -> None:
        self.compact, self.expand = compact or (lambda v: v), expand or (lambda v: v)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return self.expand(super().from_db_value(value, expression, connection))

    def get_prep_value(self, value: Any) -> Any:
        return super().get_prep_value(self.compact(value))
