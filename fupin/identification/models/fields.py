"""Field helpers of the identification models."""

from typing import Any

from django.db import models


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
# were the repeated keys). The compact forms are JSON arrays; reading expands them into the
# documented keyed shapes, so every reader sees what `RuleResult.as_json` and
# `HouseholdSnapshot.as_inputs` produce. Keyed documents (older rows, other shapes) are read
# and written unchanged.
INPUT_KEYS = (
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
)


def _detail_keys() -> dict[str, tuple[str, ...]]:
    from fupin.identification.rules import DETAIL_KEYS

    return DETAIL_KEYS


def compact_inputs(value: Any) -> Any:
    if isinstance(value, dict) and tuple(value) == INPUT_KEYS:
        return [value[k] for k in INPUT_KEYS]
    return value


def expand_inputs(value: Any) -> Any:
    if isinstance(value, list) and len(value) == len(INPUT_KEYS):
        return dict(zip(INPUT_KEYS, value, strict=True))
    return value


def compact_results(value: Any) -> Any:
    """[{"criterion": c, "outcome": o, **detail}] → [[c, o, *detail values in DETAIL_KEYS
    order, null where absent]]; a result of another shape stays a keyed object."""
    if not isinstance(value, list):
        return value
    keys_of = _detail_keys()
    out: list[Any] = []
    for r in value:
        keys = keys_of.get(r.get("criterion")) if isinstance(r, dict) else None
        extra = set(r) - {"criterion", "outcome", *keys} if keys is not None else None
        if keys is None or extra or "outcome" not in r or any(r.get(k, 0) is None for k in keys):
            out.append(r)
        else:
            out.append([r["criterion"], r["outcome"], *(r.get(k) for k in keys)])
    return out


def expand_results(value: Any) -> Any:
    if not isinstance(value, list):
        return value
    keys_of = _detail_keys()
    out: list[Any] = []
    for r in value:
        if isinstance(r, list) and len(r) >= 2:
            detail = {k: v for k, v in zip(keys_of.get(r[0], ()), r[2:], strict=False) if v is not None}
            out.append({"criterion": r[0], "outcome": r[1], **detail})
        else:
            out.append(r)
    return out


class CompactJSONField(models.JSONField):
    """A JSONField stored through `compact`/`expand` (see above). The column is the same
    json/jsonb column as JSONField's: no schema change, and migrations see a JSONField."""

    def __init__(self, *args: Any, compact: Any = None, expand: Any = None, **kwargs: Any) -> None:
        self.compact, self.expand = compact or (lambda v: v), expand or (lambda v: v)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.JSONField", args, kwargs

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return self.expand(super().from_db_value(value, expression, connection))

    def get_prep_value(self, value: Any) -> Any:
        return super().get_prep_value(self.compact(value))
