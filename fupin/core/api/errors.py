"""Map domain errors to HTTP answers: ValidationError → 400, ApplicationError → 409, ScopeError → 404."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from fupin.core.errors import ApplicationError, ScopeError


def exception_handler(exc, context):
    if isinstance(exc, ScopeError):
        exc = Http404()
    elif isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, ApplicationError):
        return Response({"detail": exc.message, **exc.extra}, status=409)
    return drf_handler(exc, context)
