"""Stories of members and yearly facts through the API."""

from fupin.registry.models import Member
from tests.api.conftest import client_for
from tests.conftest import new_id


def add_url(h):
    return f"/api/v1/households/{h.pk}/members/"


def child(**kw):
    body = {
        "name": "王小宝",
        "id_number": new_id(),
        "relation": "03",
        "school_status": "02",
        "health": ["01"],
        "labour_skill": "4",
        "join_reason": "06",
        "joined_on": "2021-03-01",
    }
    body.update(kw)
    return body


def test_cadre_adds_a_newborn(cadre, dachang_household):
    response = client_for(cadre).post(add_url(dachang_household), child(), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["join_reason"] == "06" and data["join_reason_display"] == "新生儿"
    assert data["joined_on"] == "2021-03-01"
    assert data["household_code"] == dachang_household.code
    assert Member.objects.active().filter(household=dachang_household).count() == 2


def test_invalid_member_id_says_why(cadre, dachang_household):
    valid = new_id()
    bad = valid[:17] + ("0" if valid[17] != "0" else "1")
    response = client_for(cadre).post(add_url(dachang_household), child(id_number=bad), format="json")
    assert response.status_code == 400
    assert response.json()["id_number"] == [f"证件号码校验位错误：末位应为 {valid[17]}，实际为 {bad[17]}"]


def test_duplicate_member_id_names_the_household(coordinator, dachang_household, jiefang_household):
    taken = jiefang_household.members.get().id_number
    response = client_for(coordinator).post(add_url(dachang_household), child(id_number=taken), format="json")
    assert response.status_code == 400
    message = response.json()["id_number"][0]
    assert jiefang_household.code in message and "李四" in message


def test_join_reason_must_be_a_joining_reason(cadre, dachang_household):
    response = client_for(cadre).post(add_url(dachang_household), child(join_reason="01"), format="json")
    assert response.status_code == 400 and "join_reason" in response.json()


def test_member_rules_come_back_as_field_errors(cadre, dachang_household):
    response = client_for(cadre).post(add_url(dachang_household), child(education="03"), format="json")
    assert response.status_code == 400
    assert response.json()["education"] == ["文化程度与在校生状况须且只能填写一项"]


def test_member_list_is_scoped_and_masked(cadre, world):
    rows = client_for(cadre).get("/api/v1/members/").json()["results"]
    assert {r["household"] for r in rows} == {world.dachang.pk}
    assert all("********" in r["id_number"] for r in rows)
    spouse = world.extra["spouse"]
    by_number = client_for(cadre).get("/api/v1/members/", {"id_number": spouse.id_number}).json()
    assert [r["id"] for r in by_number["results"]] == [spouse.pk]
    assert client_for(cadre).get(f"/api/v1/members/{spouse.pk}/").json()["id_number"] == spouse.id_number


def test_other_cadre_cannot_see_or_touch_the_member(other_cadre, world):
    api = client_for(other_cadre)
    spouse = world.extra["spouse"]
    assert api.get(f"/api/v1/members/{spouse.pk}/").status_code == 404
    assert api.patch(f"/api/v1/members/{spouse.pk}/", {"political": "01"}, format="json").status_code == 404
    assert api.post(f"/api/v1/members/{spouse.pk}/end/", {"end_reason": "01"}, format="json").status_code == 404


def test_member_update(cadre, world):
    spouse = world.extra["spouse"]
    response = client_for(cadre).patch(
        f"/api/v1/members/{spouse.pk}/", {"health": ["02", "04"], "disability_grade": "2"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["health"] == ["02", "04"]
    assert response.json()["health_display"] == ["长期慢性病", "残疾"]


def test_ending_the_head_needs_a_new_head(cadre, world):
    api = client_for(cadre)
    head = world.dachang.members.get(relation="01")
    spouse = world.extra["spouse"]
    url = f"/api/v1/members/{head.pk}/end/"
    refused = api.post(url, {"end_reason": "01"}, format="json")
    assert refused.status_code == 400 and "new_head" in refused.json()
    response = api.post(url, {"end_reason": "01", "new_head": spouse.pk, "note": "病故"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["active"] is False and response.json()["end_reason_display"] == "死亡"
    spouse.refresh_from_db()
    assert spouse.relation == "01"
    again = api.post(url, {"end_reason": "01"}, format="json")
    assert again.status_code == 409


def test_member_cannot_be_deleted(coordinator, world):
    spouse = world.extra["spouse"]
    assert client_for(coordinator).delete(f"/api/v1/members/{spouse.pk}/").status_code == 405
    assert Member.objects.filter(pk=spouse.pk).exists()


def test_yearly_facts_are_computed_not_typed(cadre, world):
    api = client_for(cadre)
    url = f"/api/v1/households/{world.dachang.pk}/years/2020/"
    assert api.get(url).status_code == 404
    created = api.put(
        url,
        {
            "wage_income": "9000",
            "business_income": "3000",
            "production_cost": "1000",
            "road_type": "03",
            "toilet": True,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["persons"] == 2 and data["net_income"] == "11000.00" and data["per_capita_net_income"] == "5500.00"
    assert data["road_type_display"] == "水泥路" and data["toilet"] is True
    # PUT replaces the year's facts: omitted fields go back to empty.
    replaced = api.put(url, {"wage_income": "4000"}, format="json")
    assert replaced.status_code == 200
    assert replaced.json()["per_capita_net_income"] == "2000.00" and replaced.json()["road_type"] == ""
    assert api.get(url).json()["wage_income"] == "4000.00"


def test_yearly_facts_reject_bad_shapes(cadre, world):
    url = f"/api/v1/households/{world.dachang.pk}/years/2020/"
    response = client_for(cadre).put(url, {"wage_income": "abc", "fuel": "77"}, format="json")
    assert response.status_code == 400 and {"wage_income", "fuel"} <= set(response.json())
