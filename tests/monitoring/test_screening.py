"""Department data and income screening: each channel raises exactly the planted alerts."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from fupin.core.changelog import Context
from fupin.core.errors import ValidationError
from fupin.core.jobs import Progress, execute
from fupin.core.models import Job, ObjectChange
from fupin.monitoring.choices import ObjectStatus
from fupin.monitoring.models import Alert, DepartmentList, MonitoringObject
from fupin.monitoring.screening.income import screen_income
from fupin.monitoring.screening.lists import evidence_summary, screen_list
from fupin.monitoring.screening.run import screening_run
from fupin.monitoring.services.common import snap
from fupin.monitoring.services.lists import department_list_upload
from fupin.registry.services import household_close, member_end
from tests.conftest import DISTRICT, SYSTEM, head_data, make_household, new_id, region
from tests.monitoring.conftest import at, exited_household, facts, member, ordinary_household, write_csv


@pytest.fixture
def june_2021(regions):
    with time_machine.travel(at(2021, 6, 1), tick=False) as t:
        yield t


def household(code, kind="exited", **kw):
    head = head_data()
    if kind == "exited":
        h = exited_household(code, head=head, **kw)
    elif kind == "ordinary":
        h = ordinary_household(code, head=head, **kw)
    else:
        h = make_household(code, head=head, **kw)
    return h, head["id_number"]


def upload(tmp_path, kind, header, rows, *, name="list.csv", year=2021, **kw):
    path = write_csv(tmp_path / name, header, rows, **kw)
    return department_list_upload(
        ctx=SYSTEM, region=region(DISTRICT), kind=kind, year=year, upload=path, filename=name
    )[0]


def alerted_codes(**filters):
    return set(Alert.objects.filter(**filters).values_list("household__code", flat=True))


# ---------------------------------------------------------------- medical settlement lists


@pytest.fixture
def medical_world(june_2021, tmp_path):
    """Households planted at and around the thresholds (10,000 yuan, or 50% of net income)."""
    a, a_head = household("4304050142010501")
    spouse = member(a, relation="02", name="妻")
    facts(a, 2021, wage=40000)  # 10,000.01 in two people: amount
    b, b_head = household("4304050142010502")
    facts(b, 2021, wage=30000)  # exactly 10,000: no alert
    c, c_head = household("4304050142010503")
    facts(c, 2021, wage=30000)  # 5,000 + 5,000.01 in two rows: amount
    d, d_head = household("4304050142010504")
    facts(d, 2021, wage=10000)  # 5,000.01 of 10,000: share
    e, e_head = household("4304050142010505")
    facts(e, 2021, wage=10000)  # exactly 50%: no alert
    f, f_head = household("4304050142010506", kind="poor")  # still poor: not monitored
    facts(f, 2021, wage=1000)
    _h, h_head = household("4304050142010507", kind="ordinary")  # no income record: amount only
    i, _i_head = household("4304050142010508")
    gone = member(i, relation="03", name="已故")
    member_end(ctx=SYSTEM, member=gone, reason="01")  # an ended member is not matched
    j, j_head = household("4304050142010509")
    household_close(ctx=Context(actor=None, reason="整户迁出"), household=j, reason="moved_out")
    k, k_head = household("4304050142010510")
    facts(k, 2020, wage=8000)  # only last year's income: share
    rows = [
        [a_head, "户主", "2021-03-01", 9000, 6000],
        [spouse.id_number, "妻", "2021-04-01", 5000, "4,000.01元"],
        [b_head, "乙", "2021-03-01", 20000, 10000],
        [c_head, "丙", "2021-02-01", 8000, 5000],
        [c_head, "丙", "2021-05-01", 8000, 5000.01],
        [d_head, "丁", "2021-03-01", 8000, 5000.01],
        [e_head, "戊", "2021-03-01", 8000, 5000],
        [f_head, "己", "2021-03-01", 90000, 50000],
        [h_head, "庚", "2021-03-01", 20000, 12000],
        [gone.id_number, "已故", "2021-01-01", 40000, 20000],
        [j_head, "壬", "2021-03-01", 40000, 20000],
        [k_head, "癸", "2021-03-01", 8000, 4000.01],
        [new_id(dt.date(1990, 1, 1)), "外来", "2021-03-01", 50000, 30000],
    ]
    return upload(
        tmp_path,
        "medical",
        ["证件号码", "姓名", "结算日期", "医疗总费用", "个人自付"],
        rows,
        title="珠晖区 2021 年医疗费用结算名单",
    )


def test_medical_list_raises_exactly_the_planted_alerts(medical_world):
    result = screen_list(ctx=SYSTEM, dl=medical_world)
    expected = {"4304050142010501", "4304050142010503", "4304050142010504", "4304050142010507", "4304050142010510"}
    assert alerted_codes() == expected
    assert result.alerts == 5 and result.rows == 13
    # 8 listed people belong to the monitoring population (the stranger, the still-poor
    # household, the ended member and the closed household are left out).
    assert result.matched_persons == 8
    by_code = {a.household.code: a for a in Alert.objects.select_related("household")}
    a = by_code["4304050142010501"]
    assert (a.source, a.risk_hint, a.department_list, a.deadline) == (
        "department",
        "01",
        medical_world,
        dt.date(2021, 6, 16),
    )
    assert a.evidence["out_of_pocket"] == "10000.01" and a.evidence["persons"] == 2
    assert a.evidence["rules"] == ["amount"]
    assert by_code["4304050142010503"].evidence["rows"] == 2
    assert by_code["4304050142010504"].evidence["rules"] == ["share"]
    assert by_code["4304050142010510"].evidence["income_year"] == 2020
    assert by_code["4304050142010507"].evidence["net_income"] is None
    assert "个人自付合计 10,000.01 元，超过预警金额 10,000 元" in evidence_summary(a.evidence)


def test_screening_twice_adds_nothing(medical_world):
    screen_list(ctx=SYSTEM, dl=medical_world)
    again = screen_list(ctx=SYSTEM, dl=medical_world)
    assert again.alerts == 0 and Alert.objects.count() == 5
    medical_world.refresh_from_db()
    assert medical_world.alerts_created == 5 and medical_world.status == "screened"


def test_every_alert_is_logged_without_health_details(medical_world):
    screen_list(ctx=SYSTEM, dl=medical_world)
    logs = ObjectChange.objects.filter(content_type__model="alert", action="create")
    assert logs.count() == 5
    assert all("evidence" not in (row.after or {}) for row in logs)
    # The bulk path writes the same after-image a single alert's log would.
    for row in logs:
        alert = Alert.objects.get(pk=row.object_id)
        assert row.after == snap(alert)
        assert (row.related_id, row.object_repr) == (alert.household_id, str(alert))


def test_thresholds_follow_the_policy_version(medical_world):
    from fupin.monitoring.models import MonitoringPolicy
    from fupin.monitoring.services.policy import monitoring_policy_create

    old = MonitoringPolicy.objects.get()
    data = {
        f: getattr(old, f)
        for f in (
            "medical_oop_share",
            "income_drop_share",
            "procedure_days",
            "notice_min_days",
            "elimination_min_months",
            "exit_notice_days",
            "village_exit_incidence",
        )
    }
    monitoring_policy_create(
        ctx=SYSTEM,
        region=region(DISTRICT),
        data={**data, "year_from": 2021, "medical_oop_amount": Decimal("9999.99"), "note": "测试"},
    )
    screen_list(ctx=SYSTEM, dl=medical_world)
    # 乙 (exactly 10,000) is now above the amount.
    assert "4304050142010502" in alerted_codes()


# ---------------------------------------------------------------- disaster and accident lists


def test_disaster_and_accident_lists_raise_one_alert_per_household(june_2021, tmp_path):
    p, p_head = household("4304050142010601")
    wife = member(p, relation="02", name="妻")
    q, q_head = household("4304050142010602", kind="ordinary")
    _r, r_head = household("4304050142010603", kind="poor")
    disaster = upload(
        tmp_path,
        "disaster",
        ["身份证号", "姓名", "灾害类型", "直接经济损失"],
        [
            [p_head, "甲", "洪涝灾害", "3,000"],
            [wife.id_number, "妻", "洪涝灾害", 1000],
            [q_head, "乙", "冰雹", 500],
            [r_head, "丙", "洪涝灾害", 800],
        ],
        name="disaster.csv",
        encoding="gb18030",
    )
    screen_list(ctx=SYSTEM, dl=disaster)
    assert alerted_codes(department_list=disaster) == {"4304050142010601", "4304050142010602"}
    pa = Alert.objects.get(household=p)
    assert (pa.risk_hint, pa.evidence["disaster_kind"], pa.evidence["loss"], pa.evidence["persons"]) == (
        "04",
        "flood",
        "4000.00",
        2,
    )
    assert Alert.objects.get(household=q).evidence["disaster_kind"] == "weather"
    accident = upload(
        tmp_path, "accident", ["证件号码", "姓名", "事故类型"], [[q_head, "乙", "交通事故"]], name="accident.csv"
    )
    screen_list(ctx=SYSTEM, dl=accident)
    assert Alert.objects.get(department_list=accident).risk_hint == "05"


# ---------------------------------------------------------------- income drops


def test_income_drops_and_incomes_below_the_line(june_2021):
    def one(code, kind="exited", **years):
        h, _ = household(code, kind=kind)
        for year, wage in years.items():
            facts(h, int(year[1:]), wage=wage)
        return h

    one("4304050142010701", y2020="10000", y2021="7000")  # exactly 30% down, above the line
    one("4304050142010702", y2020="10000", y2021="6999.99")  # more than 30% down
    one("4304050142010703", y2021="5999.99")  # below the 6,000 line
    one("4304050142010704", y2021="6000")  # at the line: not below
    one("4304050142010705", kind="ordinary", y2020="9000", y2021="5000")  # both rules
    watched = one("4304050142010706", y2021="3000")  # already monitored: followed there
    MonitoringObject.objects.create(
        household=watched,
        object_type="unstable",
        year=2021,
        identified_on=dt.date(2021, 3, 1),
        status=ObjectStatus.MONITORED,
    )
    one("4304050142010707", kind="poor", y2021="2000")  # still poor: not monitored
    one("4304050142010708", y2020="10000")  # no 2021 facts yet
    result = screen_income(ctx=SYSTEM, year=2021, paths=[region(DISTRICT).path])
    assert alerted_codes(source="income") == {"4304050142010702", "4304050142010703", "4304050142010705"}
    assert result.alerts == 3
    both = Alert.objects.get(household__code="4304050142010705")
    assert both.evidence["rules"] == ["drop", "line"] and both.evidence["drop"] == "0.4444"
    assert "比上年 9,000 元下降 44.4%" in evidence_summary(both.evidence)
    assert screen_income(ctx=SYSTEM, year=2021, paths=[region(DISTRICT).path]).alerts == 0


# ---------------------------------------------------------------- the whole screening


def test_the_job_runs_every_channel_with_progress(medical_world, coordinator):
    h, _ = household("4304050142010801")
    facts(h, 2021, wage=1000)
    job = execute(Job.objects.create(kind="monitor", actor=coordinator, params={"year": 2021}))
    assert job.status == "done", job.log
    assert job.result["alerts"] == 6 and job.result["income"]["alerts"] == 1
    assert job.result["lists"][0]["alerts"] == 5
    assert job.total == 2 and job.done == 2


def test_the_job_only_screens_the_actors_scope(medical_world, reviewer):
    # A township reviewer may not screen: the run covers nothing.
    result = screening_run(ctx=Context(actor=reviewer), year=2021, progress=Progress(Job(kind="monitor")))
    assert result["alerts"] == 0 and not Alert.objects.exists()


def test_the_command_registers_a_list_and_screens(june_2021, tmp_path):
    _h, head = household("4304050142010901")
    path = write_csv(tmp_path / "med.csv", ["证件号码", "个人自付"], [[head, 20000]])
    out = StringIO()
    call_command(
        "monitor", "--year", "2021", "--list", str(path), "--kind", "医疗费用结算", "--no-progress", stdout=out
    )
    text = out.getvalue()
    assert "已登记名单" in text and "新增预警 1 条" in text
    assert alerted_codes() == {"4304050142010901"}
    assert Job.objects.get(kind="monitor").status == "done"


# ---------------------------------------------------------------- bad lists


def test_a_list_without_an_id_column_is_refused(june_2021, tmp_path):
    with pytest.raises(ValidationError, match="没有“证件号码”列"):
        upload(tmp_path, "medical", ["姓名", "个人自付"], [["张三", 100]])
    assert not DepartmentList.objects.exists()


def test_a_medical_list_needs_its_amount_column(june_2021, tmp_path):
    with pytest.raises(ValidationError, match="缺少“个人自付”列"):
        upload(tmp_path, "medical", ["证件号码", "姓名"], [[new_id(), "张三"]])


def test_invalid_ids_and_amounts_are_named_by_row(june_2021, tmp_path):
    with pytest.raises(ValidationError) as err:
        upload(
            tmp_path,
            "medical",
            ["证件号码", "个人自付"],
            [[new_id(), 100], ["430122195601101206", 100], ["4.30405196503150E+17", 5], [new_id(), "一百"]],
            title="标题行",
        )
    text = "\n".join(err.value.messages)
    assert "第 4 行 证件号码“430122195601101206”无效" in text
    assert "第 5 行" in text and "第 6 行 个人自付 应为不小于 0 的金额" in text


def test_an_unknown_kind_is_refused(june_2021, tmp_path):
    with pytest.raises(ValidationError, match="请选择名单类型"):
        upload(tmp_path, "vehicle", ["证件号码"], [[new_id()]])


def test_a_file_that_is_not_a_spreadsheet(june_2021, tmp_path):
    blob = SimpleUploadedFile("list.xlsx", b"not a workbook")
    with pytest.raises(ValidationError, match="无法作为 Excel 工作簿读取"):
        department_list_upload(
            ctx=SYSTEM, region=region(DISTRICT), kind="medical", year=2021, upload=blob, filename="list.xlsx"
        )


def test_an_xlsx_list_with_a_title_row_and_a_15_digit_id(june_2021, tmp_path):
    from openpyxl import Workbook

    from fupin.utils import idno

    head = idno.make("430405", dt.date(1965, 3, 15), 1)
    make_household("4304050142011001", status="exited", exit_year=2016, head=head_data(id_number=head))
    wb = Workbook()
    ws = wb.active
    ws.append(["医疗费用结算名单"])
    ws.append(["身份证号码", "姓名", "个人自付金额"])
    ws.append([head[:6] + head[8:17], "甲", 15000])
    wb.save(tmp_path / "med.xlsx")
    dl, warnings = department_list_upload(
        ctx=SYSTEM,
        region=region(DISTRICT),
        kind="medical",
        year=2021,
        upload=tmp_path / "med.xlsx",
        filename="med.xlsx",
    )
    assert warnings == ["1 个 15 位证件号码已升位为 18 位"]
    assert screen_list(ctx=SYSTEM, dl=dl).alerts == 1


def test_households_outside_the_list_region_are_not_matched(june_2021, tmp_path):
    _h, head = household("4304050142011101")
    path = write_csv(tmp_path / "med.csv", ["证件号码", "个人自付"], [[head, 20000]])
    dl, _ = department_list_upload(
        ctx=SYSTEM, region=region("430405201"), kind="medical", year=2021, upload=path, filename="med.csv"
    )
    # The household lives in 大昌村 (东阳渡街道); the list is 酃湖乡's.
    assert screen_list(ctx=SYSTEM, dl=dl).alerts == 0
