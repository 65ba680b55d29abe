"""Typed domain errors. Interfaces map them to form errors, HTTP 400/409 or CLI exit codes."""

from django.core.exceptions import ValidationError

__all__ = ["ApplicationError", "ScopeError", "ValidationError"]


class ApplicationError(Exception):
    """A request that the domain refuses (a rule, not a malformed field)."""

    def __init__(self, message: str, *, extra: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class ScopeError(ApplicationError):
    """The actor may not touch the target region. Interfaces answer 404, never 403."""
