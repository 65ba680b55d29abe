"""Typed environment helpers that fail loudly."""

import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

KEYED_MODES = {"demo", "dev", "test"}


def load_secret_key(env: environ.Env, *, mode: str, var_dir: Path) -> str:
    """Return SECRET_KEY; outside demo/dev/test it must be given, else the process stops."""
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    if mode not in KEYED_MODES:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment or .env, or run with FUPIN_MODE=demo for a local demo."
        )
    path = var_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()
