"""Text stored in one language, shown in the reader's.

Some records keep text built from a translatable label at the moment they were written (a
change log's object description, a default list title): the writer's language then sticks
to the row. These helpers recognise such a label in any of the site's languages and put the
reader's in its place, so old rows read right too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import translation


def in_every_language(build: Callable[[], Any]) -> list[str]:
    """`build()` rendered in each site language (the default language first)."""
    codes = [settings.LANGUAGE_CODE] + [c for c, _ in settings.LANGUAGES if c != settings.LANGUAGE_CODE]
    out = []
    for code in codes:
        with translation.override(code):
            out.append(str(build()))
    return out


def is_default_text(stored: str, build: Callable[[], Any]) -> bool:
    """Whether `stored` is empty or `build()` as written in some site language."""
    return not (stored or "").strip() or stored in in_every_language(build)


def choice_label(model: type[models.Model], field: str, value: Any) -> Any:
    """The (lazy) label of `value` in the choices of `model.field`, or None."""
    try:
        f = model._meta.get_field(field)
    except FieldDoesNotExist:  # a field since removed
        return None
    return dict(getattr(f, "flatchoices", None) or ()).get(value)


def relabel(text: str, model: type[models.Model] | None, values: dict[str, Any]) -> str:
    """`text` with every choice label of `model` that it holds for `values` (field → code, e.g.
    a change's snapshot) put in the reader's language."""
    if model is None or not text:
        return text
    for f in model._meta.concrete_fields:
        if not f.choices or f.name not in values:
            continue
        label = choice_label(model, f.name, values[f.name])
        if label is None:
            continue
        current = str(label)
        for written in in_every_language(partial(str, label)):
            if written and written != current and written in text:
                text = text.replace(written, current)
    return text
