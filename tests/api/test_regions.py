from tests.api.conftest import client_for
from tests.conftest import DACHANG, DONGYANGDU, JIEFANG


def test_cadre_sees_their_village_and_its_groups(cadre):
    rows = client_for(cadre).get("/api/v1/regions/").json()["results"]
    assert [r["code"] for r in rows] == [DACHANG, "430405014201001", "430405014201002", "430405014201003"]
    village = rows[0]
    assert village["parent"] == DONGYANGDU and village["level_display"] == "行政村(社区)" and village["children"] == 3
    assert client_for(cadre).get(f"/api/v1/regions/{JIEFANG}/").status_code == 404


def test_district_office_browses_the_tree(coordinator):
    api = client_for(coordinator)
    townships = api.get("/api/v1/regions/", {"parent": "430405"}).json()
    assert townships["count"] == 11
    assert {r["level"] for r in townships["results"]} == {4}
    villages = api.get("/api/v1/regions/", {"parent": DONGYANGDU, "level": 5}).json()
    assert [r["name"] for r in villages["results"]][:2] == ["大昌村", "光辉村"]
    assert api.get(f"/api/v1/regions/{DACHANG}/").json()["name"] == "大昌村"
    unknown = api.get("/api/v1/regions/", {"parent": "000000"})
    assert unknown.status_code == 400 and "000000" in unknown.json()["parent"][0]


def test_nobody_without_a_role_sees_regions(regions, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x-pass-12345")
    assert client_for(user).get("/api/v1/regions/").json()["count"] == 0
