"""Every role's main pages fit a phone screen (390×844), in Chinese and in English.

Nothing may make the page itself scroll sideways: wide tables scroll inside their wrapper.
The world has a poor household in 大昌村 with several members and yearly facts, a visit, an
open wish and an alert, so that lists, tables and forms have rows to lay out.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from fupin.assistance.services import visit_record, wish_post
from fupin.monitoring.services.alerts import alert_report
from fupin.registry.services import household_year_save, member_add
from tests.assistance.conftest import make_cadre

# The worlds of the app matrices, combined by `full_world` (fixtures, used by name).
from tests.assistance.test_matrix import world as assistance_world  # noqa: F401
from tests.conftest import DACHANG, JIEFANG, SYSTEM, head_data, make_household, new_id
from tests.core.test_matrix import world as core_world  # noqa: F401
from tests.identification.test_matrix import world as identification_world  # noqa: F401
from tests.monitoring.test_matrix import world as monitoring_world  # noqa: F401
from tests.registry.test_matrix import world as registry_world  # noqa: F401
from tests.test_english_ui import (
    PAGES,
    full_world,  # noqa: F401
)

# No live server: the browser's requests are answered by Django's test client inside the test's
# transaction (pages) and by the static-file finders (CSS, JS), so the world of the app
# matrices, with the policy tables the migrations seed, is there as in any other test.
pytestmark = pytest.mark.browser

BASE = "http://testserver"

WIDTH, HEIGHT = 390, 844

# The widest elements that stick out of the viewport, to say what overflows.
OVERFLOWING = """(width) => [...document.querySelectorAll('body *')]
  .filter((e) => e.getBoundingClientRect().right > width + 1 && !e.closest('.table-wrap, .table-scroll'))
  .slice(0, 5)
  .map((e) => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).replace(/ +/g, '.') : '')
              + ' right=' + Math.round(e.getBoundingClientRect().right))"""


@pytest.fixture
def phone_world(db, cadre, coordinator, reviewer, leader):
    household = make_household("4304050142010321", head=head_data(name="陈大山"))
    for name, relation in (("陈小花", "02"), ("陈小明", "03"), ("陈小红", "03")):
        member_add(
            ctx=SYSTEM,
            household=household,
            reason="05",
            data={
                "name": name,
                "id_number": new_id(female=name != "陈小明"),
                "relation": relation,
                "education": "03",
                "health": "01",
                "labour_skill": "1",
            },
        )
    household_year_save(ctx=SYSTEM, household=household, year=2019, data={"wage_income": Decimal("12000")})
    make_household("4304052012010321", JIEFANG)
    mine = make_cadre("罗志强", DACHANG, user=cadre)
    visit_record(ctx=SYSTEM, household=household, cadre=mine, checklist={"chat": True})
    wish_post(ctx=SYSTEM, household=household, item="书包和文具一套", estimated_cost=Decimal(120))
    alert_report(ctx=SYSTEM, household=household, source="cadre", description="户主住院，医疗支出较大")
    return {"household": household, "today": dt.date.today()}


def pages(household) -> dict[str, list[str]]:
    """The main pages of each role."""
    detail = reverse("registry:household_detail", kwargs={"pk": household.pk})
    return {
        "cadre": [
            reverse("registry:household_list"),
            detail,
            reverse("assistance:visit_create") + f"?household={household.pk}",
            reverse("assistance:me"),
            reverse("monitoring:dashboard"),
        ],
        "reviewer": [reverse("identification:index"), reverse("identification:application_list")],
        "coordinator": [
            reverse("registry:household_list"),
            detail,
            reverse("reports:dashboard"),
            reverse("assistance:coverage"),
            reverse("monitoring:dashboard"),
            reverse("identification:index"),
            reverse("exchange:import_list"),
            reverse("exchange:import_upload"),
        ],
        "leader": [reverse("reports:dashboard"), reverse("monitoring:dashboard")],
        "anonymous": [reverse("assistance:public_wishes"), reverse("accounts:login")],
    }


def _answer(client: Client):
    """A Playwright route handler that answers like the site would. Playwright calls it from its
    own greenlet, whose context would open a second database connection (outside the test's
    transaction): the test's context is carried in so that the test's connection is used."""
    context = contextvars.copy_context()

    def answer(route, request):
        # A copy per request: several requests are in flight at once, each in its own greenlet.
        context.copy().run(_fulfil, client, route, request)

    return answer


def _fulfil(client: Client, route, request) -> None:
    url = urlsplit(request.url)
    if url.path.startswith(settings.STATIC_URL):
        path = finders.find(url.path.removeprefix(settings.STATIC_URL))
        route.fulfill(status=200, path=path) if path else route.fulfill(status=404)
        return
    headers = {k: v for k, v in request.headers.items() if k.lower().startswith("hx-")}
    path = url.path + (f"?{url.query}" if url.query else "")
    response = client.generic(request.method, path, data=request.post_data_buffer or b"", headers=headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    route.fulfill(status=response.status_code, headers=dict(response.items()), body=body)


def too_wide(browser, urls: list[str], *, user, language: str) -> dict[str, object]:
    """The pages of `urls` (as `user`, in `language`) whose document is wider than the phone."""
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    context.route("**/*", _answer(client))
    page = context.new_page()
    page.set_default_timeout(15000)
    found: dict[str, object] = {}
    try:
        for url in urls:
            response = page.goto(BASE + url)
            assert response is not None and response.status == 200, f"{url}: {response and response.status}"
            page.wait_for_load_state("networkidle")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > WIDTH:
                found[url] = (width, page.evaluate(OVERFLOWING, WIDTH))
    finally:
        context.close()
    return found


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("role", ["cadre", "reviewer", "coordinator", "leader", "anonymous"])
def test_main_pages_fit_a_phone(browser, phone_world, request, role, language):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    found = too_wide(browser, pages(phone_world["household"])[role], user=user, language=language)
    assert not found, f"pages wider than {WIDTH}px for {role} ({language}): {found}"


# Every HTML page of the permission matrix the district office opens (tests/test_english_ui.py
# builds its world from the matrices of all apps), in English: the longer words wrap worst.


def test_every_coordinator_page_fits_a_phone(browser, full_world, coordinator):  # noqa: F811
    client = Client()
    client.force_login(coordinator)
    urls = []
    for case in PAGES:
        url = case.url(full_world)
        response = client.get(url)
        # A whole page (not a file, nor an htmx fragment such as a job's progress bar).
        if url not in urls and response["Content-Type"].startswith("text/html") and b"<!doctype" in response.content:
            urls.append(url)
    found = too_wide(browser, urls, user=coordinator, language="en")
    assert not found, f"pages wider than {WIDTH}px: {found}"
