"""Session and token authentication."""

import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from fupin.core.models import ObjectChange
from tests.api.conftest import PASSWORD


def test_anonymous_gets_401_with_a_challenge(regions):
    response = APIClient().get("/api/v1/households/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_token_for_username_and_password_then_use_it(cadre, dachang_household, jiefang_household):
    anonymous = APIClient()
    response = anonymous.post("/api/v1/auth/token/", {"username": "cadre", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    key = response.json()["token"]
    assert anonymous.post("/api/v1/auth/token/", {"username": "cadre", "password": PASSWORD}).json()["token"] == key
    api = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    rows = api.get("/api/v1/households/").json()["results"]
    assert [r["code"] for r in rows] == [dachang_household.code]
    assert api.get(f"/api/v1/households/{jiefang_household.pk}/").status_code == 404


def test_token_issue_is_logged_without_the_key(cadre):
    key = APIClient().post("/api/v1/auth/token/", {"username": "cadre", "password": PASSWORD}).json()["token"]
    # The change log is `json` on PostgreSQL (no JSON lookups in SQL): searched here in Python.
    (change,) = [c for c in ObjectChange.objects.filter(object_id=cadre.pk) if "api_token" in (c.after or {})]
    assert key not in str(change.after) and key not in str(change.object_id)
    assert change.after["api_token"] == "****" + key[-4:]


def test_wrong_password_says_so(cadre):
    response = APIClient().post("/api/v1/auth/token/", {"username": "cadre", "password": "nope-nope"}, format="json")
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["无法使用提供的认证信息登录。"]
    assert not Token.objects.exists()


def test_bad_token_is_refused(cadre):
    response = APIClient(HTTP_AUTHORIZATION="Token 0123456789abcdef").get("/api/v1/households/")
    assert response.status_code == 401


def test_session_login_works_too(client, cadre, dachang_household):
    assert client.login(username="cadre", password=PASSWORD)
    assert client.get("/api/v1/households/").json()["count"] == 1


def test_create_token_command(cadre):
    out = io.StringIO()
    call_command("create_token", "cadre", stdout=out, stderr=io.StringIO())
    key = out.getvalue().strip()
    assert Token.objects.get(user=cadre).key == key
    again = io.StringIO()
    call_command("create_token", "cadre", stdout=again)
    assert again.getvalue().strip() == key
    reset = io.StringIO()
    call_command("create_token", "cadre", "--reset", stdout=reset, stderr=io.StringIO())
    assert reset.getvalue().strip() != key
    assert Token.objects.filter(user=cadre).count() == 1


def test_create_token_for_unknown_user(regions):
    with pytest.raises(CommandError, match="不存在"):
        call_command("create_token", "ghost")
