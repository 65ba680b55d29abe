"""Closing a household records a decision that has been taken: like ending a member, it may not
be dated after today (QA found a household closed on 2030-01-01 with its members ended then)."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from fupin.core.changelog import Context
from fupin.registry.forms import HouseholdCloseForm, MemberEndForm
from fupin.registry.models import Household
from fupin.registry.services import household_close

DECISION = "区扶贫办〔2017〕12号"


def tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


def test_the_service_refuses_a_closing_date_after_today(coordinator, dachang_household):
    with pytest.raises(ValidationError) as err:
        household_close(
            ctx=Context(actor=coordinator, reason=DECISION),
            household=dachang_household,
            reason="deceased",
            on=tomorrow(),
        )
    assert err.value.message_dict == {"closed_on": ["注销日期不能晚于今天"]}
    h = Household.objects.get(pk=dachang_household.pk)
    assert h.closed_on is None
    assert h.members.filter(ended_on__isnull=True).count() == 1


def test_the_service_closes_on_today(coordinator, dachang_household):
    today = timezone.localdate()
    household_close(
        ctx=Context(actor=coordinator, reason=DECISION), household=dachang_household, reason="deceased", on=today
    )
    h = Household.objects.get(pk=dachang_household.pk)
    assert h.closed_on == today
    assert list(h.members.values_list("ended_on", flat=True)) == [today]


def test_the_close_form_refuses_a_future_date_as_the_member_form_does(dachang_household):
    data = {"close_reason": "deceased", "closed_on": tomorrow().isoformat(), "note": DECISION}
    form = HouseholdCloseForm(data)
    assert not form.is_valid()
    assert form.errors["closed_on"] == ["注销日期不能晚于今天"]
    assert HouseholdCloseForm({**data, "closed_on": timezone.localdate().isoformat()}).is_valid()
    # The member form keeps its rule, now shared with the close form.
    head = dachang_household.members.get()
    end = MemberEndForm(
        {"end_reason": "01", "ended_on": tomorrow().isoformat()}, member=head, others=head.household.members.none()
    )
    assert not end.is_valid() and end.errors["ended_on"] == ["减少日期不能晚于今天"]


def test_the_close_page_answers_a_future_date_on_the_field(client, coordinator, dachang_household):
    client.force_login(coordinator)
    url = reverse("registry:household_close", args=[dachang_household.pk])
    r = client.post(url, {"close_reason": "deceased", "closed_on": "2030-01-01", "note": DECISION})
    assert r.status_code == 200
    assert "注销日期不能晚于今天" in r.content.decode()
    assert Household.objects.get(pk=dachang_household.pk).closed_on is None


def test_the_close_page_in_english(client, coordinator, dachang_household):
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("registry:household_close", args=[dachang_household.pk])
    r = client.post(url, {"close_reason": "deceased", "closed_on": "2030-01-01", "note": DECISION})
    html = r.content.decode()
    assert "Closure date cannot be later than today" in html
    assert "› Close household</nav>" in html


def test_the_member_service_refuses_an_end_date_after_today(coordinator, dachang_household):
    """The service checks the date itself (the API and imports do not go through the form)."""
    from fupin.registry.choices import END_REASONS
    from fupin.registry.services import member_end

    member = dachang_household.members.get()
    with pytest.raises(ValidationError) as err:
        member_end(
            ctx=Context(actor=coordinator, reason=DECISION), member=member, reason=sorted(END_REASONS)[0], on=tomorrow()
        )
    assert err.value.message_dict == {"ended_on": ["减少日期不能晚于今天"]}
    member.refresh_from_db()
    assert member.ended_on is None
