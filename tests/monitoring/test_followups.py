"""Follow-ups of the issue 7 review: the dashboard names the policy's procedure limit, and one
household runs one identification procedure at a time — a further signal (another channel, a
second list, a cadre's report, a matched self-report) joins the open alert as evidence."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from fupin.core.changelog import Context
from fupin.core.errors import ApplicationError
from fupin.core.models import ObjectChange
from fupin.monitoring.choices import AlertStatus
from fupin.monitoring.dashboard import age_bands, dashboard, procedure_days
from fupin.monitoring.models import Alert
from fupin.monitoring.screening.income import screen_income
from fupin.monitoring.screening.lists import screen_list
from fupin.monitoring.services.alerts import alert_match, alert_report, alert_self_report
from fupin.monitoring.services.lists import department_list_upload
from fupin.monitoring.services.procedure import alert_step
from tests.conftest import DACHANG, DISTRICT, DONGYANGDU, JIEFANG, SYSTEM, head_data, region
from tests.monitoring.conftest import at, exited_household, facts, policy_limit, walk_to_decision, write_csv


def ctx(user):
    return Context(actor=user)


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


# ---------------------------------------------------------------- the dashboard's limit


def test_the_dashboard_heading_shows_the_seeded_limit(june_2021, coordinator):
    body = client_for(coordinator).get(reverse("monitoring:dashboard")).content.decode()
    assert "识别程序超期（15 天时限）" in body


def test_the_dashboard_heading_follows_a_new_policy_version(june_2021, coordinator):
    policy_limit(coordinator, DISTRICT, 9)
    body = client_for(coordinator).get(reverse("monitoring:dashboard")).content.decode()
    assert "识别程序超期（9 天时限）" in body
    assert "15 天时限" not in body
    # The age bands are cut from the same limit: thirds of 9 days, then past it.
    d = dashboard(user=coordinator)
    assert [(b["low"], b["high"]) for b in d["age_bands"]] == [(0, 3), (4, 6), (7, 9), (10, None)]


def test_a_version_for_next_year_does_not_change_this_years_heading(june_2021, coordinator):
    policy_limit(coordinator, DISTRICT, 9, year_from=2022)
    assert procedure_days(user=coordinator, year=2021) == [15]
    assert procedure_days(user=coordinator, year=2022) == [9]


def test_a_township_version_shows_beside_the_district_one(june_2021, coordinator, reviewer):
    policy_limit(coordinator, DONGYANGDU, 12, note="东阳渡试点")
    # The district sees both limits in force in its scope; the township only its own.
    assert procedure_days(user=coordinator, year=2021) == [12, 15]
    assert procedure_days(user=reviewer, year=2021) == [12]
    body = client_for(coordinator).get(reverse("monitoring:dashboard")).content.decode()
    assert "识别程序超期（12/15 天时限）" in body


def test_under_mixed_limits_the_last_band_is_the_overdue_count(june_2021, coordinator):
    # 东阳渡 (大厂村) runs under 12 days, 解放 under the district's 15: both alerts are 13 days
    # old, only the first is past its own deadline.
    policy_limit(coordinator, DONGYANGDU, 12)
    june_2021.move_to(at(2021, 5, 19))
    late = alert_report(ctx=SYSTEM, household=exited_household("4304050142019801"), source="cadre", description="x")
    in_time = alert_report(
        ctx=SYSTEM, household=exited_household("4304052012019802", JIEFANG), source="cadre", description="y"
    )
    june_2021.move_to(at(2021, 6, 1))
    d = dashboard(user=coordinator)
    assert (late.deadline, in_time.deadline) == (dt.date(2021, 5, 31), dt.date(2021, 6, 3))
    assert d["overdue_count"] == 1 and [a.pk for a in d["overdue"]] == [late.pk]
    bands = [(b["low"], b["high"], b["n"], b["overdue"]) for b in d["age_bands"]]
    # In time: thirds of the longest limit, so the 15-day alert finds its band; then the
    # alerts past their own deadline, whatever their limit, with no single day to name.
    assert bands == [(0, 5, 0, False), (6, 10, 0, False), (11, 15, 1, False), (None, None, 1, True)]
    body = client_for(coordinator).get(reverse("monitoring:dashboard")).content.decode()
    assert "超过各自时限" in body and "天以上（超过时限）" not in body


def test_under_one_limit_the_overdue_band_names_its_first_day(june_2021, coordinator):
    june_2021.move_to(at(2021, 5, 16))
    alert_report(ctx=SYSTEM, household=exited_household("4304050142019803"), source="cadre", description="x")
    june_2021.move_to(at(2021, 6, 1))
    d = dashboard(user=coordinator)
    bands = [(b["low"], b["high"], b["n"]) for b in d["age_bands"]]
    assert bands == [(0, 5, 0), (6, 10, 0), (11, 15, 0), (16, None, 1)]
    assert d["overdue_count"] == 1
    body = client_for(coordinator).get(reverse("monitoring:dashboard")).content.decode()
    assert "16 天以上（超过时限）" in body


def test_age_bands_of_the_usual_limit_are_unchanged():
    assert age_bands(15) == ((0, 5), (6, 10), (11, 15), (16, None))
    assert age_bands(1) == ((0, 0), (1, 1), (2, None))


# ---------------------------------------------------------------- one procedure per household


@pytest.fixture
def ill_and_poorer(june_2021, tmp_path):
    """A 脱贫户 with a 12,000-yuan medical bill whose income also fell by half since 2020, and a
    neighbour with only the bill."""
    head = head_data()
    h = exited_household("4304050142010601", head=head)
    facts(h, 2020, wage=20000)
    facts(h, 2021, wage=9000)
    other_head = head_data()
    other = exited_household("4304050142010602", head=other_head)
    facts(other, 2020, wage=20000)
    facts(other, 2021, wage=20000)
    path = write_csv(
        tmp_path / "med.csv", ["证件号码", "个人自付"], [[head["id_number"], 12000], [other_head["id_number"], 12000]]
    )
    dl = department_list_upload(
        ctx=SYSTEM, region=region(DISTRICT), kind="medical", year=2021, upload=path, filename="med.csv"
    )[0]
    return h, other, dl


def test_a_second_channel_joins_the_open_alert(ill_and_poorer):
    h, other, dl = ill_and_poorer
    listed = screen_list(ctx=SYSTEM, dl=dl)
    assert (listed.alerts, listed.attached) == (2, 0)
    income = screen_income(ctx=SYSTEM, year=2021, paths=[region(DISTRICT).path])
    assert (income.alerts, income.attached) == (0, 1)
    alerts = list(Alert.objects.filter(household=h).order_by("id"))
    assert [a.status for a in alerts] == [AlertStatus.OPEN, AlertStatus.ATTACHED]
    first, signal = alerts
    # The signal keeps its own channel and evidence, but no procedure and no clock of its own.
    assert signal.source == "income" and signal.evidence["rules"] == ["drop"]
    assert signal.attached_to_id == first.pk and signal.deadline == first.deadline and signal.next_step == ""
    assert Alert.objects.filter(status=AlertStatus.OPEN).count() == 2
    assert Alert.objects.get(household=other).status == AlertStatus.OPEN
    # Logged like any alert, naming the alert it joined.
    row = ObjectChange.objects.get(object_id=signal.pk, content_type__model="alert")
    assert row.after["status"] == "attached" and row.after["attached_to"] == first.pk


def test_screening_again_adds_nothing(ill_and_poorer):
    _h, _other, dl = ill_and_poorer
    paths = [region(DISTRICT).path]
    screen_list(ctx=SYSTEM, dl=dl)
    screen_income(ctx=SYSTEM, year=2021, paths=paths)
    count = Alert.objects.count()
    again = screen_list(ctx=SYSTEM, dl=dl)
    income = screen_income(ctx=SYSTEM, year=2021, paths=paths)
    assert (again.alerts, again.attached, income.alerts, income.attached) == (0, 0, 0, 0)
    assert Alert.objects.count() == count


def test_after_the_decision_a_new_signal_starts_a_new_procedure(
    ill_and_poorer, june_2021, cadre, reviewer, coordinator
):
    h, _other, dl = ill_and_poorer
    screen_list(ctx=SYSTEM, dl=dl)
    first = Alert.objects.get(household=h)
    walk_to_decision(first, village_user=cadre, township_user=reviewer, county_user=coordinator, traveller=june_2021)
    later = alert_report(ctx=ctx(cadre), household=h, source="cadre", description="房屋受损", risk_hint="09")
    assert later.status == AlertStatus.OPEN and later.attached_to_id is None


def test_the_alert_page_lists_the_joined_signals(ill_and_poorer, coordinator, cadre):
    h, _other, dl = ill_and_poorer
    screen_list(ctx=SYSTEM, dl=dl)
    screen_income(ctx=SYSTEM, year=2021, paths=[region(DISTRICT).path])
    first = Alert.objects.get(household=h, status=AlertStatus.OPEN)
    signal = Alert.objects.get(household=h, status=AlertStatus.ATTACHED)
    body = client_for(coordinator).get(reverse("monitoring:alert_detail", args=[first.pk])).content.decode()
    assert "并入的其他线索（1 条）" in body
    assert reverse("monitoring:alert_detail", args=[signal.pk]) in body
    assert "下降 55.0%" in body
    # The signal's own page says where its procedure runs, and offers no step of its own.
    body = client_for(cadre).get(reverse("monitoring:alert_detail", args=[signal.pk])).content.decode()
    assert f"已有在办预警 #{first.pk}" in body
    assert reverse("monitoring:alert_step", args=[signal.pk]) not in body


def test_a_joined_signal_takes_no_step(ill_and_poorer, cadre):
    h, _other, dl = ill_and_poorer
    screen_list(ctx=SYSTEM, dl=dl)
    screen_income(ctx=SYSTEM, year=2021, paths=[region(DISTRICT).path])
    signal = Alert.objects.get(household=h, status=AlertStatus.ATTACHED)
    with pytest.raises(ApplicationError, match="已并入预警"):
        alert_step(ctx=ctx(cadre), alert=signal, step="verification", decision="pass")


def test_a_cadres_report_joins_the_open_alert(june_2021, cadre):
    h = exited_household("4304050142010611")
    first = alert_report(ctx=ctx(cadre), household=h, source="cadre", description="住院", risk_hint="01")
    june_2021.shift(dt.timedelta(days=3))
    second = alert_report(ctx=ctx(cadre), household=h, source="self", description="收入骤减", risk_hint="07")
    assert second.status == AlertStatus.ATTACHED and second.attached_to_id == first.pk
    assert second.deadline == first.deadline == dt.date(2021, 6, 16)


def test_the_report_page_sends_the_cadre_to_the_open_alert(june_2021, cadre):
    h = exited_household("4304050142010612")
    first = alert_report(ctx=ctx(cadre), household=h, source="cadre", description="住院", risk_hint="01")
    r = client_for(cadre).post(
        reverse("monitoring:alert_create"),
        {"household": h.code, "source": "cadre", "description": "又因灾受损", "risk_hint": "04"},
    )
    assert r.status_code == 302 and r["Location"] == reverse("monitoring:alert_detail", args=[first.pk])
    assert Alert.objects.filter(household=h, status=AlertStatus.ATTACHED, attached_to=first).count() == 1


def test_a_matched_self_report_joins_the_open_alert(june_2021, cadre):
    h = exited_household("4304050142010613")
    first = alert_report(ctx=ctx(cadre), household=h, source="cadre", description="住院", risk_hint="01")
    public = alert_self_report(
        ctx=Context(actor=None), village=region(DACHANG), name="张三", phone="13800000000", description="看病花了很多钱"
    )
    matched = alert_match(ctx=ctx(cadre), alert=public, household=h)
    assert matched.status == AlertStatus.ATTACHED and matched.attached_to_id == first.pk


def test_the_database_refuses_a_second_open_alert(june_2021, cadre):
    h = exited_household("4304050142010614")
    first = alert_report(ctx=ctx(cadre), household=h, source="cadre", description="住院", risk_hint="01")
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(region=h.region, household=h, source="cadre", deadline=first.deadline)


def test_the_api_names_the_alert_a_report_joined(june_2021, cadre):
    from rest_framework.test import APIClient

    h = exited_household("4304050142010615")
    first = alert_report(ctx=ctx(cadre), household=h, source="cadre", description="住院", risk_hint="01")
    client = APIClient()
    client.force_authenticate(cadre)
    r = client.post(
        "/api/v1/monitoring/alerts/",
        {"household": h.pk, "source": "self", "description": "收入骤减", "risk_hint": "07"},
        format="json",
    )
    assert r.status_code == 201
    assert (r.data["status"], r.data["attached_to"]) == ("attached", first.pk)
