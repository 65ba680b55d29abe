"""Stories of the household endpoints, told with the fixed cast."""

from fupin.core.choices import ChangeSource
from fupin.core.models import ObjectChange
from fupin.registry.models import Household, Member
from tests.api.conftest import client_for
from tests.conftest import DACHANG, GUANGHUI, JIEFANG, head_data, make_household, new_id

URL = "/api/v1/households/"


def create_body(**overrides):
    body = {
        "code": "4304050142010500",
        "region": DACHANG,
        "registered": True,
        "attribute": "1",
        "main_cause": "01",
        "other_causes": ["07", "09"],
        "identified_year": 2014,
        "status": "not_exited",
        "phone": "13800138000",
        "head": {"name": "王五", "id_number": new_id(), "education": "03", "health": ["01"], "labour_skill": "1"},
    }
    body.update(overrides)
    return body


def test_village_cadre_sees_only_their_village(cadre, dachang_household, jiefang_household):
    api = client_for(cadre)
    rows = api.get(URL).json()["results"]
    assert [r["code"] for r in rows] == [dachang_household.code]
    assert api.get(f"{URL}{dachang_household.pk}/").status_code == 200
    assert api.get(f"{URL}{jiefang_household.pk}/").status_code == 404


def test_search_stays_in_scope(cadre, dachang_household, jiefang_household):
    api = client_for(cadre)
    assert api.get(URL, {"q": "张三"}).json()["count"] == 1
    # 李四 heads the 解放村 household: searching for him finds nothing, not even a hint.
    assert api.get(URL, {"q": "李四"}).json()["count"] == 0
    jiefang_id = jiefang_household.members.get().id_number
    assert api.get(URL, {"q": jiefang_id}).json()["count"] == 0


def test_district_office_sees_all_and_filters(coordinator, dachang_household, jiefang_household):
    make_household("4304050142020001", GUANGHUI, registered=False)
    api = client_for(coordinator)
    assert api.get(URL).json()["count"] == 3
    assert api.get(URL, {"region": "430405014"}).json()["count"] == 2
    assert api.get(URL, {"region": JIEFANG}).json()["results"][0]["code"] == jiefang_household.code
    assert api.get(URL, {"registered": "false"}).json()["count"] == 1
    assert api.get(URL, {"status": "not_exited", "main_cause": "01", "attribute": "1"}).json()["count"] == 2
    assert api.get(URL, {"q": "李四"}).json()["count"] == 1


def test_unknown_region_filter_says_so(coordinator, dachang_household):
    response = client_for(coordinator).get(URL, {"region": "999999"})
    assert response.status_code == 400
    assert "999999" in response.json()["region"][0]


def test_list_masks_personal_data_and_gives_labels(cadre, regions):
    h = make_household("H1", phone="13800138000", head=head_data(name="赵六", id_number="430405197001010012"))
    row = client_for(cadre).get(URL).json()["results"][0]
    assert row["id"] == h.pk
    assert row["head_name"] == "赵六"
    assert row["head_id_number"] == "430405********0012"
    assert row["phone"] == "138****8000"
    assert row["status"] == "not_exited" and row["status_display"] == "未脱贫"
    assert row["main_cause_display"] == "因病"
    assert row["size"] == 1 and row["region"] == DACHANG


def test_detail_in_full_only_with_the_sensitive_permission(cadre, analyst, regions):
    number = new_id()
    h = make_household("H1", phone="13800138000", bank_account="6222020200112233", head=head_data(id_number=number))
    mine = client_for(cadre).get(f"{URL}{h.pk}/").json()
    assert mine["masked"] is False
    assert mine["members"][0]["id_number"] == number
    assert mine["phone"] == "13800138000" and mine["bank_account"] == "6222020200112233"
    # The sector analyst reads the registry but holds no view_sensitive_household.
    theirs = client_for(analyst).get(f"{URL}{h.pk}/").json()
    assert theirs["masked"] is True
    assert theirs["members"][0]["id_number"] == number[:6] + "********" + number[-4:]
    assert theirs["phone"] == "138****8000" and theirs["bank_account"] == "****2233"


def test_detail_nests_members_years_and_history(coordinator, world):
    data = client_for(coordinator).get(f"{URL}{world.dachang.pk}/").json()
    assert {m["relation_display"] for m in data["members"]} == {"户主", "配偶"}
    assert data["size"] == 2
    assert data["years"][0]["year"] == 2019
    assert data["years"][0]["per_capita_net_income"] == "6000.00"
    assert data["status_events"][0]["kind"] == "registered"
    assert data["region_name"].endswith("大昌村")


def test_cadre_creates_a_household_with_its_head(cadre, regions):
    response = client_for(cadre).post(URL, create_body(), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["code"] == "4304050142010500"
    assert data["other_causes"] == ["07", "09"]
    assert data["other_causes_display"] == ["缺技术", "缺资金"]
    assert data["members"][0]["relation"] == "01"
    assert data["members"][0]["sex_display"] == "男"  # derived from the ID number
    h = Household.objects.get(code="4304050142010500")
    assert ObjectChange.objects.filter(object_id=h.pk, source=ChangeSource.API, actor=cadre).exists()


def test_create_outside_scope_is_404(cadre, regions):
    response = client_for(cadre).post(URL, create_body(region=JIEFANG), format="json")
    assert response.status_code == 404
    assert not Household.objects.exists()


def test_create_with_unknown_region_says_so(coordinator, regions):
    response = client_for(coordinator).post(URL, create_body(region="430405999999"), format="json")
    assert response.status_code == 400
    assert "430405999999" in response.json()["region"][0]


def test_duplicate_code_is_a_field_error(cadre, dachang_household):
    response = client_for(cadre).post(URL, create_body(code=dachang_household.code), format="json")
    assert response.status_code == 400
    assert dachang_household.code in response.json()["code"][0]


def test_invalid_head_id_says_why(cadre, regions):
    api = client_for(cadre)
    valid = new_id()
    wrong_check = valid[:17] + ("0" if valid[17] != "0" else "1")
    cases = {
        valid[:17]: "18 位",
        wrong_check: "校验位",
        "430405197002300013": "出生日期",
    }
    for number, reason in cases.items():
        body = create_body(
            head={"name": "王五", "id_number": number, "education": "03", "health": ["01"], "labour_skill": "1"}
        )
        response = api.post(URL, body, format="json")
        assert response.status_code == 400
        message = response.json()["head"]["id_number"][0]
        assert reason in message, message
    assert not Household.objects.exists()


def test_duplicate_head_id_names_the_household_holding_it(cadre, other_cadre, jiefang_household):
    taken = jiefang_household.members.get().id_number
    body = create_body(
        head={"name": "王五", "id_number": taken, "education": "03", "health": ["01"], "labour_skill": "1"}
    )
    response = client_for(cadre).post(URL, body, format="json")
    assert response.status_code == 400
    assert jiefang_household.code in response.json()["head"]["id_number"][0]
    assert not Household.objects.filter(code="4304050142010500").exists()


def test_household_and_head_errors_land_where_they_were_sent(cadre, regions):
    api = client_for(cadre)
    household_phone = api.post(URL, create_body(phone="12345"), format="json").json()
    assert "phone" in household_phone and "head" not in household_phone
    body = create_body()
    body["head"]["phone"] = "12345"
    head_phone = api.post(URL, body, format="json").json()
    assert list(head_phone) == ["head"] and "phone" in head_phone["head"]


def test_shape_errors_are_reported_before_any_write(cadre, regions):
    response = client_for(cadre).post(URL, create_body(main_cause="99", head={}), format="json")
    assert response.status_code == 400
    errors = response.json()
    assert "main_cause" in errors and "name" in errors["head"]


def test_partial_update_and_move_within_scope(reviewer, dachang_household):
    api = client_for(reviewer)
    response = api.patch(f"{URL}{dachang_household.pk}/", {"status": "exited", "exit_year": 2017}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status_display"] == "已脱贫"
    assert response.json()["status_events"][0]["kind"] == "exited"
    moved = api.patch(f"{URL}{dachang_household.pk}/", {"region": GUANGHUI}, format="json")
    assert moved.json()["region"] == GUANGHUI


def test_update_errors_come_from_the_service(cadre, dachang_household):
    response = client_for(cadre).patch(
        f"{URL}{dachang_household.pk}/", {"status": "exited", "exit_year": 2010}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["exit_year"] == ["脱贫年度不能早于识别年度"]


def test_cadre_cannot_move_a_household_out_of_their_village(cadre, dachang_household):
    response = client_for(cadre).patch(f"{URL}{dachang_household.pk}/", {"region": GUANGHUI}, format="json")
    assert response.status_code == 404
    dachang_household.refresh_from_db()
    assert dachang_household.region.code == DACHANG


def test_leader_cannot_edit(leader, dachang_household):
    api = client_for(leader)
    assert api.get(f"{URL}{dachang_household.pk}/").status_code == 200
    assert api.patch(f"{URL}{dachang_household.pk}/", {"hamlet": "x"}, format="json").status_code == 404
    assert api.post(URL, create_body(), format="json").status_code == 404


def test_a_household_is_never_deleted(coordinator, dachang_household):
    response = client_for(coordinator).delete(f"{URL}{dachang_household.pk}/")
    assert response.status_code == 405
    assert Household.objects.filter(pk=dachang_household.pk).exists()


def test_close_is_a_recorded_decision(coordinator, dachang_household):
    api = client_for(coordinator)
    url = f"{URL}{dachang_household.pk}/close/"
    missing_note = api.post(url, {"close_reason": "moved_out"}, format="json")
    assert missing_note.status_code == 400 and "note" in missing_note.json()
    response = api.post(
        url, {"close_reason": "moved_out", "note": "区扶贫办〔2020〕3号", "closed_on": "2020-05-01"}, format="json"
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["closed_on"] == "2020-05-01" and data["close_reason_display"] == "整户迁出"
    assert all(not m["active"] for m in data["members"])
    again = api.post(url, {"close_reason": "moved_out", "note": "重复"}, format="json")
    assert again.status_code == 409 and dachang_household.code in again.json()["detail"]
    # Closed households leave the list unless asked for, but their page stays.
    assert api.get(URL).json()["count"] == 0
    assert api.get(URL, {"include_closed": "true"}).json()["count"] == 1
    assert api.get(f"{URL}{dachang_household.pk}/").status_code == 200


def test_cadre_may_not_close(cadre, dachang_household):
    response = client_for(cadre).post(
        f"{URL}{dachang_household.pk}/close/", {"close_reason": "moved_out", "note": "x"}, format="json"
    )
    assert response.status_code == 404
    assert Member.objects.active().filter(household=dachang_household).exists()
