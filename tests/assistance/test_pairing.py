"""一户一人: one active cadre per household (a database constraint), with history."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from fupin.assistance.models import MaxWorkload, Pairing
from fupin.assistance.services import cadre_end, pairing_assign, pairing_end
from fupin.core.changelog import Context
from fupin.core.errors import ApplicationError, ScopeError
from fupin.core.models import ObjectChange
from tests.assistance.conftest import make_cadre
from tests.conftest import GUANGHUI, JIEFANG, SYSTEM, make_household


def test_database_refuses_two_active_pairings(dachang_household):
    a, b = make_cadre("甲"), make_cadre("乙")
    Pairing.objects.create(household=dachang_household, cadre=a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Pairing.objects.create(household=dachang_household, cadre=b)


def test_ended_pairings_may_accumulate(dachang_household):
    a, b = make_cadre("甲"), make_cadre("乙")
    Pairing.objects.create(household=dachang_household, cadre=a, ended_on=dt.date(2016, 1, 1))
    Pairing.objects.create(household=dachang_household, cadre=a, ended_on=dt.date(2016, 6, 1))
    Pairing.objects.create(household=dachang_household, cadre=b)
    assert dachang_household.pairings.count() == 3


def test_reassigning_ends_the_previous_pairing_and_keeps_it(dachang_household):
    a, b = make_cadre("甲"), make_cadre("乙")
    first = pairing_assign(ctx=SYSTEM, household=dachang_household, cadre=a, started_on=dt.date(2016, 3, 1))
    second = pairing_assign(ctx=SYSTEM, household=dachang_household, cadre=b, started_on=dt.date(2017, 5, 1))
    first.refresh_from_db()
    assert first.ended_on == dt.date(2017, 5, 1) and first.end_reason
    assert second.ended_on is None and second.cadre == b
    history = list(dachang_household.pairings.order_by("started_on").values_list("cadre__name", "ended_on"))
    assert history == [("甲", dt.date(2017, 5, 1)), ("乙", None)]
    actions = set(ObjectChange.objects.filter(object_id__in=[first.pk, second.pk]).values_list("action", flat=True))
    assert actions == {"create", "end"}


def test_assigning_the_same_cadre_again_is_refused(dachang_household):
    a = make_cadre("甲")
    pairing_assign(ctx=SYSTEM, household=dachang_household, cadre=a)
    with pytest.raises(ApplicationError, match="已是"):
        pairing_assign(ctx=SYSTEM, household=dachang_household, cadre=a)


def test_new_pairing_cannot_start_before_the_current_one(dachang_household):
    a, b = make_cadre("甲"), make_cadre("乙")
    pairing_assign(ctx=SYSTEM, household=dachang_household, cadre=a, started_on=dt.date(2017, 5, 1))
    with pytest.raises(Exception, match="开始日期"):
        pairing_assign(ctx=SYSTEM, household=dachang_household, cadre=b, started_on=dt.date(2017, 1, 1))


def test_workload_maximum_is_policy_data(regions):
    MaxWorkload.objects.create(effective_year=2017, max_households=2)
    a = make_cadre("甲")
    h1, h2, h3 = (make_household(f"430405014201{n:04d}") for n in (1, 2, 3))
    pairing_assign(ctx=SYSTEM, household=h1, cadre=a, started_on=dt.date(2017, 2, 1))
    pairing_assign(ctx=SYSTEM, household=h2, cadre=a, started_on=dt.date(2017, 2, 1))
    with pytest.raises(ApplicationError, match="最多 2 户"):
        pairing_assign(ctx=SYSTEM, household=h3, cadre=a, started_on=dt.date(2017, 2, 1))
    # The 2014 row (5 households) still applies to 2016.
    pairing_assign(ctx=SYSTEM, household=h3, cadre=a, started_on=dt.date(2016, 2, 1))


def test_ending_a_pairing_needs_a_reason_and_leaves_the_household_without_cadre(dachang_household):
    p = pairing_assign(ctx=SYSTEM, household=dachang_household, cadre=make_cadre("甲"), started_on=dt.date(2017, 1, 1))
    with pytest.raises(Exception, match="结束原因"):
        pairing_end(ctx=SYSTEM, pairing=p, ended_on=dt.date(2017, 6, 1))
    pairing_end(ctx=SYSTEM, pairing=p, ended_on=dt.date(2017, 6, 1), reason="干部调动")
    assert not dachang_household.pairings.filter(ended_on__isnull=True).exists()


def test_reviewer_assigns_only_within_the_township(reviewer, dachang_household):
    ctx = Context(actor=reviewer)
    a = make_cadre("甲")
    pairing_assign(ctx=ctx, household=make_household("4304050142020001", GUANGHUI), cadre=a)
    with pytest.raises(ScopeError):
        pairing_assign(ctx=ctx, household=make_household("4304052012010001", JIEFANG), cadre=a)


def test_village_cadre_cannot_assign(cadre, dachang_household):
    with pytest.raises(ScopeError):
        pairing_assign(ctx=Context(actor=cadre), household=dachang_household, cadre=make_cadre("甲"))


def test_a_cadre_holding_households_cannot_leave(dachang_household):
    a = make_cadre("甲")
    pairing_assign(ctx=SYSTEM, household=dachang_household, cadre=a)
    with pytest.raises(ApplicationError, match="仍结对 1 户"):
        cadre_end(ctx=SYSTEM, cadre=a)


def test_an_import_may_load_pairings_beyond_the_maximum(regions):
    MaxWorkload.objects.create(effective_year=2017, max_households=1)
    a = make_cadre("甲")
    h1, h2 = make_household("4304050142010001"), make_household("4304050142010002")
    pairing_assign(ctx=SYSTEM, household=h1, cadre=a, started_on=dt.date(2017, 2, 1))
    pairing_assign(ctx=SYSTEM, household=h2, cadre=a, started_on=dt.date(2017, 2, 1), enforce_workload=False)
    assert a.pairings.filter(ended_on__isnull=True).count() == 2


def test_a_cadre_is_identified_by_id_number_else_name_and_phone(regions):
    from django.core.exceptions import ValidationError

    from fupin.assistance.services import cadre_create
    from tests.conftest import DACHANG, new_id, region

    make_cadre("甲", phone="13700000009")
    with pytest.raises(ValidationError) as err:
        cadre_create(ctx=SYSTEM, region=region(DACHANG), data={"name": "甲", "phone": "13700000009", "employer": "局"})
    assert err.value.message_dict["phone"] == ["帮扶干部 甲（13700000009）已存在"]
    number = new_id()
    make_cadre("乙", id_number=number)
    with pytest.raises(ValidationError) as err:
        cadre_create(
            ctx=SYSTEM,
            region=region(DACHANG),
            data={"name": "丙", "phone": "13700000010", "employer": "局", "id_number": number},
        )
    assert "已登记为帮扶干部 乙" in err.value.message_dict["id_number"][0]
    with pytest.raises(ValidationError) as err:
        cadre_create(ctx=SYSTEM, region=region(DACHANG), data={"name": "丁", "phone": "1370000001", "employer": "局"})
    assert "11 位" in err.value.message_dict["phone"][0]
