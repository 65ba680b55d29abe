"""The "Must show" of issue 6 where test_indicators, test_audit and test_handbook leave a
gap: the audit rules that database constraints guard (two heads, education xor school,
work months iff work status) planted in old data and found alone, per-village scores and
their trend, distinct persons behind the measure indicators, every handbook page drawn
with the bundled font, and the reports pages in English."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from fupin.assistance.services import measure_create
from fupin.core.changelog import Context
from fupin.demo.generator import generate_district
from fupin.regions.choices import RegionLevel
from fupin.regions.models import Region
from fupin.registry.models import Household, Member
from fupin.reports.choices import AuditRule
from fupin.reports.models import AuditFinding, AuditRun, AuditVillageScore
from fupin.reports.selectors.indicators import indicators
from fupin.reports.services.audit import audit_run
from fupin.reports.services.handbook import household_handbook_pdf
from tests.conftest import DISTRICT, SYSTEM, region
from tests.reports.conftest import item
from tests.reports.test_audit import YEAR, _complete, _found
from tests.reports.test_handbook import SCALE, _font_of, _glyph
from tests.reports.test_indicators import EXPECTED_2017

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _chinese_again():
    # A request with the English cookie activates English for the thread and nothing turns
    # it back: later tests of the same worker would read English messages.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# ------------------------------------------------------------------ audit: guarded rules


@contextmanager
def old_data() -> Iterator[None]:
    """Let raw updates break the member constraints, as data loaded before them would.

    The test's transaction is rolled back afterwards, so dropped constraints come back."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("DROP INDEX member_one_active_head")
            cur.execute("PRAGMA ignore_check_constraints = ON")
        else:
            # Deferred foreign-key checks of the rows written so far would block ALTER TABLE
            # ("pending trigger events"): run them now, then defer again.
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("SET CONSTRAINTS ALL DEFERRED")
            cur.execute("DROP INDEX member_one_active_head")
            for name in ("member_education_xor_school", "member_work_months_iff_status"):
                cur.execute(f"ALTER TABLE registry_member DROP CONSTRAINT {name}")
    try:
        yield
    finally:
        if connection.vendor == "sqlite":
            with connection.cursor() as cur:
                cur.execute("PRAGMA ignore_check_constraints = OFF")


def _adults(exclude: set[int]):
    """Active, healthy adults of registered households, in a stable order."""
    return (
        Member.objects.filter(
            household__registered=True,
            ended_on__isnull=True,
            birth_date__lt=dt.date(1985, 1, 1),
            birth_date__gt=dt.date(1960, 1, 1),
        )
        .exclude(household_id__in=exclude)
        .order_by("pk")
    )


def test_the_audit_finds_guarded_rules_broken_by_old_data_and_nothing_else(regions):
    generate_district(households=60, seed=11)
    households = list(Household.objects.select_related("region").order_by("code"))
    _complete(households)
    district = region(DISTRICT)
    clean = audit_run(ctx=Context(actor=None), region=district, year=YEAR)
    assert _found(clean) == set()

    planted: set[tuple[str, int, int | None]] = set()
    used: set[int] = set()
    with old_data():
        # Two heads: a second active member of a household becomes 户主 as well.
        two = next(h for h in households if h.registered and h.members.filter(ended_on__isnull=True).count() >= 2)
        other = two.members.filter(ended_on__isnull=True).exclude(relation="01").order_by("pk").first()
        Member.objects.filter(pk=other.pk).update(relation="01")
        planted.add((AuditRule.ONE_HEAD, two.pk, None))
        used.add(two.pk)

        def pick(**having):
            m = _adults(used).filter(**having).first()
            used.add(m.household_id)
            return m

        neither = pick(school_status="", work_status="")
        Member.objects.filter(pk=neither.pk).update(education="")
        both = pick(school_status="", work_status="")
        Member.objects.filter(pk=both.pk).update(school_status="10")  # 中职 beside a 文化程度
        no_months = pick(work_status__gt="", school_status="")
        Member.objects.filter(pk=no_months.pk).update(work_months=None)
        no_status = pick(work_status="", school_status="")
        Member.objects.filter(pk=no_status.pk).update(work_months=5)
        too_many = pick(work_status__gt="", school_status="")
        Member.objects.filter(pk=too_many.pk).update(work_months=13)
    for m in (neither, both):
        planted.add((AuditRule.EDUCATION_XOR_SCHOOL, m.household_id, m.pk))
    for m in (no_months, no_status, too_many):
        planted.add((AuditRule.WORK_MONTHS, m.household_id, m.pk))

    run = audit_run(ctx=Context(actor=None), region=district, year=YEAR)
    assert _found(run) == planted
    details = {f.member_id: f.detail for f in AuditFinding.objects.filter(run=run)}
    assert details[None] == "户主 2 人"
    assert details[neither.pk] == "文化程度与在校生状况均为空"
    assert details[both.pk] == "文化程度与在校生状况均已填写"
    assert "13 个月" in details[too_many.pk] and "—" in details[no_status.pk]
    assert run.counts[AuditRule.ONE_HEAD] == 1 and run.counts[AuditRule.EDUCATION_XOR_SCHOOL] == 2
    assert run.counts[AuditRule.WORK_MONTHS] == 3 and run.flagged == len({p[1] for p in planted})


def test_village_scores_count_flagged_households_and_keep_their_trend(regions):
    generate_district(households=40, seed=13)
    households = list(Household.objects.select_related("region").order_by("code"))
    _complete(households)
    district = region(DISTRICT)
    first = audit_run(ctx=Context(actor=None), region=district, year=YEAR)
    # Spoil two households of one village and one of another.
    village_of = dict(Region.objects.filter(level=RegionLevel.VILLAGE).values_list("code", "pk"))
    villages: dict[int, list[Household]] = defaultdict(list)
    for h in households:
        if h.registered:
            villages[village_of[h.region.code[:12]]].append(h)  # a group's village is its code's prefix
    (a, in_a), (b, in_b) = sorted(((v, hs) for v, hs in villages.items() if len(hs) >= 2), key=lambda x: x[0])[:2]
    for h in (*in_a[:2], in_b[0]):
        Household.objects.filter(pk=h.pk).update(phone="12345")
    second = audit_run(ctx=Context(actor=None), region=district, year=YEAR)

    scores = {s.region_id: s for s in AuditVillageScore.objects.filter(run=second)}
    open_per_village: dict[int, int] = defaultdict(int)
    for h in households:
        if h.closed_on is None:
            open_per_village[village_of[h.region.code[:12]]] += 1
    assert {pk: s.households for pk, s in scores.items()} == dict(open_per_village)
    assert (scores[a].flagged, scores[b].flagged) == (2, 1)
    assert scores[a].score == round(100 * (open_per_village[a] - 2) / open_per_village[a], 1)
    assert scores[a].counts == {AuditRule.PHONE: 2}
    assert all(s.flagged == 0 and s.score == 100.0 for pk, s in scores.items() if pk not in (a, b))
    # The trend: both runs keep their village scores, only the latest its findings.
    trend = list(
        AuditVillageScore.objects.filter(region_id=a, run__region=district)
        .order_by("run__started", "run_id")
        .values_list("run_id", "flagged")
    )
    assert trend == [(first.pk, 0), (second.pk, 2)]
    assert set(AuditFinding.objects.values_list("run_id", flat=True)) == {second.pk}
    assert AuditRun.objects.get(pk=second.pk).flagged == 3


# ------------------------------------------------------------------ indicators: distinct


def test_measure_indicators_count_distinct_households_and_persons(district):
    d = district

    def measure(key: str, name: str, **data):
        return measure_create(ctx=SYSTEM, household=d.h[key], year=2017, data={"item": item(name), **data})

    # H1 has a household-level contract: a personal one for its head adds nobody.
    measure("H1", "家庭医生签约", beneficiary=d.h["H1"].members.get(relation="01"))
    # H3 (one person) gets the household-level contract twice: one person, one household.
    measure("H3", "家庭医生签约")
    measure("H3", "家庭医生签约")
    # H3's house is renovated a second time in 2017: still one household renovated.
    measure("H3", "危房改造", amount=Decimal("1000"), status="done", grade_before="C", grade_after="A")
    # H2's personal contracts: the member who died on 30 June 2017 counts in 2017, the one
    # who left in 2016 does not.
    measure("H2", "家庭医生签约", beneficiary=d.m["H2_died"])
    measure("H2", "家庭医生签约", beneficiary=d.m["H2_left"])

    result = indicators(year=2017)
    assert result["family_doctor_contracts"] == EXPECTED_2017["family_doctor_contracts"] + 1 + 1  # H3's, H2's
    assert result["measures"]["家庭医生签约"] == {"households": 4, "persons": 6, "amount": Decimal("0.00")}
    assert result["housing_renovated"] == 1
    assert result["measures"]["危房改造"] == {"households": 2, "persons": 4, "amount": Decimal("36000.00")}


# ------------------------------------------------------------------ handbook: every page


def test_every_handbook_page_draws_its_chinese_with_the_bundled_font(district, cadre):
    pdf = pdfium.PdfDocument(household_handbook_pdf(user=cadre, household=district.h["H1"], year=2017))
    assert len(pdf) >= 4
    for index in range(len(pdf)):
        page = pdf[index]
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        chinese = [i for i, ch in enumerate(text) if "\u4e00" <= ch <= "\u9fff"]
        assert chinese, f"page {index + 1} has no Chinese text"
        assert all("FupinCJK" in _font_of(textpage, i) for i in chinese), index
        image = page.render(scale=SCALE).to_pil()
        drawn = [_glyph(image, page.get_height(), textpage.get_charbox(i)) for i in chinese[:6]]
        for pixels in drawn:
            assert sum(1 for p in pixels if p < 128) > len(pixels) * 0.03, f"page {index + 1}: a blank glyph"
        if len({text[i] for i in chinese[:6]}) > 1:
            assert len({tuple(p) for p in drawn}) > 1, f"page {index + 1}: every glyph is the same box"


# ------------------------------------------------------------------ the English UI

UI_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef][^<>\"]*")


def _english(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _chinese_left(html: str, data: set[str]) -> set[str]:
    html = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    found = {m.group(0).strip() for m in UI_CJK.finditer(html)}
    return {t for t in found if not any(t == d or t.startswith(d) for d in data)}


def _region_names() -> set[str]:
    return set(Region.objects.values_list("name", flat=True))


def test_the_reports_pages_speak_english(district, coordinator):
    # Run in the default Chinese: a finding stores a message key, and its details render in the
    # reader's language (test_audit_details_render_in_the_readers_language).
    audit_run(ctx=Context(actor=coordinator), region=region(DISTRICT), year=2017)
    client = _english(coordinator)
    data = _region_names() | {"扶", "简体中文"} | set(EXPECTED_2017["measures"])
    for url in (
        reverse("reports:dashboard") + "?year=2017",
        reverse("reports:ledgers"),
        reverse("reports:audit") + "?year=2017",
        reverse("reports:audit_rule", args=[AuditRule.NO_CADRE]),
    ):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Language"] == "en", url
        assert _chinese_left(response.content.decode(), data) == set(), url
    with translation.override("en"):
        labels = [str(label) for label in AuditRule.labels]
    page = client.get(reverse("reports:audit") + "?year=2017").content.decode()
    assert all(label in page for label in labels), [label for label in labels if label not in page]
    assert "No responsible assistant" in labels


def test_audit_details_render_in_the_readers_language(district, coordinator):
    """The language a run was started in does not matter: one English run reads in Chinese to
    a Chinese reader and in English to an English one."""
    with translation.override("en"):
        audit_run(ctx=Context(actor=None), region=region(DISTRICT), year=2017)
    # A finding whose detail is not just its rule's label (the label is translated anyway).
    finding = next(
        f for f in AuditFinding.objects.order_by("pk") if f.detail != str(AuditRule(f.rule).label) and f.params
    )
    with translation.override("en"):
        english = finding.detail
    chinese = finding.detail
    assert english != chinese and not UI_CJK.search(english), (chinese, english)
    url = reverse("reports:audit_rule", args=[finding.rule])
    in_english = _english(coordinator).get(url).content.decode()
    assert english in in_english and chinese not in in_english
    reader = Client()
    reader.force_login(coordinator)
    in_chinese = reader.get(url).content.decode()
    assert chinese in in_chinese and english not in in_chinese
