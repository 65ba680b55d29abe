"""Permission matrix of every reports page and endpoint, for the whole cast.

Everyone with a role reads the dashboard and the audit of their own scope; ledgers and
handbooks are for leaders, the district office, townships and cadres (not sectors); only
townships and the district office start an audit. Out of scope answers 404."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tests.conftest import DACHANG, JIEFANG
from tests.matrix import Case, World, expect, matrix_test


@dataclass
class QCase(Case):
    """A case whose query string names objects of the world (region ids)."""

    q: Callable[[World], str] | None = None

    def url(self, world: World) -> str:
        return super().url(world) + (self.q(world) if self.q else "")


def dachang(w):
    return {"pk": w.dachang.pk}


def village(w):
    return w.dachang.region


def region_q(w):
    return f"?region={village(w).pk}&year=2017"


EXPORT_DACHANG = expect(200, anonymous=302, other_cadre=404, analyst=404)
POST_DACHANG = expect(302, other_cadre=404, analyst=404)
READ = expect(200, anonymous=302)

CASES = [
    Case("reports:dashboard", READ),
    Case("reports:dashboard", READ, query="?year=2016", id="dashboard-2016"),
    QCase("reports:dashboard", expect(200, anonymous=302, other_cadre=404), q=region_q, id="dashboard-dachang"),
    Case("reports:dashboard_data", READ, query="?year=2017"),
    QCase("reports:dashboard_data", expect(200, anonymous=302, other_cadre=404), q=region_q, id="data-dachang"),
    Case("reports:dashboard_data", expect(400, anonymous=302), query="?year=abc", id="data-bad-year"),
    Case("reports:ledgers", expect(200, anonymous=302, analyst=404)),
    Case(
        "reports:ledgers",
        POST_DACHANG,
        method="post",
        id="ledger-post",
        data=lambda w: {"kind": "households", "year": "2017", "region": village(w).pk},
    ),
    Case("reports:household_ledger", EXPORT_DACHANG, kwargs=dachang, query="?year=2017"),
    Case("reports:household_ledger", expect(404, anonymous=302), kwargs=lambda w: {"pk": 999999}, id="ledger-absent"),
    Case("reports:household_handbook", EXPORT_DACHANG, kwargs=dachang, query="?year=2017"),
    Case(
        "reports:village_handbook",
        POST_DACHANG,
        method="post",
        data=lambda w: {"year": "2017", "region": village(w).pk},
    ),
    Case("reports:audit", READ),
    QCase("reports:audit", expect(200, anonymous=302, other_cadre=404), q=region_q, id="audit-dachang"),
    Case("reports:audit_rule", READ, kwargs=lambda w: {"rule": "no_cadre"}),
    QCase(
        "reports:audit_rule",
        expect(200, anonymous=302, other_cadre=404),
        kwargs=lambda w: {"rule": "no_cadre"},
        q=region_q,
        id="audit-rule-dachang",
    ),
    Case("reports:audit_rule", expect(404, anonymous=302), kwargs=lambda w: {"rule": "nonsense"}, id="audit-rule-bad"),
    Case(
        "reports:audit_start",
        expect(302, cadre=404, other_cadre=404, analyst=404, leader=404),
        method="post",
        data=lambda w: {"year": "2017"},
    ),
    Case("reports-indicators-list", expect(200, anonymous=401), query="?year=2017"),
    Case(
        "reports-indicators-list",
        expect(200, anonymous=401, other_cadre=404),
        query=f"?year=2017&region={DACHANG}",
        id="indicators-dachang",
    ),
    Case(
        "reports-indicators-list",
        expect(200, anonymous=401, cadre=404, reviewer=404),
        query=f"?year=2017&region={JIEFANG}",
        id="indicators-jiefang",
    ),
    Case("reports-indicators-list", expect(400, anonymous=401), query="?year=1999", id="indicators-bad-year"),
    Case("reports-audit-run-list", expect(200, anonymous=401)),
    Case(
        "reports-audit-run-detail",
        expect(200, anonymous=401, reviewer=404, cadre=404, other_cadre=404),
        kwargs=lambda w: {"pk": w.extra["run"].pk},
    ),
]

test_matrix = matrix_test(CASES)
