"""Importing layouts 2–5 of a generated workbook fills teams, cadres, pairings and measures,
and the coverage and workload pages agree with the file (issue 5, "Must show").

The households come from two places: two of 酃湖乡 are imported beforehand with `fupin import`,
the others travel in the same workbook as the layouts. One household of 大昌村 is deliberately
left without a cadre, and one of 光辉村 only has an ended pairing, so both count as unpaired.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse

from fupin.assistance.models import Cadre, Measure, Pairing, WorkTeam
from fupin.assistance.policy import workload_policy
from fupin.registry.models import Household
from tests.exchange.helpers import household, pid, run, write_xlsx
from tests.exchange.test_assist_layouts import workbook

pytestmark = pytest.mark.django_db

DC, GH, JF = "430405014201", "430405014202", "430405201201"  # 大昌村, 光辉村 (东阳渡街道); 解放村 (酃湖乡)
DC1, DC2, DC_NONE = f"{DC}000501", f"{DC}000502", f"{DC}000503"
GH1, GH_ENDED = f"{GH}000501", f"{GH}000502"
JF1, JF2 = f"{JF}000401", f"{JF}000402"
HEAD_OF_DC2 = pid()

TEAMS = [
    {
        "工作队名称": "市财政局驻大昌村工作队",
        "派驻村": "大昌村",
        "派出单位": "衡阳市财政局",
        "队长": "周队长",
        "派驻日期": "2018-03-01",
    },
    {"工作队名称": "区教育局驻解放村工作队", "派驻村": JF, "派出单位": "珠晖区教育局", "派驻日期": "2018-03-01"},
]
CADRES = [
    {
        "姓名": "周队长",
        "联系电话": "13900000011",
        "单位名称": "衡阳市财政局",
        "单位隶属关系": "市",
        "工作队": "市财政局驻大昌村工作队",
        "职务": "队长",
    },
    {
        "姓名": "吴干部",
        "联系电话": "13900000012",
        "单位名称": "珠晖区农业农村局",
        "单位隶属关系": "县",
        "服务区域": "光辉村",
    },
    {
        "姓名": "郑队员",
        "联系电话": "13900000013",
        "单位名称": "珠晖区教育局",
        "单位隶属关系": "县",
        "工作队": "区教育局驻解放村工作队",
        "职务": "队员",
    },
    # Serving, but holding no household.
    {"姓名": "钱干部", "联系电话": "13900000014", "单位名称": "珠晖区民政局", "单位隶属关系": "县", "服务区域": DC},
]


def _pair(code: str, name: str, phone: str, start: str, end: str = "") -> dict:
    return {"户编号": code, "帮扶责任人": name, "帮扶责任人电话": phone, "开始日期": start, "结束日期": end}


PAIRINGS = [
    _pair(DC1, "周队长", "13900000011", "2018-04-01"),
    _pair(DC2, "周队长", "13900000011", "2018-04-01"),
    # DC_NONE: deliberately no row.
    _pair(GH1, "吴干部", "13900000012", "2018-05-01"),
    _pair(GH_ENDED, "吴干部", "13900000012", "2017-01-01", "2018-06-30"),  # history only
    _pair(JF1, "郑队员", "13900000013", "2018-03-01"),
    # An earlier cadre, then the current one.
    _pair(JF2, "吴干部", "13900000012", "2016-03-01", "2018-01-01"),
    _pair(JF2, "郑队员", "13900000013", "2018-01-02"),
]
MEASURES = [
    {"户编号": DC1, "年度": "2019", "措施类别": "产业", "措施项目": "特色种植", "金额(元)": "2000", "状态": "已完成"},
    {"户编号": DC2, "受益人证件号码": HEAD_OF_DC2, "年度": "2019", "措施类别": "健康", "措施项目": "家庭医生签约"},
    {"户编号": JF1, "年度": "2019", "措施类别": "产业", "措施项目": "加入合作社", "状态": "计划"},
    {"户编号": DC_NONE, "年度": "2019", "措施类别": "产业", "措施项目": "特色养殖", "金额(元)": "800"},
]


def _roster(code: str, village: str, township: str = "东阳渡街道", size: int = 2, **kw) -> list[dict]:
    return household(code, size, **{"乡(镇)": township, "行政村": village, **kw})


@pytest.fixture
def imported(regions, tmp_path):
    # Beforehand: 酃湖乡's households, through the command line.
    before = write_xlsx(
        tmp_path / "before.xlsx", _roster(JF1, "解放村", "酃湖乡") + _roster(JF2, "解放村", "酃湖乡", 1)
    )
    call_command("import", str(before), "--year", "2019", "--no-progress")
    assert Household.objects.count() == 2

    # The same run: the other households and all four layouts.
    dc2 = _roster(DC2, "大昌村")
    dc2[0]["证件号码"] = HEAD_OF_DC2
    # 光辉村 first: the unpaired list must follow the household code, not the order of import.
    roster = (
        _roster(GH1, "光辉村")
        + _roster(GH_ENDED, "光辉村", size=1)
        + _roster(DC1, "大昌村", size=3)
        + dc2
        + _roster(DC_NONE, "大昌村", size=1)
    )
    path = workbook(
        tmp_path / "assist.xlsx",
        {"帮扶措施": MEASURES, "结对帮扶": PAIRINGS, "帮扶干部": CADRES, "驻村工作队": TEAMS, "人员明细": roster},
    )
    result = run(path)
    assert result.status == "loaded", [str(i) for i in result.issues.items]
    return result


def test_the_import_fills_teams_cadres_pairings_and_measures(imported):
    totals = imported.totals()
    assert {k: totals[k]["created"] for k in ("teams", "cadres", "pairings", "measures")} == {
        "teams": 2,
        "cadres": 4,
        "pairings": 7,
        "measures": 4,
    }
    dc_team = WorkTeam.objects.get(name="市财政局驻大昌村工作队")
    assert dc_team.region.code == DC and dc_team.unit.name == "衡阳市财政局"
    assert WorkTeam.objects.get(name="区教育局驻解放村工作队").region.code == JF
    zhou = Cadre.objects.get(name="周队长")
    assert zhou.team == dc_team and zhou.post == "leader" and zhou.region.code == DC
    assert Cadre.objects.get(name="吴干部").region.code == GH
    assert Cadre.objects.get(name="郑队员").region.code == JF  # a team member serves the team's village
    assert Cadre.objects.get(name="钱干部").region.code == DC

    active = dict(Pairing.objects.filter(ended_on__isnull=True).values_list("household__code", "cadre__name"))
    assert active == {DC1: "周队长", DC2: "周队长", GH1: "吴干部", JF1: "郑队员", JF2: "郑队员"}
    history = Pairing.objects.filter(household__code=JF2).order_by("started_on")
    assert [(p.cadre.name, str(p.ended_on)) for p in history] == [("吴干部", "2018-01-01"), ("郑队员", "None")]
    assert not Pairing.objects.filter(household__code=DC_NONE).exists()

    measures = {m.household.code: m for m in Measure.objects.select_related("household", "item", "beneficiary")}
    assert set(measures) == {DC1, DC2, JF1, DC_NONE}
    assert measures[DC1].item.name == "特色种植" and measures[DC1].amount == 2000 and measures[DC1].status == "done"
    assert measures[DC2].beneficiary.id_number == HEAD_OF_DC2
    assert measures[JF1].status == "planned" and measures[DC_NONE].amount == 800
    assert {m.year for m in measures.values()} == {2019}


def test_the_team_leader_named_in_the_same_workbook_is_set(imported):
    assert WorkTeam.objects.get(name="市财政局驻大昌村工作队").leader == Cadre.objects.get(name="周队长")


# -- reading the rendered pages -------------------------------------------------------------


class _Rows(HTMLParser):
    """The text of each table row's cells."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _rows(html: str) -> list[list[str]]:
    p = _Rows()
    p.feed(html)
    return [r for r in p.rows if r and r[0] and not r[0].startswith(("村", "户编号", "干部"))]


def _stats(html: str) -> dict[str, str]:
    return dict(re.findall(r'class="stat-label">([^<]+)</span><span class="stat-value">([^<]+)</span>', html))


def _townships(html: str) -> dict[str, tuple[int, int, str]]:
    found = re.findall(
        r'<h2><a href="\?region=(\d+)">[^<]+</a></h2>\s*<span class="(?:warn|ok)">(\d+)/(\d+) · ([\d.]+)%</span>', html
    )
    return {code: (int(p), int(t), pct) for code, p, t, pct in found}


def _page(client, user, name: str) -> str:
    client.force_login(user)
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str, marker: str) -> tuple[str, str]:
    head, _sep, tail = html.partition(marker)
    return head, tail


def test_the_coverage_page_agrees_with_the_file_for_the_district(imported, client, coordinator):
    html = _page(client, coordinator, "assistance:coverage")
    # 7 households, 5 with a cadre (DC_NONE never paired, GH_ENDED's pairing ended): 5/7 = 71.4%.
    assert _stats(html) == {"建档立卡户": "7", "已结对": "5", "未结对": "2", "覆盖率": "71.4%"}
    assert _townships(html) == {"430405014": (3, 5, "60.0"), "430405201": (2, 2, "100.0")}
    villages, unpaired = _section(html, "未结对农户</h2>")
    assert [r[:5] for r in _rows(villages)] == [
        ["大昌村", "3", "2", "1", "66.7%"],
        ["光辉村", "2", "1", "1", "50.0%"],
        ["解放村", "2", "2", "0", "100.0%"],
    ]
    assert [r[0] for r in _rows(unpaired)] == [DC_NONE, GH_ENDED]


def test_the_coverage_page_agrees_with_the_file_for_a_township(imported, client, reviewer):
    html = _page(client, reviewer, "assistance:coverage")
    assert _stats(html) == {"建档立卡户": "5", "已结对": "3", "未结对": "2", "覆盖率": "60.0%"}
    assert _townships(html) == {"430405014": (3, 5, "60.0")}
    villages, unpaired = _section(html, "未结对农户</h2>")
    assert [r[:5] for r in _rows(villages)] == [
        ["大昌村", "3", "2", "1", "66.7%"],
        ["光辉村", "2", "1", "1", "50.0%"],
    ]
    assert "解放村" not in html and JF1 not in html
    assert [r[0] for r in _rows(unpaired)] == [DC_NONE, GH_ENDED]


def test_cadre_workloads_agree_with_the_file(imported, client, coordinator, reviewer):
    from django.utils import timezone

    limit = workload_policy(timezone.localdate().year).max_households
    rows = _rows(_page(client, coordinator, "assistance:workload"))
    assert [(r[0], r[3]) for r in rows] == [
        ("周队长", f"2 / {limit}"),
        ("郑队员", f"2 / {limit}"),
        ("吴干部", f"1 / {limit}"),
        ("钱干部", f"0 / {limit}"),
    ]
    # The township sees the cadres serving its villages only.
    rows = _rows(_page(client, reviewer, "assistance:workload"))
    assert [(r[0], r[3]) for r in rows] == [
        ("周队长", f"2 / {limit}"),
        ("吴干部", f"1 / {limit}"),
        ("钱干部", f"0 / {limit}"),
    ]
