"""Every named URL of the project must appear in some app's permission matrix."""

import importlib
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

import tests

IGNORED_NAMESPACES = {"admin"}  # Django admin: staff-only by Django itself
IGNORED_NAMES = {
    "set_language",
    "healthz",
    "api-schema",
    "api-docs",
    "api-redoc",
    "api-root",
    "home",
    "accounts:login",
    "accounts:logout",
}


def _names(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            if p.namespace in IGNORED_NAMESPACES:
                continue
            yield from _names(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + p.name


def _covered():
    names = set()
    root = Path(tests.__file__).parent
    for path in root.rglob("test_matrix*.py"):
        if path.name == "test_matrix_coverage.py":
            continue
        module = ".".join(path.relative_to(root.parent).with_suffix("").parts)
        mod = importlib.import_module(module)
        names |= {c.name for c in getattr(mod, "CASES", [])}
    return names


def test_every_url_is_in_a_matrix():
    all_names = set(_names(get_resolver().url_patterns)) - IGNORED_NAMES
    missing = sorted(all_names - _covered())
    assert not missing, f"URL names without a permission-matrix case: {missing}"
