"""Pages: the phone-first visit form, the plan page, the cadre's home, fixed query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fupin.assistance.models import MeasureItem, Pairing, Visit
from fupin.assistance.services import measure_create, pairing_assign
from tests.assistance.conftest import make_cadre, png_upload
from tests.conftest import GUANGHUI, SYSTEM, make_household


@pytest.fixture
def cadre_client(cadre):
    client = Client()
    client.force_login(cadre)
    return client


def test_cadre_records_a_visit_with_a_photo_from_the_phone_form(cadre, cadre_client, dachang_household):
    me = make_cadre("罗志强", user=cadre)
    pairing_assign(ctx=SYSTEM, household=dachang_household, cadre=me)
    form = cadre_client.get(reverse("assistance:visit_create")).content.decode()
    assert dachang_household.code in form  # picked from "my households"
    assert 'accept="image/*"' in form and 'capture="environment"' in form
    assert "拉家常" in form and "参加劳动" in form
    r = cadre_client.post(
        reverse("assistance:visit_create"),
        {
            "household": dachang_household.pk,
            "visited_on": dt.date.today().isoformat(),
            "chat": "on",
            "policy": "on",
            "notes": "了解务工情况",
            "photos": [png_upload((3000, 2000))],
            "latitude": "26.901234",
            "longitude": "112.654321",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    visit = Visit.objects.get()
    assert (visit.cadre, visit.chat, visit.policy, visit.labour) == (me, True, True, False)
    assert visit.latitude == Decimal("26.901234")
    photo = visit.photos.get()
    assert max(photo.width, photo.height) == 1600
    detail = cadre_client.get(r["Location"]).content.decode()
    assert reverse("assistance:visit_photo", args=[photo.pk]) in detail


def test_visit_form_errors_are_shown_not_raised(cadre, cadre_client, dachang_household):
    pairing_assign(ctx=SYSTEM, household=dachang_household, cadre=make_cadre("罗志强", user=cadre))
    r = cadre_client.post(
        reverse("assistance:visit_create"),
        {"household": dachang_household.pk, "visited_on": dt.date.today().isoformat()},
    )
    assert r.status_code == 200
    assert "请至少勾选一项" in r.content.decode()
    r = cadre_client.post(
        reverse("assistance:visit_create"),
        {
            "household": dachang_household.pk,
            "visited_on": dt.date.today().isoformat(),
            "chat": "on",
            "photos": [png_upload((10, 10), name="a.png")],
            "latitude": "26.9",
        },
    )
    assert "纬度和经度" in r.content.decode()


def test_a_household_outside_my_pairings_cannot_be_picked(cadre, cadre_client, jiefang_household):
    make_cadre("罗志强", user=cadre)
    r = cadre_client.post(
        reverse("assistance:visit_create"),
        {"household": jiefang_household.pk, "visited_on": dt.date.today().isoformat(), "chat": "on"},
    )
    assert r.status_code == 200 and not Visit.objects.exists()


def test_plan_page_shows_gaps_measures_and_schedule(coordinator, regions):
    h = make_household("4304050142010001", main_cause="01", attribute="2")
    measure_create(
        ctx=SYSTEM,
        household=h,
        year=2017,
        data={
            "item": MeasureItem.objects.get(name="扶贫小额信贷"),
            "amount": Decimal(30000),
            "term_months": 12,
            "annual_rate": Decimal("4.35"),
        },
    )
    client = Client()
    client.force_login(coordinator)
    html = client.get(reverse("assistance:household_plan", args=[h.pk, 2017])).content.decode()
    assert 'data-gap="illness"' in html
    assert "扶贫小额信贷" in html and "1,305" in html  # the interest subsidy
    assert "兜底保障发放计划" in html and "3,240" in html  # 270 × 1 person × 12


def test_cadre_home_lists_households_and_overdue(cadre, cadre_client, regions):
    me = make_cadre("罗志强", user=cadre)
    h1, h2 = make_household("4304050142010001"), make_household("4304050142010002")
    Pairing.objects.create(household=h1, cadre=me, started_on=dt.date(2017, 1, 1))
    Pairing.objects.create(household=h2, cadre=me, started_on=dt.date.today())
    html = cadre_client.get(reverse("assistance:me")).content.decode()
    assert h1.code in html and h2.code in html
    assert html.count('class="overdue"') == 1  # h1 is long overdue, h2 was paired today


def test_cadre_without_a_record_gets_an_explanation(cadre_client, regions):
    html = cadre_client.get(reverse("assistance:me")).content.decode()
    assert "没有关联帮扶干部档案" in html


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "name",
    [
        "assistance:coverage",
        "assistance:overdue",
        "assistance:workload",
        "assistance:visit_list",
        "assistance:wish_list",
        "assistance:cadre_list",
    ],
)
def test_list_pages_run_a_fixed_number_of_queries(coordinator, regions, name):
    client = Client()
    client.force_login(coordinator)
    a, b = make_cadre("甲"), make_cadre("乙", GUANGHUI)

    def add(n, start):
        for i in range(start, start + n):
            h = make_household(f"43040501420100{i:02d}")
            Pairing.objects.create(household=h, cadre=a if i % 2 else b)
            Visit.objects.create(household=h, cadre=a, visited_on=dt.date(2017, 1, 1), chat=True)

    add(2, 1)
    small = _queries(client, reverse(name))
    add(6, 3)
    make_cadre("丙")
    assert _queries(client, reverse(name)) == small


def test_household_panel_tag_shows_cadre_and_gaps_in_scope_only(cadre, other_cadre, regions):
    from django.template import Context, Template
    from django.test import RequestFactory

    h = make_household("4304050142010001", main_cause="01")
    pairing_assign(ctx=SYSTEM, household=h, cadre=make_cadre("罗志强"))
    template = Template("{% load assistance_tags %}{% household_assistance household %}")
    request = RequestFactory().get("/")
    request.user = cadre
    html = template.render(Context({"request": request, "household": h}))
    assert "罗志强" in html and 'data-gap="illness"' in html
    request.user = other_cadre
    assert "罗志强" not in template.render(Context({"request": request, "household": h}))
