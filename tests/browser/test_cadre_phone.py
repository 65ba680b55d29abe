"""A village cadre on a phone logs in, searches and opens a household of their village."""

import pytest

from tests.conftest import JIEFANG, head_data, make_household

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN", device_scale_factor=2
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_cadre_searches_and_opens_household_on_phone(transactional_db, live_server, phone, cadre):
    mine = make_household("4304050142010555", head=head_data(name="王小明"))
    make_household("4304052012010555", JIEFANG, head=head_data(name="王小红"))
    full_id = mine.members.get().id_number

    phone.goto(f"{live_server.url}/")
    phone.fill("input[name=username]", "cadre")
    phone.fill("input[name=password]", "test-pass-123")
    phone.click("main form[method=post] button[type=submit]")
    phone.wait_for_url("**/households/**")

    phone.fill("input[name=q]", "王小")
    phone.click("form[role=search] button[type=submit]")
    phone.wait_for_load_state()
    body = phone.inner_text("main")
    assert "4304050142010555" in body
    assert "4304052012010555" not in body  # the other township's household stays invisible
    assert full_id not in phone.content()  # the list masks ID numbers

    # Nothing on the page is wider than the phone's screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.click("text=4304050142010555")
    phone.wait_for_url(f"**/households/{mine.pk}/")
    detail = phone.inner_text("main")
    assert "王小明" in detail
    assert full_id in detail  # the cadre may see full personal data of their own village


def test_cadre_cannot_open_household_of_another_village(transactional_db, live_server, phone, cadre):
    other = make_household("4304052012010556", JIEFANG)
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("input[name=username]", "cadre")
    phone.fill("input[name=password]", "test-pass-123")
    phone.click("main form[method=post] button[type=submit]")
    phone.wait_for_url("**/households/**")
    response = phone.goto(f"{live_server.url}/households/{other.pk}/")
    assert response.status == 404
