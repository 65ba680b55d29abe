"""The household page reads well in both languages: the title names the head's household with a
space in English, and the close button is the action (注销 → Close household), not the status
(已注销 → Closed)."""

from django.conf import settings
from django.urls import reverse


def page(client, user, household, lang=None):
    client.force_login(user)
    if lang:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return client.get(reverse("registry:household_detail", args=[household.pk])).content.decode()


def test_chinese_title_and_close_button(client, coordinator, dachang_household):
    html = page(client, coordinator, dachang_household)
    assert "<h1>张三户 <span" in html
    close = reverse("registry:household_close", args=[dachang_household.pk])
    assert f'href="{close}">注销</a>' in html


def test_english_title_and_close_button(client, coordinator, dachang_household):
    html = page(client, coordinator, dachang_household, "en")
    assert "<h1>张三 household <span" in html
    assert "张三Household" not in html
    close = reverse("registry:household_close", args=[dachang_household.pk])
    assert f'href="{close}">Close household</a>' in html
