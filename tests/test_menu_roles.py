"""Stories of the main navigation: each role sees exactly the areas it may open, and a donor
sees only the donor pages (staff pages answer a donor 404)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from fupin.assistance.services import donor_register
from tests.conftest import SYSTEM

pytestmark = pytest.mark.django_db
NAV = re.compile(r'<ul class="nav-links">(.*?)</ul>', re.S)
HREF = re.compile(r'href="([^"]+)"')


@pytest.fixture
def donor(db):
    return donor_register(ctx=SYSTEM, name="爱心王", phone="13600000000", password="a-Long-pass-2017")


def menu_links(client: Client, start: str) -> list[str]:
    page = client.get(start, follow=True)
    assert page.status_code == 200
    return HREF.findall(NAV.search(page.content.decode()).group(1))


def logged_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize("role", ["coordinator", "reviewer", "cadre", "analyst", "leader", "donor"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_menu_link_of_every_role_opens(request, role, language):
    user = request.getfixturevalue(role)
    c = logged_in(getattr(user, "user", user))
    c.cookies["django_language"] = language
    links = menu_links(c, reverse("home"))
    assert links
    for href in links:
        assert c.get(href).status_code == 200, (role, href)


@pytest.mark.parametrize(
    ("role", "absent"),
    [
        ("reviewer", ["exchange:import_list"]),
        ("cadre", ["exchange:import_list"]),
        ("analyst", ["exchange:import_list", "monitoring:dashboard"]),
        ("leader", ["exchange:import_list"]),
    ],
)
def test_the_menu_leaves_out_what_a_role_may_not_open(request, role, absent):
    links = menu_links(logged_in(request.getfixturevalue(role)), reverse("home"))
    for name in absent:
        assert reverse(name) not in links


def test_a_sector_reaches_its_department_lists_through_the_monitoring_entry(analyst):
    assert reverse("monitoring:list_list") in menu_links(logged_in(analyst), reverse("home"))


def test_the_district_office_sees_every_area(coordinator):
    links = menu_links(logged_in(coordinator), reverse("home"))
    for name in ("registry:household_list", "identification:index", "assistance:me", "monitoring:dashboard"):
        assert reverse(name) in links
    for name in ("reports:dashboard", "exchange:import_list", "core:job_list"):
        assert reverse(name) in links


def test_a_donor_sees_only_the_donor_pages(donor):
    c = logged_in(donor.user)
    page = c.get(reverse("assistance:donor_home")).content.decode()
    links = HREF.findall(NAV.search(page).group(1))
    assert links == [reverse("assistance:public_wishes"), reverse("assistance:donor_home")]
    assert "无角色" not in page and "爱心人士" in page


@pytest.mark.parametrize("name", ["registry:household_list", "assistance:me", "core:job_list", "monitoring:dashboard"])
def test_a_staff_page_answers_a_donor_404_with_the_donor_menu(donor, name):
    response = logged_in(donor.user).get(reverse(name))
    assert response.status_code == 404
    nav = NAV.search(response.content.decode())
    assert nav and reverse("assistance:donor_home") in nav.group(1)


def test_a_donor_who_registers_is_kept_to_the_donor_pages(client, regions):
    data = {"name": "爱心李", "phone": "13600000001", "password": "a-Long-pass-2017"}
    client.post(reverse("assistance:donor_register"), data)
    assert client.get(reverse("registry:household_list")).status_code == 404
    assert client.get(reverse("home")).url == reverse("assistance:donor_home")


def test_staff_keep_their_pages(cadre):
    assert logged_in(cadre).get(reverse("registry:household_list")).status_code == 200
