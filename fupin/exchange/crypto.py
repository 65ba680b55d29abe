"""Bulk encryption of bank accounts beside the main work.

Fernet costs ~15 µs a value in Python; for 300,000 households that is seconds on the
critical path. A big batch is therefore handed to one worker process that
encrypts while the importer goes on comparing and inserting other rows (the second core
is otherwise idle); small batches are done inline. The worker receives the key, never the
settings, and the tokens are exactly what `fupin.core.fields.encrypt` produces.
"""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import threading
from typing import Any

from django.conf import settings

INLINE_LIMIT = 20_000


def _key() -> str:
    key = settings.FIELD_ENCRYPTION_KEY
    if not key:  # the same derivation as fupin.core.fields for the demo
        key = base64.urlsafe_b64encode(hashlib.sha256(settings.SECRET_KEY.encode()).digest()).decode()
    return key


def _encrypt_all(key: str, values: list[str]) -> list[str]:
    from cryptography.fernet import Fernet

    f = Fernet(key.encode())
    return [f.encrypt(v.encode()).decode() if v else "" for v in values]


def _decrypt_all(key: str, values: list[str]) -> list[str]:
    from cryptography.fernet import Fernet, InvalidToken

    f = Fernet(key.encode())
    out = []
    for v in values:
        try:
            out.append(f.decrypt(v.encode()).decode() if v else "")
        except InvalidToken:
            out.append("")
    return out


class _Done:
    """A finished future for the inline path."""

    def __init__(self, value: Any) -> None:
        self._value = value

    def result(self) -> Any:
        return self._value


WORKER = """
import sys
from cryptography.fernet import Fernet, InvalidToken
f = Fernet(sys.stdin.readline().strip().encode())
mode = sys.stdin.readline().strip()
out = []
for line in sys.stdin.read().split("\\n"):
    if not line:
        out.append("")
    elif mode == "encrypt":
        out.append(f.encrypt(line.encode()).decode())
    else:
        try:
            out.append(f.decrypt(line.encode()).decode())
        except InvalidToken:
            out.append("")
sys.stdout.write("\\n".join(out))
"""


class _Worker:
    """A plain child interpreter fed through a pipe (no multiprocessing: it would re-import
    the parent's main module), read by a thread so that the parent goes on working."""

    def __init__(self, mode: str, values: list[str]) -> None:
        self._n = len(values)
        self._out: list[str] | None = None
        self._error: BaseException | None = None
        payload = f"{_key()}\n{mode}\n" + "\n".join(values)
        self._proc = subprocess.Popen(  # noqa: S603 — our own interpreter and fixed code
            [sys.executable, "-c", WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        self._thread = threading.Thread(target=self._talk, args=(payload,), daemon=True)
        self._thread.start()

    def _talk(self, payload: str) -> None:
        try:
            out, err = self._proc.communicate(payload.encode())
            if self._proc.returncode != 0:
                raise RuntimeError(err.decode(errors="replace")[-500:])
            self._out = out.decode().split("\n")
        except BaseException as exc:
            self._error = exc

    def result(self) -> list[str]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._out is not None and len(self._out) == self._n, "encryption worker lost rows"
        return self._out


def _submit(mode: str, values: list[str]) -> _Worker | _Done:
    # Newlines cannot occur in an account number; a value that has one is done inline.
    if len(values) < INLINE_LIMIT or any("\n" in v for v in values):
        func = _encrypt_all if mode == "encrypt" else _decrypt_all
        return _Done(func(_key(), values))
    return _Worker(mode, values)


def encrypt_later(values: list[str]) -> _Worker | _Done:
    return _submit("encrypt", values)


def decrypt_later(values: list[str]) -> _Worker | _Done:
    return _submit("decrypt", values)
