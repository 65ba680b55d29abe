"""A text field encrypted at rest (Fernet), for bank accounts."""

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    if not key:
        # Derived key: acceptable for the demo; production sets FIELD_ENCRYPTION_KEY.
        key = base64.urlsafe_b64encode(hashlib.sha256(settings.SECRET_KEY.encode()).digest()).decode()
    return Fernet(key.encode())


def encrypt(value: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


class EncryptedCharField(models.TextField):
    """Stores Fernet ciphertext; Python code sees plain text. Not searchable by design."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)


class TextJSONField(models.JSONField):
    """A JSONField whose PostgreSQL column is `json` (the text, checked for syntax) instead of
    `jsonb`, for bulk-written documents that SQL never looks inside: the change log and the
    re-check's assessments. Parsing into jsonb is the larger part of writing them: COPYing a
    first import's 30,000 change rows (64 MB) took 1.07–1.16 s into jsonb and 0.62–0.71 s into
    json; 242,218 assessments 4.7 s against 3.1 s. `json` also keeps the keys in the order
    written. JSON lookups in queries (`after__status`) are not available on such a column.
    Elsewhere the column is JSONField's own."""

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def from_db_value(self, value, expression, connection):
        # psycopg decodes `json` itself (Django turns off only jsonb's decoding).
        if value is not None and not isinstance(value, str):
            return value
        return super().from_db_value(value, expression, connection)
