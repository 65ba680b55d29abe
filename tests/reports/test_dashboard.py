"""The dashboard: its JSON carries the same figures as the indicators, drills down the
tree, stays inside the reader's scope and answers with a fixed number of queries."""

import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from fupin.reports.selectors.indicators import indicators
from tests.conftest import DACHANG, DONGYANGDU, region
from tests.reports.test_indicators import EXPECTED_2017

pytestmark = pytest.mark.django_db


def _get(user, url):
    c = Client()
    c.force_login(user)
    return c.get(url)


def test_the_data_of_the_district_equals_the_indicators(district, leader):
    r = _get(leader, reverse("reports:dashboard_data") + "?year=2017")
    assert r.status_code == 200
    data = r.json()
    assert data["focus"]["code"] == "430405"
    ind = data["indicators"]
    assert ind["registered"] == EXPECTED_2017["registered"]
    assert ind["measures"]["危房改造"]["amount"] == "35000.00"
    children = {c["code"]: c for c in data["children"]}
    assert children[DONGYANGDU]["registered"] == 4 and children[DONGYANGDU]["persons"] == 7
    assert children["430405201"]["registered"] == 1  # 酃湖乡: H4
    assert sum(c["registered"] for c in data["children"]) == ind["registered"]["households"]
    assert children[DONGYANGDU]["paired"] == 2  # H1 and H3
    causes = {c["code"]: c["value"] for c in data["causes"]}
    assert causes == {"01": 5}
    assert [e["year"] for e in data["exits_by_year"]] == [2015, 2017]  # H2 and H3 (returned later) 2015, H1 2017
    assert data["exits_by_year"][0] == {"year": 2015, "households": 2, "returned": 1}
    categories = {m["code"]: m["households"] for m in data["measures_by_category"]}
    assert categories == {"finance": 1, "floor": 1, "health": 2, "housing": 2}
    assert data["overdue_known"] and data["overdue"] == 5  # nobody visited; H4 paired only in 2018


def test_drill_down_from_township_to_village_to_household_list(district, coordinator):
    township = region(DONGYANGDU)
    page = _get(coordinator, reverse("reports:dashboard") + f"?region={township.pk}&year=2017")
    assert page.status_code == 200
    village = region(DACHANG)
    drill = f"{reverse('reports:dashboard')}?region={village.pk}&amp;year=2017"
    assert drill in page.content.decode()
    page = _get(coordinator, reverse("reports:dashboard") + f"?region={village.pk}&year=2017")
    html = page.content.decode()
    assert f"{reverse('registry:household_list')}?region={village.pk}&amp;registered=1" in html
    assert "珠晖区" in html and "东阳渡街道" in html  # breadcrumbs up to the district


def test_the_village_cadre_sees_only_their_village(district, cadre):
    data = _get(cadre, reverse("reports:dashboard_data") + "?year=2017").json()
    assert data["focus"]["code"] == DACHANG
    assert data["indicators"] == json.loads(json.dumps(indicators(year=2017, region=region(DACHANG)), default=str))
    assert data["links"]["breadcrumbs"] == []  # nothing above their village
    assert [c["code"] for c in data["children"]] == ["430405014201001", "430405014201002", "430405014201003"]


def test_a_bad_year_is_explained(district, leader):
    r = _get(leader, reverse("reports:dashboard_data") + "?year=20x7")
    assert r.status_code == 400
    assert "不是数字" in r.json()["errors"]["year"][0]
    page = _get(leader, reverse("reports:dashboard") + "?year=1990")
    assert page.status_code == 200 and "年度应在 2014" in page.content.decode()


def test_the_dashboard_costs_a_fixed_number_of_queries(district, leader, django_assert_max_num_queries):
    url = reverse("reports:dashboard") + "?year=2017"
    c = Client()
    c.force_login(leader)
    c.get(url)  # warm the cache: later requests only check the data version
    with django_assert_max_num_queries(10):
        assert c.get(url).status_code == 200
    with django_assert_max_num_queries(8):
        assert c.get(reverse("reports:dashboard_data") + "?year=2017").status_code == 200


def test_summary_command_prints_the_same_figures(district, capsys):
    call_command("summary", "--year", "2017", "--json")
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(json.dumps(EXPECTED_2017, default=str))
    call_command("summary", "--year", "2017", "--region", DACHANG)
    out = capsys.readouterr().out
    assert "建档立卡：3 户 6 人" in out and "结对帮扶覆盖率：1/3 户（33.3%）" in out


def test_the_api_gives_the_indicators_of_a_region(district, reviewer):
    c = Client()
    c.force_login(reviewer)
    r = c.get(reverse("reports-indicators-list") + f"?year=2017&region={DACHANG}")
    assert r.status_code == 200 and r.json()["registered"] == {"households": 3, "persons": 6}
    assert c.get(reverse("reports-indicators-list") + "?year=2017&region=430405201201").status_code == 404
