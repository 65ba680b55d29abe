"""The permission matrix: every view and API endpoint, run as every member of the cast.

An app's tests declare `CASES = [Case(...)]` in a `test_matrix.py` and end with
`test_matrix = matrix_test(CASES)`. `tests/test_matrix_coverage.py` fails when a URL name
of the project has no case anywhere, so a new view cannot slip in unchecked.

The `world` fixture holds one household in 大昌村 (the cadre's village, 东阳渡街道) and one in
解放村 (the other cadre's village, 酃湖乡). A case's `kwargs`/`data` are callables of the
world so that they can name those objects. Expectations map cast member → HTTP status;
out of scope answers 404, anonymous pages redirect to login (302), anonymous API calls 401/403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

CAST = ("anonymous", "coordinator", "reviewer", "cadre", "other_cadre", "analyst", "leader")


@dataclass
class World:
    dachang: Any  # household in 大昌村 (cadre's scope, reviewer's township)
    jiefang: Any  # household in 解放村 (other_cadre's scope)
    extra: dict = field(default_factory=dict)


@dataclass
class Case:
    name: str
    expect: dict[str, int]
    kwargs: Callable[[World], dict] | None = None
    method: str = "get"
    data: Callable[[World], dict] | None = None
    query: str = ""
    content_type: str | None = None  # "application/json" for API writes
    id: str = ""

    def url(self, world: World) -> str:
        return reverse(self.name, kwargs=self.kwargs(world) if self.kwargs else None) + self.query

    def label(self) -> str:
        return self.id or f"{self.method}:{self.name}"


def expect(default: int, **overrides: int) -> dict[str, int]:
    """expect(200, anonymous=302, other_cadre=404) → a full row for the cast."""
    row = dict.fromkeys(CAST, default)
    row.update(overrides)
    return row


def matrix_test(cases: list[Case]):
    params = [pytest.param(case, who, id=f"{case.label()}-{who}") for case in cases for who in CAST]

    @pytest.mark.parametrize(("case", "who"), params)
    def test(case: Case, who: str, request, world: World) -> None:
        client = Client()
        if who != "anonymous":
            client.force_login(request.getfixturevalue(who))
        else:
            request.getfixturevalue("regions")
        url = case.url(world)
        payload = case.data(world) if case.data else None
        call = getattr(client, case.method)
        if case.content_type:
            import json

            response = call(url, data=json.dumps(payload or {}), content_type=case.content_type)
        elif payload is not None:
            response = call(url, data=payload)
        else:
            response = call(url)
        assert response.status_code == case.expect[who], (
            f"{case.method.upper()} {url} as {who}: expected {case.expect[who]}, got {response.status_code}"
        )

    return test
