"""The exit page's assessment and proposal default to a year the policy covers: QA's "re-assess"
and "propose exit" defaulted to this calendar year and failed with "no policy parameters"."""

import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fupin.monitoring.models import ExitAssessment, ExitCase
from tests.conftest import head_data, make_household
from tests.monitoring.conftest import SAFE, facts


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def poor_household(code: str):
    return make_household(code, identified_year=2015, head=head_data(ins_medical=True, ins_serious_illness=True))


def years_shown(html: str) -> tuple[str, str]:
    assess = re.search(r'id="assess-year"[^>]*value="(\d+)"', html).group(1)
    propose = re.search(r'<input type="number" name="year" value="(\d+)"', html).group(1)
    return assess, propose


def test_the_defaults_are_the_latest_year_of_facts_the_policy_covers(regions, cadre):
    h = poor_household("4304050142012201")
    facts(h, 2017, wage=4500, **SAFE)
    page = login(cadre).get(reverse("monitoring:household_exit", args=[h.pk])).content.decode()
    assert years_shown(page) == ("2017", "2017")


def test_without_facts_the_defaults_are_the_latest_policy_year(regions, cadre):
    h = poor_household("4304050142012202")
    page = login(cadre).get(reverse("monitoring:household_exit", args=[h.pk])).content.decode()
    assert years_shown(page) == ("2020", "2020")


def test_assessing_with_the_default_year_works(regions, cadre):
    h = poor_household("4304050142012203")
    facts(h, 2017, wage=4500, **SAFE)
    r = login(cadre).post(reverse("monitoring:household_exit", args=[h.pk]), {"action": "assess", "year": ""})
    assert r.status_code == 302
    assert ExitAssessment.objects.get(household=h).year == 2017


def test_proposing_with_the_default_year_works(regions, cadre):
    h = poor_household("4304050142012204")
    facts(h, 2017, wage=4500, **SAFE)
    c = login(cadre)
    _, year = years_shown(c.get(reverse("monitoring:household_exit", args=[h.pk])).content.decode())
    today = timezone.localdate().isoformat()
    r = c.post(
        reverse("monitoring:household_exit", args=[h.pk]),
        {
            "action": "propose",
            "year": year,
            "meeting_on": today,
            "votes_for": 20,
            "votes_against": 1,
            "food_secure": "on",
            "clothing_secure": "on",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert ExitCase.objects.get(household=h).year == 2017


def test_an_explicit_year_without_policy_keeps_its_error(regions, cadre):
    h = poor_household("4304050142012205")
    this_year = timezone.localdate().year
    r = login(cadre).post(reverse("monitoring:household_exit", args=[h.pk]), {"action": "assess", "year": this_year})
    assert r.status_code == 400
    assert f"{this_year} 年没有适用于" in r.content.decode()
    assert not ExitAssessment.objects.exists()
