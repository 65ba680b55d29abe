"""Stories of the registry forms: every write goes through a service, its errors come back
under the field that caused them, and the household history shows what happened."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fupin.core.models import ObjectChange
from fupin.registry.models import Household, HouseholdYear, Member
from fupin.utils import idno
from tests.conftest import DACHANG, JIEFANG, head_data, make_household, new_id, region

pytestmark = pytest.mark.django_db


def today() -> str:
    return timezone.localdate().isoformat()


def household_post(code: str, region_code: str = DACHANG, **overrides) -> dict:
    data = {
        "code": code,
        "region": region(region_code).pk,
        "hamlet": "上屋",
        "registered": "on",
        "attribute": "1",
        "main_cause": "01",
        "other_causes": ["07", "09"],
        "identified_year": "2014",
        "status": "not_exited",
        "phone": "13800138000",
        "head-name": "王五",
        "head-id_number": new_id(),
        "head-ethnicity": "01",
        "head-political": "13",
        "head-education": "03",
        "head-health": ["01"],
        "head-labour_skill": "1",
    }
    data.update(overrides)
    return data


def household_edit_post(h: Household, **overrides) -> dict:
    data = {
        "region": h.region_id,
        "hamlet": "下屋",
        "registered": "on",
        "attribute": "2",
        "main_cause": "02",
        "identified_year": "2014",
        "status": "not_exited",
        "phone": "13900139000",
    }
    data.update(overrides)
    return data


def member_post(**overrides) -> dict:
    data = {
        "name": "王小宝",
        "id_number": new_id(dt.date(2019, 6, 1)),
        "relation": "03",
        "ethnicity": "01",
        "political": "13",
        "education": "06",
        "health": ["01"],
        "labour_skill": "4",
        "join_reason": "06",
        "joined_on": today(),
    }
    data.update(overrides)
    return data


def member_edit_post(m: Member, **overrides) -> dict:
    data = {
        "name": m.name,
        "id_number": m.id_number,
        "relation": m.relation,
        "ethnicity": m.ethnicity,
        "political": "01",
        "education": m.education or "03",
        "health": ["01", "02"],
        "labour_skill": "1",
    }
    data.update(overrides)
    return data


def year_post(**overrides) -> dict:
    data = {
        "wage_income": "12000",
        "business_income": "3000",
        "property_income": "0",
        "transfer_income": "1500",
        "production_cost": "1000",
        "road_type": "03",
        "water_safe": "true",
    }
    data.update(overrides)
    return data


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_cadre_creates_a_household_with_its_head_and_the_history_shows_it(cadre):
    c = client_for(cadre)
    response = c.post(reverse("registry:household_create"), household_post("4304050142010500"))
    h = Household.objects.get(code="4304050142010500")
    assert response.status_code == 302 and response.url == reverse("registry:household_detail", args=[h.pk])
    head = h.members.get()
    assert head.relation == "01" and head.name == "王五" and h.other_causes == "07,09"
    page = c.get(response.url).content.decode()
    assert "已新建农户 4304050142010500" in page
    assert "新增" in page and "家庭成员 王五" in page and "户联系电话" in page
    assert ObjectChange.objects.filter(related_id=h.pk, source="form", actor=cadre).count() == 2


def test_cadre_adds_a_newborn_and_ends_a_member_through_the_forms(cadre, dachang_household):
    h = dachang_household
    c = client_for(cadre)
    response = c.post(reverse("registry:member_add", args=[h.pk]), member_post())
    assert response.status_code == 302
    baby = h.members.get(name="王小宝")
    assert baby.join_reason == "06" and baby.birth_date == idno.birth_date(baby.id_number)

    response = c.post(
        reverse("registry:member_end", args=[h.pk, baby.pk]),
        {"end_reason": "08", "ended_on": today(), "note": "随母迁出"},
    )
    assert response.status_code == 302
    baby.refresh_from_db()
    assert baby.ended_on == timezone.localdate() and baby.end_reason == "08"
    page = c.get(reverse("registry:household_detail", args=[h.pk])).content.decode()
    assert "已减少的成员" in page and "其他转出" in page
    # The history shows both changes with the member's fields by name, before → after.
    assert "减少原因" in page and "随母迁出" in page and "加入原因" in page


def test_ending_the_head_asks_for_a_new_head(cadre, dachang_household):
    h = dachang_household
    c = client_for(cadre)
    c.post(
        reverse("registry:member_add", args=[h.pk]),
        member_post(
            name="刘芳",
            id_number=new_id(female=True),
            relation="02",
            education="03",
            labour_skill="1",
            join_reason="05",
        ),
    )
    head, spouse = h.members.get(relation="01"), h.members.get(relation="02")
    url = reverse("registry:member_end", args=[h.pk, head.pk])
    response = c.post(url, {"end_reason": "01", "ended_on": today()})
    assert response.status_code == 200 and "new_head" in response.context["form"].errors
    response = c.post(url, {"end_reason": "01", "ended_on": today(), "new_head": spouse.pk})
    assert response.status_code == 302
    spouse.refresh_from_db()
    assert spouse.relation == "01"


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("43040519650315001", "证件号码应为 18 位，实际 17 位"),
        ("430405196503150011", "证件号码校验位错误：末位应为"),
        ("430405196513310019", "不是有效日期"),
    ],
)
def test_an_invalid_id_number_says_why_under_the_field(cadre, dachang_household, number, fragment):
    response = client_for(cadre).post(
        reverse("registry:member_add", args=[dachang_household.pk]), member_post(id_number=number)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert fragment in errors["id_number"][0]
    assert fragment in response.content.decode()


def test_an_invalid_head_id_on_a_new_household_shows_under_the_head_field(cadre):
    response = client_for(cadre).post(
        reverse("registry:household_create"),
        household_post("4304050142010501", **{"head-id_number": "430405196503150011"}),
    )
    assert response.status_code == 200
    assert "校验位错误" in response.context["head"].errors["id_number"][0]
    assert not Household.objects.filter(code="4304050142010501").exists()


def test_a_duplicate_id_names_the_household_holding_it(cadre, regions):
    holder = make_household("4304050142010600", head=head_data(name="赵六"))
    number = holder.members.get().id_number
    other = make_household("4304050142010601")
    response = client_for(cadre).post(reverse("registry:member_add", args=[other.pk]), member_post(id_number=number))
    assert response.status_code == 200
    message = response.context["form"].errors["id_number"][0]
    assert "4304050142010600" in message and "赵六" in message


def test_a_duplicate_household_code_is_refused_under_the_code_field(cadre, dachang_household):
    response = client_for(cadre).post(reverse("registry:household_create"), household_post(dachang_household.code))
    assert response.status_code == 200
    assert "已存在" in response.context["form"].errors["code"][0]


def test_household_rules_come_back_under_their_fields(cadre, dachang_household):
    response = client_for(cadre).post(
        reverse("registry:household_edit", args=[dachang_household.pk]),
        household_edit_post(dachang_household, status="returned", return_year=""),
    )
    assert response.status_code == 200
    assert "返贫年度" in response.context["form"].errors["return_year"][0]


def test_cadre_edits_a_household_and_the_history_shows_before_and_after(cadre, dachang_household):
    h = dachang_household
    c = client_for(cadre)
    response = c.post(reverse("registry:household_edit", args=[h.pk]), household_edit_post(h))
    assert response.status_code == 302
    h.refresh_from_db()
    assert h.attribute == "2" and h.hamlet == "下屋"
    page = c.get(reverse("registry:household_detail", args=[h.pk])).content.decode()
    assert "一般贫困户" in page and "低保贫困户" in page  # 贫困户属性: before → after, as labels
    assert "自然村" in page and "下屋" in page


def test_member_edit_goes_through_the_service(cadre, dachang_household):
    head = dachang_household.members.get()
    response = client_for(cadre).post(
        reverse("registry:member_edit", args=[dachang_household.pk, head.pk]), member_edit_post(head)
    )
    assert response.status_code == 302
    head.refresh_from_db()
    assert head.political == "01" and head.health == "01,02" and head.relation == "01"


def test_yearly_facts_are_recorded_and_per_capita_is_computed(cadre, dachang_household):
    h = dachang_household
    c = client_for(cadre)
    response = c.post(reverse("registry:year_create", args=[h.pk]), year_post(year="2019"))
    assert response.status_code == 302
    y = HouseholdYear.objects.get(household=h, year=2019)
    assert str(y.net_income) == "15500.00" and str(y.per_capita_net_income) == "15500.00"
    response = c.post(reverse("registry:year_create", args=[h.pk]), year_post(year="2019"))
    assert response.status_code == 200 and "已存在" in response.context["form"].errors["year"][0]
    response = c.post(reverse("registry:year_edit", args=[h.pk, 2019]), year_post(wage_income="-5"))
    assert response.status_code == 200 and "wage_income" in response.context["form"].errors
    response = c.post(reverse("registry:year_edit", args=[h.pk, 2019]), year_post(wage_income="20000"))
    assert response.status_code == 302
    page = c.get(reverse("registry:household_detail", args=[h.pk])).content.decode()
    assert "23,500" in page and "年度信息" in page


def test_only_the_district_office_closes_and_needs_a_decision_note(coordinator, cadre, dachang_household):
    h = dachang_household
    url = reverse("registry:household_close", args=[h.pk])
    assert client_for(cadre).get(url).status_code == 404
    detail = client_for(cadre).get(reverse("registry:household_detail", args=[h.pk])).content.decode()
    assert url not in detail
    c = client_for(coordinator)
    response = c.post(url, {"close_reason": "moved_out", "closed_on": today(), "note": ""})
    assert response.status_code == 200 and "note" in response.context["form"].errors
    response = c.post(url, {"close_reason": "moved_out", "closed_on": today(), "note": "区扶贫办〔2020〕3号"})
    assert response.status_code == 302
    h.refresh_from_db()
    assert h.is_closed and not h.members.filter(ended_on__isnull=True).exists()
    page = c.get(reverse("registry:household_detail", args=[h.pk])).content.decode()
    assert "区扶贫办〔2020〕3号" in page and "已注销" in page
    assert reverse("registry:household_edit", args=[h.pk]) not in page
    # A closed household cannot be edited any more: the edit page sends back with a message.
    response = c.get(reverse("registry:household_edit", args=[h.pk]))
    assert response.status_code == 302


def test_there_is_no_delete_anywhere(coordinator, dachang_household):
    from django.urls import get_resolver

    names = [n for n in get_resolver().reverse_dict if isinstance(n, str)]
    assert not [n for n in names if "delete" in n]
    c = client_for(coordinator)
    assert c.delete(reverse("registry:household_detail", args=[dachang_household.pk])).status_code == 405


def test_leader_and_analyst_reach_no_edit_page(leader, analyst, dachang_household):
    h = dachang_household
    head = h.members.get()
    urls = [
        reverse("registry:household_create"),
        reverse("registry:household_edit", args=[h.pk]),
        reverse("registry:household_close", args=[h.pk]),
        reverse("registry:member_add", args=[h.pk]),
        reverse("registry:member_edit", args=[h.pk, head.pk]),
        reverse("registry:member_end", args=[h.pk, head.pk]),
        reverse("registry:year_create", args=[h.pk]),
    ]
    for user in (leader, analyst):
        c = client_for(user)
        assert c.get(reverse("registry:household_detail", args=[h.pk])).status_code == 200
        for url in urls:
            assert c.get(url).status_code == 404, url
            assert c.post(url, {}).status_code == 404, url
        page = c.get(reverse("registry:household_detail", args=[h.pk])).content.decode()
        assert reverse("registry:household_edit", args=[h.pk]) not in page


def test_cadre_cannot_place_a_household_in_another_village(cadre):
    response = client_for(cadre).post(reverse("registry:household_create"), household_post("4304052012010700", JIEFANG))
    assert response.status_code == 200 and "region" in response.context["form"].errors
    assert not Household.objects.filter(code="4304052012010700").exists()


def test_forms_speak_chinese_and_use_iso_dates(cadre, dachang_household):
    h = dachang_household
    c = client_for(cadre)
    c.post(reverse("registry:member_add", args=[h.pk]), member_post())
    head = h.members.get(relation="01")
    for url in (
        reverse("registry:household_create"),
        reverse("registry:member_add", args=[h.pk]),
        reverse("registry:member_end", args=[h.pk, head.pk]),
        reverse("registry:year_create", args=[h.pk]),
    ):
        page = c.get(url).content.decode()
        assert "Select an option" not in page and "请选择" in page, url
    page = c.get(reverse("registry:member_add", args=[h.pk])).content.decode()
    assert f'type="date" name="joined_on" value="{today()}"' in page
