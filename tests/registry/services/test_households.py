"""Stories of households: creation with a head, scoping on writes, status history, closing."""

import pytest
from django.core.exceptions import ValidationError

from fupin.core.changelog import Context
from fupin.core.errors import ApplicationError, ScopeError
from fupin.core.models import ObjectChange
from fupin.registry.models import Household, HouseholdStatusEvent
from fupin.registry.services import household_close, household_create, household_update
from tests.conftest import DACHANG, DONGYANGDU, JIEFANG, SYSTEM, head_data, make_household, region


def test_cadre_creates_household_in_own_village_with_head_and_log(cadre):
    h = household_create(
        ctx=Context(actor=cadre),
        code="H1",
        region=region(DACHANG),
        data={
            "registered": True,
            "attribute": "1",
            "main_cause": "01",
            "identified_year": 2015,
            "status": "not_exited",
        },
        head=head_data(name="王五"),
    )
    head = h.members.get()
    assert head.relation == "01" and head.name == "王五"
    actions = set(ObjectChange.objects.filter(related_id=h.pk).values_list("action", flat=True))
    assert actions == {"create"}
    assert ObjectChange.objects.filter(related_id=h.pk).first().actor == cadre
    assert HouseholdStatusEvent.objects.get(household=h).kind == "registered"


def test_cadre_cannot_create_household_in_another_township(cadre):
    with pytest.raises(ScopeError):
        household_create(ctx=Context(actor=cadre), code="H2", region=region(JIEFANG), data={}, head=head_data())
    assert not Household.objects.filter(code="H2").exists()


def test_leader_cannot_edit(leader, dachang_household):
    with pytest.raises(ScopeError):
        household_update(ctx=Context(actor=leader), household=dachang_household, data={"phone": "13800000000"})


def test_household_must_sit_in_a_village_or_group(regions):
    with pytest.raises(ValidationError) as err:
        household_create(ctx=SYSTEM, code="H3", region=region(DONGYANGDU), data={}, head=head_data())
    assert "region" in err.value.message_dict


def test_duplicate_household_code_is_refused(dachang_household):
    with pytest.raises(ValidationError) as err:
        make_household(dachang_household.code)
    assert dachang_household.code in str(err.value)


def test_registered_household_needs_attribute_cause_year_and_status(regions):
    with pytest.raises(ValidationError) as err:
        household_create(ctx=SYSTEM, code="H4", region=region(DACHANG), data={"registered": True}, head=head_data())
    assert {"attribute", "main_cause", "identified_year", "status"} <= set(err.value.message_dict)


def test_never_poor_household_has_no_status(regions):
    h = make_household("H5", registered=False)
    assert h.status == "" and not h.registered


def test_exit_records_history_and_requires_year(coordinator, dachang_household):
    ctx = Context(actor=coordinator)
    with pytest.raises(ValidationError):
        household_update(ctx=ctx, household=dachang_household, data={"status": "exited"})
    household_update(ctx=ctx, household=dachang_household, data={"status": "exited", "exit_year": 2016})
    event = HouseholdStatusEvent.objects.filter(household=dachang_household, kind="exited").get()
    assert event.year == 2016 and event.status_before == "not_exited"
    change = ObjectChange.objects.filter(object_id=dachang_household.pk, action="update").get()
    assert change.after == {"status": "exited", "exit_year": 2016}
    assert change.before == {"status": "not_exited", "exit_year": None}


def test_phone_must_have_eleven_digits(coordinator, dachang_household):
    with pytest.raises(ValidationError) as err:
        household_update(ctx=Context(actor=coordinator), household=dachang_household, data={"phone": "1380000"})
    assert "phone" in err.value.message_dict


def test_bank_account_is_encrypted_at_rest_and_masked_in_log(coordinator, dachang_household):
    from django.db import connection

    household_update(
        ctx=Context(actor=coordinator),
        household=dachang_household,
        data={"bank_name": "农商银行", "bank_account": "6217001234567890"},
    )
    with connection.cursor() as cur:
        cur.execute("SELECT bank_account FROM registry_household WHERE id = %s", [dachang_household.pk])
        raw = cur.fetchone()[0]
    assert "6217001234567890" not in raw
    assert Household.objects.get(pk=dachang_household.pk).bank_account == "6217001234567890"
    change = ObjectChange.objects.filter(object_id=dachang_household.pk, action="update").get()
    assert change.after["bank_account"] == "****7890"


def test_close_needs_decision_and_ends_members(coordinator, dachang_household):
    with pytest.raises(ValidationError):
        household_close(ctx=Context(actor=coordinator), household=dachang_household, reason="deceased")
    household_close(
        ctx=Context(actor=coordinator, reason="区扶贫办〔2017〕12号"), household=dachang_household, reason="deceased"
    )
    h = Household.objects.get(pk=dachang_household.pk)
    assert h.is_closed and h.close_reason == "deceased"
    assert not h.members.filter(ended_on__isnull=True).exists()
    assert h.members.get().end_reason == "01"
    with pytest.raises(ApplicationError):
        household_update(ctx=Context(actor=coordinator), household=h, data={"phone": "13800000000"})


def test_cadre_cannot_close(cadre, dachang_household):
    with pytest.raises(ScopeError):
        household_close(ctx=Context(actor=cadre, reason="x"), household=dachang_household, reason="deceased")
