"""Identification pages as QA read them: the default assessment year works, a household with an
open case is not offered a second one, findings and the case ledger speak in labels, and the
printed notice in English is an English page signed by the village."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fupin.core.changelog import Context
from fupin.identification.models import Assessment, Finding, PolicyVersion
from fupin.identification.selectors.policy import assessed_years, assessment_default_year
from fupin.identification.services.applications import application_propose, appraisal_record
from fupin.identification.services.duplicates import duplicates_find
from fupin.regions.models import Region
from tests.conftest import DACHANG_G1, DISTRICT, JIEFANG, head_data, make_household, new_id, region
from tests.identification.conftest import poor_household


def client_for(user, lang: str | None = None) -> Client:
    c = Client()
    c.force_login(user)
    if lang:
        c.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return c


def assess_year_shown(html: str, h) -> str:
    form = html.split(f'action="{reverse("identification:household_assess", args=[h.pk])}"')[1]
    return re.search(r'name="year" value="(\d+)"', form).group(1)


# ---------------------------------------------------------------- the default assessment year


def test_the_policy_years_stop_where_the_poverty_line_stops(regions):
    # 2021 has a monitoring line only: no household can be assessed against it.
    years = assessed_years(region=region(DACHANG_G1))
    assert years[0] == 2013 and years[-1] == 2020


def test_the_default_is_the_latest_year_of_facts_the_policy_covers(regions):
    assert assessment_default_year(household=poor_household(year=2017)) == 2017
    # Facts of a year the policy does not reach: the latest year it does.
    assert assessment_default_year(household=poor_household("4304050142010502", year=2023)) == 2020
    assert assessment_default_year(household=make_household("4304050142010503")) == 2020


def test_a_district_version_moves_the_default_for_its_households_only(regions):
    PolicyVersion.objects.create(
        year=2022, region=region(DISTRICT), effective_from=dt.date(2022, 1, 1), poverty_line=4200, criteria=["income"]
    )
    h = poor_household(year=2022)
    assert assessment_default_year(household=h) == 2022
    assert 2022 not in assessed_years(region=Region.objects.get(code="430400"))  # the city is not covered


def test_assessing_with_the_default_year_works(regions, cadre):
    h = poor_household(year=2017)
    c = client_for(cadre)
    page = c.get(reverse("identification:household", args=[h.pk])).content.decode()
    year = assess_year_shown(page, h)
    assert year == "2017"
    r = c.post(reverse("identification:household_assess", args=[h.pk]), {"year": year})
    assert r.status_code == 302
    assert Assessment.objects.get(household=h).year == 2017


def test_a_household_without_facts_defaults_to_the_latest_policy_year(regions, cadre):
    h = make_household("4304050142010504", registered=False)
    c = client_for(cadre)
    assert assess_year_shown(c.get(reverse("identification:household", args=[h.pk])).content.decode(), h) == "2020"
    assert c.post(reverse("identification:household_assess", args=[h.pk]), {"year": 2020}).status_code == 302


def test_an_explicit_year_without_policy_keeps_its_error(regions, cadre):
    h = poor_household()
    this_year = timezone.localdate().year
    r = client_for(cadre).post(reverse("identification:household_assess", args=[h.pk]), {"year": this_year})
    assert f"{this_year} 年没有适用于大昌村" in r.content.decode()
    assert not Assessment.objects.exists()


# ---------------------------------------------------------------- one open case at a time


def propose(cadre, h):
    return application_propose(
        ctx=Context(actor=cadre), household=h, kind="admission", year=2017, data={"attribute": "1", "main_cause": "01"}
    )


def test_no_second_application_is_offered_while_one_is_open(regions, cadre):
    h = poor_household()
    c = client_for(cadre)
    apply = reverse("identification:application_create", args=[h.pk])
    assert apply in c.get(reverse("identification:household", args=[h.pk])).content.decode()
    app = propose(cadre, h)
    page = c.get(reverse("identification:household", args=[h.pk])).content.decode()
    assert apply not in page and "代为申请识别" not in page
    detail = reverse("identification:application_detail", args=[app.pk])
    assert f'<a class="btn" href="{detail}">在办申请 #{app.pk}（申请（待村民主评议））</a>' in page
    # Typing the address leads to the open case, with the reason.
    r = c.get(apply, follow=True)
    assert r.redirect_chain == [(detail, 302)]
    assert "已有未办结的申请" in r.content.decode()


# ---------------------------------------------------------------- labels, not codes


@pytest.fixture
def two_households_finding(regions):
    born = dt.date(1961, 4, 4)
    make_household("4304050142010001", head=head_data(name="张伟", id_number=new_id(born)))
    other = make_household("4304052012010001", JIEFANG, head=head_data(name="张伟", id_number=new_id(born)))
    duplicates_find(region=Region.objects.get(code=DISTRICT))
    return Finding.objects.get(kind="two_households"), other


def test_a_finding_shows_its_evidence_with_labels(two_households_finding, coordinator):
    f, other = two_households_finding
    url = reverse("identification:finding_detail", args=[f.pk])
    zh = client_for(coordinator).get(url).content.decode()
    assert "<dt>name</dt>" not in zh and "<dt>other_household_id</dt>" not in zh
    assert "<dt>姓名</dt><dd>张伟</dd>" in zh
    assert f"<dt>另一条记录所在户</dt><dd>{other.code}</dd>" in zh
    en = client_for(coordinator, "en").get(url).content.decode()
    assert "<dt>Name</dt><dd>张伟</dd>" in en and "<dt>Household of the other record</dt>" in en


def test_the_ledger_shows_step_labels_and_labelled_data(regions, cadre, second_cadre):
    h = poor_household()
    app = propose(cadre, h)
    today = timezone.localdate()
    appraisal_record(
        ctx=Context(actor=second_cadre),
        application=app,
        meeting_date=today,
        representatives=30,
        present=25,
        votes_for=20,
        votes_against=3,
    )
    url = reverse("identification:application_detail", args=[app.pk])
    zh = client_for(cadre).get(url).content.decode()
    assert "· applied ·" not in zh and "votes_for=" not in zh and "meeting_date=" not in zh
    assert "<strong>通过</strong> · 申请（待村民主评议） ·" in zh
    assert f"评议日期：{today:%Y-%m-%d}；应到代表人数：30；实到人数：25；赞成票：20；反对票：3；" in zh
    en = client_for(cadre, "en").get(url).content.decode()
    assert "Application (awaiting village democratic appraisal)" in en


# ---------------------------------------------------------------- the printed notice


def test_the_notice_of_a_group_is_the_village_notice(regions, cadre, second_cadre):
    h = poor_household("4304050142010011", region_code=DACHANG_G1)
    appraisal_record(
        ctx=Context(actor=second_cadre),
        application=propose(cadre, h),
        meeting_date=timezone.localdate(),
        representatives=30,
        present=25,
        votes_for=20,
        votes_against=3,
    )
    url = reverse("identification:notice", args=[h.region_id]) + "?stage=village_notice"
    zh = client_for(cadre).get(url).content.decode()
    assert '<html lang="zh-CN">' in zh
    assert "<h1>大昌村精准识别第一次公示</h1>" in zh
    assert "大昌村村民委员会" in zh and "一组村民委员会" not in zh
    assert f"{timezone.localdate():%Y}年" in zh
    en = client_for(cadre, "en").get(url).content.decode()
    assert '<html lang="en">' in en
    assert "<h1>大昌村 — Targeted identification: first public notice</h1>" in en
    assert "大昌村 Villagers&#x27; Committee" in en or "大昌村 Villagers' Committee" in en
    assert "People's Government" in en or "People&#x27;s Government" in en
    # Dates in English, not 年/月/日.
    assert not re.search(r"\d+年\d+月\d+日", en)
