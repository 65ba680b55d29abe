"""Stories of logging in and out, the language switch and the navigation."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db
PASSWORD = "test-pass-123"


def test_login_page_is_chinese_by_default_and_offers_english(client, regions):
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'lang="zh-CN"' in page and "登录" in page
    assert 'name="language" value="en"' in page and reverse("set_language") in page


def test_switching_to_english_keeps_the_choice(client, regions):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:login")})
    assert response.status_code == 302
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'lang="en"' in page


def test_cadre_logs_in_and_sees_name_role_and_region_in_the_navigation(client, cadre):
    response = client.post(reverse("accounts:login"), {"username": "cadre", "password": PASSWORD})
    assert response.status_code == 302
    page = client.get(response.url, follow=True).content.decode()
    assert "cadre" in page and "帮扶干部 · 大昌村" in page
    assert reverse("registry:household_list") in page and reverse("core:job_list") in page


def test_wrong_password_is_refused_with_a_message(client, cadre):
    response = client.post(reverse("accounts:login"), {"username": "cadre", "password": "wrong-pass"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode() or "正确的用户名和密码" in response.content.decode()


def test_logout_is_a_post_and_returns_to_login(cadre):
    c = Client()
    c.force_login(cadre)
    page = c.get(reverse("registry:household_list")).content.decode()
    assert f'method="post" action="{reverse("accounts:logout")}"' in page
    response = c.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    assert c.get(reverse("registry:household_list")).status_code == 302


def test_pages_load_no_script_from_elsewhere(cadre):
    c = Client()
    c.force_login(cadre)
    page = c.get(reverse("registry:household_list")).content.decode()
    assert "/static/vendor/htmx/htmx.min.js" in page and "/static/js/fupin.js" in page
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    assert "<script>" not in page  # the content security policy forbids inline scripts
