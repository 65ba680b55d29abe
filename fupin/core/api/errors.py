"""Map domain errors to HTTP answers.

- django ValidationError → 400 with field errors (`__all__` becomes `non_field_errors`)
- ScopeError, and a lookup that found nothing → 404 (out of scope never leaks existence)
- ApplicationError → 409 (the domain refuses the operation; the message says why)
- IntegrityError → 409 (a database invariant caught a concurrent write the service could not see)
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_handler

from fupin.core.errors import ApplicationError, ScopeError


def validation_detail(
    exc: DjangoValidationError, *, rename: dict[str, str] | None = None, nest: str | None = None
) -> dict[str, Any]:
    """A django ValidationError as DRF field errors; `rename` maps service field names to the
    API's, `nest` puts every error under one key (the nested head of a new household)."""
    raw = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    rename = rename or {}
    detail: dict[str, Any] = {}
    for field, messages in raw.items():
        key = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else rename.get(field, field)
        detail[key] = list(messages)
    return {nest: detail} if nest else detail


def raised_in_module(exc: BaseException, module: str) -> bool:
    """Whether `exc` was raised while code of `module` was running (used to tell a household's
    own errors from its head's, which share field names such as `phone`)."""
    return any(frame.f_globals.get("__name__") == module for frame, _ in traceback.walk_tb(exc.__traceback__))


@contextmanager
def service_errors(*, rename: dict[str, str] | None = None, nest: str | None = None) -> Iterator[None]:
    """Run a service call and turn its field errors into a 400 shaped like the request."""
    try:
        yield
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(validation_detail(exc, rename=rename, nest=nest)) from exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ScopeError | ObjectDoesNotExist | Http404):
        # One answer for "absent" and "out of scope" (Django's 404 text names the model).
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_detail(exc))
    elif isinstance(exc, ApplicationError):
        return Response({"detail": exc.message, **exc.extra}, status=409)
    elif isinstance(exc, IntegrityError):
        return Response({"detail": _("数据已被他人同时修改或与已有记录冲突，请刷新后重试")}, status=409)
    return drf_handler(exc, context)
