"""The OpenAPI schema and the documentation pages, which must work offline and under CSP."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from rest_framework.test import APIClient


@pytest.mark.django_db
def test_schema_lists_the_household_paths():
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    for path in (
        "/api/v1/households/",
        "/api/v1/households/{id}/close/",
        "/api/v1/households/{id}/years/{year}/",
        "/api/v1/members/{id}/end/",
        "/api/v1/regions/{code}/",
        "/api/v1/auth/token/",
    ):
        assert f"{path}:" in text, path
    assert "delete:" not in text


@pytest.mark.django_db
def test_swagger_page_uses_vendored_assets_and_no_inline_script():
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn." not in html and "https://" not in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="' in attrs and not body.strip() for attrs, body in scripts)
    for src in re.findall(r'(?:src|href)="(/static/[^"?]+)"', html):
        assert finders.find(src.removeprefix(settings.STATIC_URL)), src
    init = APIClient().get("/api/docs/?script=")
    assert init.status_code == 200 and init["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in init.content.decode()


@pytest.mark.django_db
def test_redoc_page_uses_vendored_assets_only():
    html = APIClient().get("/api/redoc/").content.decode()
    assert "googleapis" not in html and "https://" not in html
    src = re.search(r'<script src="(/static/[^"]+)"', html).group(1)
    assert finders.find(src.removeprefix(settings.STATIC_URL))
    assert not re.search(r"<script>", html)
