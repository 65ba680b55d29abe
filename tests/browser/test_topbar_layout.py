"""The top bar keeps the user's name and the language buttons on one line at every width.

At 1366 px in English the area links once took the room of the user box, and the name and
"简体中文" stacked one character per line. On a desktop the bar now has the brand and the user
box in one row and the links in the next; on a tablet or phone they sit in the opened menu.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.browser.test_phone_layout import BASE, _answer

pytestmark = pytest.mark.browser

# Text of an element laid out on more than one line: its line boxes have different tops.
LINES = """(selector) => [...document.querySelectorAll(selector)].map((e) => {
  const range = document.createRange();
  range.selectNodeContents(e);
  const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
  return [e.textContent.trim(), tops.size];
})"""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("width", [1920, 1366, 1100, 768, 390])
def test_name_and_language_buttons_stay_on_one_line(browser, coordinator, language, width):
    coordinator.last_name, coordinator.first_name = "周", "卫东"
    coordinator.save(update_fields=["last_name", "first_name"])
    client = Client()
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    context = browser.new_context(viewport={"width": width, "height": 800})
    context.route("**/*", _answer(client))
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(BASE + reverse("registry:household_list"))
        page.wait_for_load_state("networkidle")
        if page.is_visible(".nav-toggle"):
            page.click(".nav-toggle")
        assert page.is_visible(".who-name") and page.is_visible(".lang-switch")
        broken = [
            (text, lines)
            for selector in (".who-name", ".lang-btn", ".logout-form button")
            for text, lines in page.evaluate(LINES, selector)
            if lines != 1
        ]
        assert not broken, f"broken over lines at {width}px ({language}): {broken}"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()
