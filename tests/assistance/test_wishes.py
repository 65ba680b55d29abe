"""Small wishes: lifecycle, donors, and no personal data on the public board, ever."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from fupin.assistance.models import Donor, WishClaim
from fupin.assistance.services import (
    donor_register,
    wish_cancel,
    wish_claim,
    wish_confirm,
    wish_deliver,
    wish_post,
    wish_release,
)
from fupin.core.changelog import Context
from fupin.core.errors import ApplicationError
from fupin.registry.services import member_add
from tests.assistance.conftest import make_cadre, png_upload
from tests.conftest import SYSTEM, head_data, make_household, new_id


@pytest.fixture
def household(regions):
    h = make_household(
        "4304050142010001", phone="13812345678", head=head_data(name="张三丰", id_number=new_id(), phone="13987654321")
    )
    member_add(ctx=SYSTEM, household=h, data=head_data(name="李秀英", relation="02", id_number=new_id(female=True)))
    return h


@pytest.fixture
def donor(db):
    return donor_register(
        ctx=SYSTEM, name="爱心王", phone="13600000000", password="a-Long-pass-2017", organisation="衡阳爱心协会"
    )


def post(household, **kw):
    data = {"item": "冬季棉被", "estimated_cost": Decimal(300), "public_text": "家中老人需要厚棉被过冬"}
    data.update(kw)
    return wish_post(ctx=SYSTEM, household=household, **data)


def test_full_lifecycle(household, donor, cadre):
    make_cadre("罗志强", user=cadre)
    wish = wish_post(ctx=Context(actor=cadre), household=household, item="书桌", estimated_cost=Decimal(260))
    assert wish.status == "open" and wish.verified_by.name == "罗志强" and wish.verified_on
    as_donor = Context(actor=donor.user)
    claim = wish_claim(ctx=as_donor, wish=wish)
    wish.refresh_from_db()
    assert wish.status == "claimed"
    with pytest.raises(ApplicationError, match="已送达"):
        wish_confirm(ctx=Context(actor=cadre), wish=wish, photo=png_upload((100, 100)))
    wish_deliver(ctx=as_donor, claim=claim, note="已送到村部")
    wish_confirm(ctx=Context(actor=cadre), wish=wish, photo=png_upload((2400, 1800)))
    wish.refresh_from_db()
    claim.refresh_from_db()
    assert wish.status == "confirmed" and claim.confirmed_by == cadre
    assert claim.photo.name.endswith(".jpg")


def test_a_claimed_wish_cannot_be_claimed_again(household, donor):
    other = donor_register(ctx=SYSTEM, name="爱心李", phone="13600000001", password="a-Long-pass-2017")
    wish = post(household)
    wish_claim(ctx=Context(actor=donor.user), wish=wish)
    with pytest.raises(ApplicationError, match="已被认领"):
        wish_claim(ctx=Context(actor=other.user), wish=wish)


def test_release_opens_the_wish_again_and_keeps_the_claim(household, donor):
    wish = post(household)
    claim = wish_claim(ctx=Context(actor=donor.user), wish=wish)
    wish_release(ctx=Context(actor=donor.user), claim=claim)
    wish.refresh_from_db()
    assert wish.status == "open"
    assert WishClaim.objects.filter(wish=wish, released_at__isnull=False).count() == 1


def test_only_the_claiming_donor_delivers(household, donor):
    other = donor_register(ctx=SYSTEM, name="爱心李", phone="13600000001", password="a-Long-pass-2017")
    claim = wish_claim(ctx=Context(actor=donor.user), wish=post(household))
    with pytest.raises(ApplicationError, match="不是您当前认领"):
        wish_deliver(ctx=Context(actor=other.user), claim=claim)


def test_staff_cannot_claim(household, coordinator):
    with pytest.raises(ApplicationError, match="爱心人士"):
        wish_claim(ctx=Context(actor=coordinator), wish=post(household))


def test_cancel_needs_an_open_wish_and_a_reason(household, donor):
    wish = post(household)
    with pytest.raises(ValidationError):
        wish_cancel(ctx=SYSTEM, wish=wish, reason=" ")
    wish_claim(ctx=Context(actor=donor.user), wish=wish)
    with pytest.raises(ApplicationError, match="待认领"):
        wish_cancel(ctx=SYSTEM, wish=wish, reason="重复")


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("public_text", "张三丰家需要棉被"),
        ("public_text", "请联系 13812345678"),
        ("public_text", "身份证 430405196503150010"),
        ("item", "李秀英的轮椅"),
    ],
)
def test_personal_data_in_public_text_is_refused(household, field, text):
    with pytest.raises(ValidationError) as err:
        post(household, **{field: text})
    assert "个人信息" in err.value.message_dict[field][0]


def test_donor_registration_rules(db, donor):
    with pytest.raises(ValidationError) as err:
        donor_register(ctx=SYSTEM, name="重复", phone="136 0000 0000", password="a-Long-pass-2017")
    assert "已注册" in err.value.message_dict["phone"][0]
    with pytest.raises(ValidationError) as err:
        donor_register(ctx=SYSTEM, name="短号", phone="1360000", password="a-Long-pass-2017")
    assert "11 位" in err.value.message_dict["phone"][0]
    assert not donor.user.assignments.exists()  # a donor holds no role at all


# The public board ----------------------------------------------------------------------


def test_public_board_shows_no_personal_data(household, client):
    post(household)
    secrets = [household.code, "张三丰", "李秀英", "13812345678", "13987654321"]
    secrets += list(household.members.values_list("id_number", flat=True))
    html = Client().get(reverse("assistance:public_wishes")).content.decode()
    assert "冬季棉被" in html and "300" in html and "大昌村" in html
    for secret in secrets:
        assert secret not in html, secret
    api = Client().get(reverse("assistance-publicwish-list")).content.decode()
    assert "冬季棉被" in api
    for secret in secrets:
        assert secret not in api, secret
    # Not even the household's id: nothing to join with the registry.
    assert '"household"' not in api


def test_public_board_lists_only_open_verified_wishes(household, donor):
    open_wish = post(household, item="书包", public_text="")
    claimed = post(household, item="台灯", public_text="")
    wish_claim(ctx=Context(actor=donor.user), wish=claimed)
    html = Client().get(reverse("assistance:public_wishes")).content.decode()
    assert open_wish.item in html and claimed.item not in html


def test_a_donor_sees_no_registry_data(household, donor):
    client = Client()
    client.force_login(donor.user)
    households = client.get(reverse("registry:household_list")).content.decode()
    assert household.code not in households and "张三丰" not in households
    assert client.get(reverse("assistance:household_plan", args=[household.pk, 2017])).status_code == 404
    assert client.get(reverse("assistance:wish_list")).status_code == 404
    assert client.get(reverse("household-detail", args=[household.pk])).status_code == 404
    assert Donor.objects.get(pk=donor.pk).user.is_staff is False


def test_donor_pages_flow(household, cadre):
    make_cadre("罗志强", user=cadre)
    wish = post(household)
    donor_client = Client()
    r = donor_client.post(
        reverse("assistance:donor_register"),
        {"name": "爱心赵", "phone": "13500000000", "organisation": "", "password": "a-Long-pass-2017"},
    )
    assert r.status_code == 302
    r = donor_client.post(reverse("assistance:donor_claim", args=[wish.pk]))
    assert r.status_code == 302
    claim = WishClaim.objects.get(wish=wish)
    home = donor_client.get(reverse("assistance:donor_home")).content.decode()
    assert "冬季棉被" in home and household.code not in home and "张三丰" not in home
    donor_client.post(reverse("assistance:donor_deliver", args=[claim.pk]), {"note": "放在村部"})
    cadre_client = Client()
    cadre_client.force_login(cadre)
    r = cadre_client.post(reverse("assistance:wish_confirm", args=[wish.pk]), {"photo": png_upload((500, 400))})
    assert r.status_code == 302
    wish.refresh_from_db()
    assert wish.status == "confirmed"
    assert donor_client.get(reverse("assistance:claim_photo", args=[claim.pk])).status_code == 200
    totals = cadre_client.get(reverse("assistance:wish_totals")).content.decode()
    assert "300" in totals
