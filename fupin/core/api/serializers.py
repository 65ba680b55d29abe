"""Serializer helpers: code values with their labels, multi-code fields, masked personal data."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import TextChoices
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class DisplayLabelsMixin:
    """For model serializers that only render. Adds a read-only `<field>_display` label for
    every field named in `Meta.display_fields` (the model's `get_<field>_display()`), so
    clients get both the code and its label; and keeps "may be empty" on read-only code
    fields (DRF drops allow_blank from read-only fields, the schema would then promise a code)."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()  # type: ignore[misc]
        model = self.Meta.model  # type: ignore[attr-defined]
        for name, field in fields.items():
            if isinstance(field, serializers.ChoiceField) and field.read_only and field.source in (None, name):
                try:
                    model_field = model._meta.get_field(name)
                except FieldDoesNotExist:
                    continue
                field.allow_blank = bool(getattr(model_field, "blank", False))
        for name in getattr(self.Meta, "display_fields", ()):  # type: ignore[attr-defined]
            fields[f"{name}_display"] = serializers.CharField(source=f"get_{name}_display", read_only=True)
        return fields


class CodeListField(serializers.ListField):
    """A comma-joined code column ("02,04") as a JSON list of codes; each code is checked
    against the choices. Build it with `code_list(Choices, ...)`."""

    def __init__(self, *, choices: type[TextChoices], **kwargs: Any) -> None:
        self.choices_class = choices
        kwargs.setdefault("child", serializers.ChoiceField(choices=choices.choices))
        super().__init__(**kwargs)

    def to_representation(self, data: Any) -> list[str]:
        if isinstance(data, str):
            return [c for c in data.split(",") if c]
        return list(data)

    def to_internal_value(self, data: Any) -> str:  # type: ignore[override]
        codes = super().to_internal_value(data)
        return ",".join(dict.fromkeys(codes))


@cache
def _code_list_class(choices: type[TextChoices]) -> type[CodeListField]:
    # The items are documented as their own enum (named after the list field): the same code
    # list as a single-valued field (主要/其他致贫原因) would otherwise be one choice set under
    # two names, which drf-spectacular rightly warns about.
    schema = {"type": "array", "items": {"type": "string", "enum": list(choices.values)}}
    cls = type(f"{choices.__name__}ListField", (CodeListField,), {"__module__": __name__})
    return extend_schema_field(schema)(cls)


def code_list(choices: type[TextChoices], **kwargs: Any) -> CodeListField:
    return _code_list_class(choices)(choices=choices, **kwargs)


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class CodeLabelsField(serializers.Field):
    """Read-only labels of a comma-joined code column."""

    def __init__(self, *, choices: type[TextChoices], **kwargs: Any) -> None:
        self.labels = dict(choices.choices)
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> list[str]:
        return [str(self.labels.get(c, c)) for c in (value or "").split(",") if c]


class MaskedField(serializers.CharField):
    """A personal value shown in full only when the serializer context says `sensitive`."""

    def __init__(self, *, masker: Any, **kwargs: Any) -> None:
        self.masker = masker
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        value = "" if value is None else str(value)
        return value if self.context.get("sensitive") else self.masker(value)
