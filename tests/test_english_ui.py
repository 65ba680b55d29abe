"""A district coordinator who chose English reads every page in English.

Chinese is the default language and English is complete: with the language cookie set to
English, the visible text of <main> and of the navigation on every HTML page of the permission
matrix contains no Chinese characters — except data (names, region names, code-list values
that are records), which the world below created and which are listed here explicitly.
"""

from __future__ import annotations

import inspect
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.utils import translation

from fupin.regions.models import Region
from tests.assistance.test_matrix import CASES as ASSISTANCE
from tests.assistance.test_matrix import world as assistance_world
from tests.conftest import CAST_ROLES, DISTRICT, SYSTEM, make_user
from tests.conftest import world as conftest_world
from tests.core.test_matrix import CASES as CORE
from tests.core.test_matrix import world as core_world
from tests.exchange.test_matrix import CASES as EXCHANGE
from tests.exchange.test_matrix import batch
from tests.identification.test_matrix import CASES as IDENTIFICATION
from tests.identification.test_matrix import world as identification_world
from tests.matrix import Case
from tests.monitoring.test_matrix import CASES as MONITORING
from tests.monitoring.test_matrix import world as monitoring_world
from tests.registry.test_matrix import CASES as REGISTRY
from tests.registry.test_matrix import world as registry_world
from tests.reports.test_matrix import CASES as REPORTS

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")

# Data the worlds of the app matrices create (tests/conftest.py and tests/<app>/test_matrix.py):
# people, organisations, projects, wishes, list titles, free text. Region names come from the
# tables the migrations seed and are read in `records`.
DATA = [
    # people
    "张三",
    "李四",
    "刘芳",
    "赵一",
    "钱二",
    "王五",
    "罗志强",
    "唐晓燕",
    "备用干部",
    "周书记",
    "爱心张",
    # organisations, posts, projects, wishes, lists, free text
    "衡阳市扶贫办",
    "大昌村驻村工作队",
    "区委书记",
    "大昌村光伏电站",
    "珠晖区农业局",
    "稳定脱贫",
    "书包",
    "棉被",
    "台灯",
    "户主住院",
    "受灾",
    "异议",
    "机动车登记",
    "医保名单",
    "导出 2 户",
    "家庭医生签约",
]


def records() -> list[str]:
    """Data in tables: people's names (the app matrices keep adding households), and what the
    migrations seed: region names, the measure-item code list (a district-maintained table)
    and the notes ("说明与依据") of the policy versions — free text the office edits."""
    from fupin.assistance.models import CreditPolicy, MaxWorkload, MeasureItem, VisitPolicy
    from fupin.identification.models import PolicyVersion
    from fupin.monitoring.models import MonitoringPolicy
    from fupin.registry.models import Member

    values = list(Member.objects.values_list("name", flat=True))
    values += Region.objects.values_list("name", flat=True)
    values += MeasureItem.objects.values_list("name", flat=True)
    for model in (PolicyVersion, MonitoringPolicy, MaxWorkload, VisitPolicy, CreditPolicy):
        values += model.objects.exclude(note="").values_list("note", flat=True)
    return values


# The language switch names each language in itself ("简体中文"): an element marked lang="zh-*".
SKIP_TAGS = {"script", "style", "template", "textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
VISIBLE_ATTRS = ("placeholder", "title", "aria-label", "alt")


class VisibleText(HTMLParser):
    """Collects the text of <main> and <nav> (and visible attributes), outside zh-marked elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool, bool]] = []  # tag, in scope, skipped, zh
        self.chunks: list[str] = []

    def _state(self):
        if not self.stack:
            return False, False, False
        return self.stack[-1][1:]

    def handle_starttag(self, tag, attrs):
        scope, skipped, zh = self._state()
        attrs = dict(attrs)
        scope = scope or tag in ("main", "nav")
        skipped = skipped or tag in SKIP_TAGS or "hidden" in attrs
        # <html lang> is the page's language, not a marked element.
        zh = zh or (tag != "html" and (attrs.get("lang") or "").startswith("zh"))
        if scope and not skipped and not zh:
            self.chunks += [attrs[a] for a in VISIBLE_ATTRS if attrs.get(a)]
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.chunks.append(attrs["value"])
        if tag not in VOID:
            self.stack.append((tag, scope, skipped, zh))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        scope, skipped, zh = self._state()
        if scope and not skipped and not zh and data.strip():
            self.chunks.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.chunks


def untranslated(chunks: list[str], data: list[str]) -> list[str]:
    """The chunks that still hold Chinese once the data strings are taken out."""
    left = []
    for chunk in chunks:
        text = chunk
        for value in data:
            text = text.replace(value, " ")
        if CJK.search(text):
            left.append(chunk)
    return left


def html_pages(cases: list[Case]) -> list[Case]:
    """GET pages (not API endpoints) the district coordinator may open."""
    seen, pages = set(), []
    for case in cases:
        if case.method != "get" or ":" not in case.name or case.expect.get("coordinator") != 200:
            continue
        if case.label() in seen:
            continue
        seen.add(case.label())
        pages.append(case)
    return pages


PAGES = html_pages(REGISTRY + IDENTIFICATION + ASSISTANCE + MONITORING + REPORTS + EXCHANGE + CORE)


@pytest.fixture
def data_strings(db) -> list[str]:
    # Longest first, so that "大昌村驻村工作队" goes before "大昌村".
    return sorted(set(DATA + records()), key=len, reverse=True)


# The worlds of the app matrices, in the order the fixtures built them (each extends the one
# `World` the first returns). Their fixture functions are called directly below.
WORLDS = (
    conftest_world,
    assistance_world,
    core_world,
    identification_world,
    monitoring_world,
    registry_world,
)


def _build_world():
    """The worlds of the app matrices in one, with a district audit run (for the audit pages)."""
    from fupin.reports.services.audit import audit_run

    cast = {name: make_user(name, *roles) for name, roles in CAST_ROLES.items()}  # look-ups
    given = {"regions": {r.code: r for r in Region.objects.all()}, **cast}
    for fixture in WORLDS:
        # pytest offers no public call of a fixture's function; its own accessor does it.
        function = fixture._get_wrapped_function()
        given["world"] = function(**{name: given[name] for name in inspect.signature(function).parameters})
    world = given["world"]
    batch(world)  # made once per world: made here, not in a test whose rollback would undo it
    world.extra["run"] = audit_run(ctx=SYSTEM, region=Region.objects.get(code=DISTRICT), year=2017)
    return world


@pytest.fixture(scope="module")
def full_world(django_db_setup, django_db_blocker):
    """One world for every page of the module (building it took most of each test's time):
    built in a transaction kept open over the module, within which each test runs in its own
    savepoint, and rolled back at the end so that the next module starts from the session's
    state."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with translation.override("zh-hans"):  # as each test starts (tests/conftest.py)
                world = _build_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield world
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def english(coordinator) -> Client:
    client = Client()
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_parser_sees_main_and_nav_only_and_skips_chinese_marked_elements():
    html = (
        '<html lang="zh-CN"><head><title>标题</title></head><body><header>页眉</header>'
        '<nav><a href="/">Households</a><button lang="zh-CN">简体中文</button></nav>'
        '<main><h1>Household</h1><input placeholder="搜索"><br><p>户主 <b>张三</b></p>'
        "<script>var x = '脚本';</script></main><footer>页脚</footer></body></html>"
    )
    chunks = visible_text(html)
    assert untranslated(chunks, ["张三"]) == ["搜索", "户主"]
    assert "Households" in chunks and "Household" in chunks


def test_a_chinese_page_is_caught(coordinator, data_strings):
    """Without the cookie the same check fails: Chinese is the default."""
    client = Client()
    client.force_login(coordinator)
    response = client.get("/households/")
    assert response.status_code == 200
    assert untranslated(visible_text(response.content.decode()), data_strings)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.label() + (c.query or "")) for c in PAGES])
def test_page_is_english(case: Case, full_world, english, data_strings):
    kept = set(full_world.extra)
    url = case.url(full_world)
    # Anything a case keeps in the shared world must be built with it (see _build_world): a
    # test's own rows are rolled back after it.
    assert set(full_world.extra) == kept, "built during a test: add it to _build_world"
    response = english.get(url)
    assert response.status_code == 200, url
    if not response["Content-Type"].startswith("text/html"):
        pytest.skip(f"{url} is not an HTML page ({response['Content-Type']})")
    assert response["Content-Language"] == "en"
    left = untranslated(visible_text(response.content.decode()), data_strings)
    assert not left, f"{url}: untranslated text {left}"


@pytest.mark.parametrize(
    "url",
    ["/accounts/login/", "/assistance/wishes/public/", "/assistance/donors/register/", "/monitoring/report/"],
)
def test_public_page_is_english(url, regions, data_strings):
    """What a visitor who is not logged in sees: the login page and the public forms."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(url)
    assert response.status_code == 200
    assert untranslated(visible_text(response.content.decode()), data_strings) == []


def test_not_found_page_is_english(english, data_strings, settings):
    settings.DEBUG = False
    response = english.get("/households/99999999/")
    assert response.status_code == 404
    chunks = visible_text(response.content.decode())
    assert "Page not found" in chunks
    assert untranslated(chunks, data_strings) == []
