"""Bugs a user met walking through the demo (QA pass), each pinned by the page they saw.

- A button that leads to a 404: the sector analyst and the leader saw 「记录走访」 and
  「指定帮扶人」, a leader saw 「登记风险预警」 on a household's exit page.
- English pages: counts read "43 Household"; the printed notice said "大昌村Villagers'
  Committee" and a Chinese date, under `<html lang="zh-CN">`.
- The household list's page-size select showed 10 while the list showed 25, so the next
  search switched to 10 a page.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from fupin.assistance.services import visit_record
from fupin.monitoring.services.alerts import alert_report
from tests.conftest import SYSTEM

pytestmark = pytest.mark.django_db


def client_for(user, language: str = "zh-hans") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


# ------------------------------------------------------------------ buttons that lead nowhere


def test_only_those_who_may_record_a_visit_see_the_visit_buttons(cadre, analyst, leader, dachang_household):
    visit = visit_record(ctx=SYSTEM, household=dachang_household, checklist={"chat": True})
    create = reverse("assistance:visit_create")
    for user in (analyst, leader):
        client = client_for(user)
        assert client.get(create).status_code == 404  # the page the button pointed to
        for url in (reverse("assistance:visit_list"), reverse("assistance:visit_detail", args=[visit.pk])):
            page = client.get(url)
            assert page.status_code == 200
            assert f'href="{create}"' not in page.text, (user.username, url)
    page = client_for(cadre).get(reverse("assistance:visit_list"))
    assert f'href="{create}"' in page.text


def test_only_those_who_may_assign_see_the_assign_button_on_coverage(coordinator, analyst, leader, dachang_household):
    assign = reverse("assistance:pairing_assign", args=[dachang_household.pk])
    for user in (analyst, leader):
        client = client_for(user)
        page = client.get(reverse("assistance:coverage"))
        assert dachang_household.code in page.text  # listed as unpaired …
        assert assign not in page.text  # … without a button that answers 404
        assert client.get(assign).status_code == 404
    assert assign in client_for(coordinator).get(reverse("assistance:coverage")).text


def test_a_leader_sees_no_alert_button_on_the_exit_page(leader, cadre, dachang_household):
    url = reverse("monitoring:household_exit", args=[dachang_household.pk])
    create = reverse("monitoring:alert_create")
    page = client_for(leader).get(url)
    assert page.status_code == 200
    assert create not in page.text
    assert client_for(leader).get(f"{create}?household={dachang_household.code}").status_code == 404
    assert create in client_for(cadre).get(url).text


# ------------------------------------------------------------------ English pages


def test_english_counts_say_households(coordinator):
    client = client_for(coordinator, "en")
    for url in (reverse("monitoring:dashboard"), reverse("reports:dashboard")):
        text = client.get(url).text
        assert "households" in text, url
        assert not re.search(r"\d\s*(?:<small>)?Household\b", text), url
    # Chinese pages keep the bare unit.
    assert "户</small>" in client_for(coordinator).get(reverse("reports:dashboard")).text


def test_monitoring_bar_labels_may_wrap_on_a_phone(coordinator):
    text = client_for(coordinator, "en").get(reverse("monitoring:dashboard")).text
    assert 'scope="row" style="width:40%;white-space:normal"' in text


def test_the_printed_notice_follows_the_language(cadre, dachang_household):
    alert = alert_report(ctx=SYSTEM, household=dachang_household, source="cadre", description="户主住院")
    url = reverse("monitoring:alert_notice", args=[alert.pk])
    english = client_for(cadre, "en").get(url).text
    assert '<html lang="en">' in english
    assert "favicon.svg" in english  # no 404 for /favicon.ico
    assert "大昌村 Villagers' Committee" in english
    assert not re.search(r"\d+年\d+月\d+日", english)
    chinese = client_for(cadre).get(url).text
    assert '<html lang="zh-CN">' in chinese
    assert "大昌村村民委员会" in chinese
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", chinese)


# ------------------------------------------------------------------ household list


def _selected_page_size(text: str) -> list[str]:
    select = re.search(r'<select name="page_size".*?</select>', text, re.S)
    assert select is not None
    return re.findall(r'<option value="(\d+)"[^>]*selected', select.group(0))


@pytest.mark.parametrize("query", ["", "?q=张", "?page=1", "?page_size=50"])
def test_the_page_size_select_shows_the_size_in_use(coordinator, dachang_household, query):
    page = client_for(coordinator).get(reverse("registry:household_list") + query)
    expected = "50" if "page_size" in query else "25"
    assert _selected_page_size(page.text) == [expected]
    assert page.context["page"].paginator.per_page == int(expected)


# ------------------------------------------------------------------ wishes


def test_a_refused_wish_cancellation_names_the_missing_field(cadre, dachang_household):
    from fupin.assistance.services import wish_post

    wish = wish_post(ctx=SYSTEM, household=dachang_household, item="书包一个", estimated_cost=80)
    page = client_for(cadre).post(reverse("assistance:wish_cancel", args=[wish.pk]), {"reason": ""}, follow=True)
    shown = [str(m) for m in page.context["messages"]]
    assert shown and all(m.startswith("原因：") for m in shown), shown
