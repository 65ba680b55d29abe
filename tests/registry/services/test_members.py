"""Stories of members: ID validation, uniqueness across the registry, one head, ending."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from fupin.core.changelog import Context
from fupin.core.models import ObjectChange
from fupin.registry.models import HouseholdYear, Member
from fupin.registry.services import household_year_save, member_add, member_end, member_update
from fupin.utils import idno
from tests.conftest import SYSTEM, head_data, make_household, new_id


def child(**kw):
    data = {
        "name": "张小",
        "id_number": new_id(dt.date(2010, 5, 1)),
        "relation": "03",
        "school_status": "03",
        "health": "01",
        "labour_skill": "4",
    }
    data.update(kw)
    return data


def test_newborn_is_added_with_derived_birth_date_and_sex(cadre, dachang_household):
    number = idno.make("430405", dt.date(2017, 3, 8), 12)
    m = member_add(
        ctx=Context(actor=cadre),
        household=dachang_household,
        reason="06",
        data=child(id_number=number, school_status="", education="06"),
    )
    assert m.birth_date == dt.date(2017, 3, 8) and m.sex == "2" and m.join_reason == "06"
    assert ObjectChange.objects.filter(object_id=m.pk, related_id=dachang_household.pk, action="create").exists()


@pytest.mark.parametrize(
    ("number", "fragment"),
    [("43040519650315001", "18 位"), ("430405196503150011", "校验位"), ("430405196513310019", "出生日期")],
)
def test_invalid_id_says_why(cadre, dachang_household, number, fragment):
    with pytest.raises(ValidationError) as err:
        member_add(ctx=Context(actor=cadre), household=dachang_household, data=child(id_number=number))
    assert fragment in err.value.message_dict["id_number"][0]


def test_lowercase_x_and_fullwidth_digits_are_normalised(cadre, dachang_household):
    m = member_add(
        ctx=Context(actor=cadre),
        household=dachang_household,
        data=child(
            id_number="１１０１０５１９４９１２３１００２x", relation="12", school_status="", education="01", sex="2"
        ),
    )
    assert m.id_number == "11010519491231002X"


def test_duplicate_id_names_the_household_holding_it(cadre, regions):
    first = make_household("DUP1")
    number = first.members.get().id_number
    second = make_household("DUP2")
    with pytest.raises(ValidationError) as err:
        member_add(ctx=Context(actor=cadre), household=second, data=child(id_number=number))
    assert "DUP1" in err.value.message_dict["id_number"][0]


def test_database_refuses_two_active_members_with_one_id(dachang_household):
    head = dachang_household.members.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(
            household=make_household("DB2"),
            name="x",
            id_number=head.id_number,
            sex="1",
            birth_date=head.birth_date,
            relation="02",
            education="02",
            labour_skill="1",
        )


def test_second_head_is_refused(cadre, dachang_household):
    with pytest.raises(ValidationError) as err:
        member_add(ctx=Context(actor=cadre), household=dachang_household, data=child(relation="01"))
    assert "relation" in err.value.message_dict


def test_sex_must_agree_with_id(cadre, dachang_household):
    number = idno.make("430405", dt.date(1980, 1, 1), 11)  # odd → male
    with pytest.raises(ValidationError) as err:
        member_add(
            ctx=Context(actor=cadre),
            household=dachang_household,
            data=child(id_number=number, sex="2", relation="02", school_status="", education="03"),
        )
    assert "sex" in err.value.message_dict


def test_exactly_one_of_education_and_school_status(cadre, dachang_household):
    with pytest.raises(ValidationError):
        member_add(ctx=Context(actor=cadre), household=dachang_household, data=child(education="02"))
    with pytest.raises(ValidationError):
        member_add(ctx=Context(actor=cadre), household=dachang_household, data=child(school_status=""))


def test_work_months_iff_work_status(cadre, dachang_household):
    with pytest.raises(ValidationError):
        member_add(
            ctx=Context(actor=cadre),
            household=dachang_household,
            data=child(
                work_status="04", relation="02", school_status="", education="03", id_number=new_id(dt.date(1975, 1, 1))
            ),
        )


def test_member_who_leaves_is_ended_not_deleted_and_size_follows(cadre, dachang_household):
    ctx = Context(actor=cadre)
    daughter = member_add(
        ctx=ctx, household=dachang_household, data=child(relation="04"), reason="06", on=dt.date(2017, 1, 2)
    )
    household_year_save(
        ctx=ctx,
        household=dachang_household,
        year=2017,
        data={"wage_income": 6000, "business_income": 1000, "production_cost": 1000},
    )
    assert HouseholdYear.objects.get().per_capita_net_income == 3000
    member_end(ctx=ctx, member=daughter, reason="02", on=dt.date(2017, 6, 1))
    daughter.refresh_from_db()
    assert daughter.ended_on == dt.date(2017, 6, 1) and daughter.end_reason == "02"
    assert Member.objects.filter(pk=daughter.pk).exists()
    y = HouseholdYear.objects.get()
    assert y.persons == 1 and y.per_capita_net_income == 6000


def test_ending_the_head_needs_a_new_head(cadre, dachang_household):
    ctx = Context(actor=cadre)
    spouse = member_add(
        ctx=ctx,
        household=dachang_household,
        data=child(relation="02", school_status="", education="03", id_number=new_id(female=True)),
    )
    head = dachang_household.members.get(relation="01")
    with pytest.raises(ValidationError):
        member_end(ctx=ctx, member=head, reason="01")
    member_end(ctx=ctx, member=head, reason="01", new_head=spouse)
    spouse.refresh_from_db()
    assert spouse.relation == "01"


def test_the_last_member_leaving_names_no_head_from_another_household(regions):
    alone = make_household("ALONE1")
    other = make_household("OTHER1")
    stranger = other.members.get(relation="01")
    with pytest.raises(ValidationError) as exc:
        member_end(ctx=SYSTEM, member=alone.members.get(), reason="01", new_head=stranger)
    assert "new_head" in exc.value.message_dict
    assert alone.members.get().ended_on is None
    assert other.members.filter(relation="01").count() == 1


def test_ended_id_can_be_registered_again_elsewhere(cadre, regions):
    a = make_household("MOVE1")
    spouse = member_add(ctx=SYSTEM, household=a, data=child(relation="02", school_status="", education="03"))
    member_end(ctx=SYSTEM, member=spouse, reason="02")
    b = make_household("MOVE2")
    moved = member_add(
        ctx=SYSTEM,
        household=b,
        reason="05",
        data=child(id_number=spouse.id_number, relation="02", school_status="", education="03"),
    )
    assert moved.household == b


def test_update_logs_only_changed_fields_masked(cadre, dachang_household):
    head = dachang_household.members.get()
    member_update(ctx=Context(actor=cadre), member=head, data={"phone": "13912345678"})
    change = ObjectChange.objects.get(object_id=head.pk, action="update")
    assert change.after == {"phone": "139****5678"}


def test_other_cadre_cannot_touch_member(other_cadre, dachang_household):
    from fupin.core.errors import ScopeError

    with pytest.raises(ScopeError):
        member_update(ctx=Context(actor=other_cadre), member=dachang_household.members.get(), data={"name": "x"})


def test_head_data_helper_is_valid():
    assert idno.problem(head_data()["id_number"]) is None
