"""Browser tests drive Debian's Chromium at /usr/bin/chromium through Playwright.

Playwright never downloads a browser here: `browser` launches the system Chromium. Where
it is missing the tests are skipped with a notice, except in CI (CI=true), where they
fail: `.ci/run` installs Chromium, so a missing browser there is a broken CI, not a skip.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("FUPIN_CHROMIUM", "/usr/bin/chromium"))
# Flags for a closed network and a root user (see the machine notes in docs/operations.md).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in the test thread; the live server and the
# test's own ORM calls are still synchronous, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium`"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true: browser tests must run)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _chromium_available():
    _require_chromium()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
