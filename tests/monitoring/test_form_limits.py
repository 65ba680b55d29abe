"""The alert form and the public self-report form promise the procedure limit of the policy
that applies (the household's region, the chosen village, or every village the form offers),
and no number when the limits in force differ."""

from django.conf import settings
from django.test import Client
from django.urls import reverse

from fupin.monitoring.models import Alert
from tests.conftest import DACHANG, DISTRICT, DONGYANGDU, JIEFANG, region
from tests.monitoring.conftest import exited_household, policy_limit

PUBLIC_NUMBERED = "村干部会在 {} 天内上门核实"
PUBLIC_PLAIN = "村干部会在规定时限内上门核实"
ALERT_NUMBERED = "登记后 {} 天内完成识别程序"
ALERT_PLAIN = "登记后在监测参数规定的时限内完成识别程序"


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def public_page(client: Client | None = None, **post) -> str:
    c = client or Client()
    if post:
        data = {"village": "", "name": "王五", "phone": "13800001111", "description": "老伴住院", **post}
        r = c.post(reverse("monitoring:report"), data)
    else:
        r = c.get(reverse("monitoring:report"))
    assert r.status_code == 200
    return r.content.decode()


# ---------------------------------------------------------------- the public form


def test_public_form_names_the_seeded_limit(june_2021):
    body = public_page()
    assert PUBLIC_NUMBERED.format(15) in body and PUBLIC_PLAIN not in body


def test_public_form_follows_a_new_district_version(june_2021, coordinator):
    policy_limit(coordinator, DISTRICT, 9)
    body = public_page()
    assert PUBLIC_NUMBERED.format(9) in body
    assert "15 天" not in body


def test_public_form_waits_for_the_version_of_next_year(june_2021, coordinator):
    policy_limit(coordinator, DISTRICT, 9, year_from=2022)
    assert PUBLIC_NUMBERED.format(15) in public_page()


def test_public_form_without_a_village_names_no_number_when_limits_differ(june_2021, coordinator):
    policy_limit(coordinator, DONGYANGDU, 12)
    body = public_page()
    assert PUBLIC_PLAIN in body
    assert "12 天" not in body and "15 天" not in body


def test_public_form_names_the_chosen_villages_limit(june_2021, coordinator):
    policy_limit(coordinator, DONGYANGDU, 12)
    # Sent back with an error: the village is chosen, so its own limit is known.
    body = public_page(village=region(DACHANG).pk, phone="123")
    assert "11 位手机号码" in body and PUBLIC_NUMBERED.format(12) in body
    body = public_page(village=region(JIEFANG).pk, phone="123")
    assert PUBLIC_NUMBERED.format(15) in body
    # No village chosen: back to the wording without a number.
    assert PUBLIC_PLAIN in public_page(phone="123")
    assert not Alert.objects.exists()


def test_public_form_in_english_names_the_limit(june_2021, coordinator):
    policy_limit(coordinator, DISTRICT, 9)
    c = Client()
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Village cadres will visit to verify within 9 days" in public_page(c)
    policy_limit(coordinator, DONGYANGDU, 12)
    assert "Village cadres will visit to verify within the set time limit" in public_page(c)


# ---------------------------------------------------------------- the alert form


def alert_page(user, household: str = "") -> str:
    url = reverse("monitoring:alert_create") + (f"?household={household}" if household else "")
    r = login(user).get(url)
    assert r.status_code == 200
    return r.content.decode()


def test_alert_form_names_the_seeded_limit(june_2021, cadre):
    body = alert_page(cadre)
    assert ALERT_NUMBERED.format(15) in body and ALERT_PLAIN not in body


def test_alert_form_names_the_households_limit(june_2021, coordinator, cadre):
    policy_limit(coordinator, DONGYANGDU, 12)
    exited_household("4304050142010401")
    exited_household("4304052012010401", JIEFANG)
    # The district office covers both limits: no number until a household is named.
    body = alert_page(coordinator)
    assert ALERT_PLAIN in body and "12 天" not in body and "15 天" not in body
    assert ALERT_NUMBERED.format(12) in alert_page(coordinator, "4304050142010401")
    assert ALERT_NUMBERED.format(15) in alert_page(coordinator, "4304052012010401")
    # A 大昌村 cadre reports only where the township's version applies.
    assert ALERT_NUMBERED.format(12) in alert_page(cadre)


def test_alert_form_in_english(june_2021, coordinator, cadre):
    policy_limit(coordinator, DISTRICT, 10)
    c = login(cadre)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = c.get(reverse("monitoring:alert_create")).content.decode()
    assert "must be completed within 10 days of registration" in body


def test_the_whole_tree_counts_only_the_limits_its_villages_follow(june_2021, coordinator):
    from fupin.monitoring.policy import procedure_days_within
    from fupin.regions.models import Region

    roots = Region.objects.get_root_nodes()
    assert procedure_days_within(roots=roots, year=2021) == [15]
    # Every village lies in the district: the province's national limit reaches none of them.
    policy_limit(coordinator, DISTRICT, 9)
    assert procedure_days_within(roots=roots, year=2021) == [9]
    policy_limit(coordinator, DONGYANGDU, 12)
    assert procedure_days_within(roots=roots, year=2021) == [9, 12]
    assert procedure_days_within(roots=[region(DACHANG)], year=2021) == [12]
