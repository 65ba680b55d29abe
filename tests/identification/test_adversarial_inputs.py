"""Bad and odd input to the comparison lists, the findings and the re-check, through the
service, the CLI, the pages and the API: each refusal is a clear message that names the row,
the field and what was expected; nothing is half-written; never a 500.

Cast: the district office (coordinator) uploads and runs; the township reviewer of 东阳渡
decides findings; the village cadre of 解放村 (酃湖乡) stands for another township."""

import io

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from rest_framework.test import APIClient

from fupin.core.changelog import Context
from fupin.core.choices import JobStatus
from fupin.core.errors import ApplicationError, ScopeError
from fupin.core.models import Job
from fupin.identification.choices import FindingStatus
from fupin.identification.lists import read_list
from fupin.identification.models import ComparisonList, ComparisonRow, Finding, Recheck
from fupin.identification.services.comparison import comparison_run_file, list_kind_parse
from fupin.identification.services.findings import finding_decide
from fupin.identification.services.recheck import recheck_create, recheck_start
from fupin.regions.models import Region
from fupin.registry.choices import CloseReason
from fupin.registry.models import Member
from fupin.registry.services import household_close, member_add
from tests.conftest import DISTRICT, JIEFANG, LINGHU, SYSTEM, head_data, make_household, make_user, new_id
from tests.identification.conftest import poor_household

# ---------------------------------------------------------------------------------------
# helpers


def api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def csv_bytes(rows, header="姓名,证件号码,车牌号"):
    return ("\n".join([header, *(",".join(map(str, r)) for r in rows)]) + "\n").encode("utf-8")


def xlsx_bytes(sheets):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write(tmp_path, name, content):
    p = tmp_path / name
    p.write_bytes(content)
    return p


def run_file(tmp_path, coordinator, name, content, kind="vehicle", kind_name=""):
    path = write(tmp_path, name, content)
    return comparison_run_file(
        ctx=Context(actor=coordinator),
        path=path,
        file_name=name,
        region=Region.objects.get(code=DISTRICT),
        kind=kind,
        kind_name=kind_name,
    )


@pytest.fixture
def people(regions):
    """Three registered households in 大昌村, their heads' ID numbers."""
    hs = [make_household(f"43040501420107{i:02d}") for i in range(1, 4)]
    return [Member.objects.get(household=h, relation="01").id_number for h in hs]


def nothing_stored():
    return not ComparisonList.objects.exists() and not ComparisonRow.objects.exists() and not Finding.objects.exists()


# ---------------------------------------------------------------------------------------
# the list file


def test_an_xlsx_with_the_id_column_on_the_second_sheet_is_read_from_that_sheet(tmp_path, people, coordinator):
    content = xlsx_bytes(
        [("说明", [["本表为机动车登记信息"], ["填报单位：交警大队"]]), ("名单", [["姓名", "证件号码", "车牌号"]])]
    )
    wb = openpyxl.load_workbook(io.BytesIO(content))
    for n in people:
        wb["名单"].append(["张三", n, "湘D12345"])
    out = io.BytesIO()
    wb.save(out)
    c = run_file(tmp_path, coordinator, "two_sheets.xlsx", out.getvalue())
    assert (c.rows_valid, c.matched, c.findings) == (3, 3, 3)
    assert c.columns == ["车牌号"]


def test_ids_in_scientific_notation_are_refused_naming_row_and_advice(tmp_path, people, coordinator):
    rows = [["姓名", "证件号码"], *[["张三", float(n[:17])] for n in people]]
    with pytest.raises(ApplicationError) as e:
        run_file(tmp_path, coordinator, "sci.xlsx", xlsx_bytes([("s", rows)]))
    msg = e.value.message
    assert "第 2 行" in msg and "证件号码" in msg and "科学计数法" in msg and "文本格式" in msg
    assert nothing_stored()


def test_a_list_where_every_id_is_invalid_names_the_rows_and_stores_nothing(tmp_path, people, coordinator):
    wrong = people[0][:17] + ("1" if people[0][17] == "0" else "0")  # a check digit that is not its own
    content = csv_bytes([["张三", "123", "x"], ["李四", "abc", "y"], ["王五", wrong, "z"]])
    with pytest.raises(ApplicationError) as e:
        run_file(tmp_path, coordinator, "bad.csv", content)
    msg = e.value.message
    assert "共 3 行，无效 3 行" in msg
    assert "第 2 行" in msg and "18 位" in msg and "第 4 行" in msg and "校验" in msg
    assert nothing_stored()


def test_duplicate_ids_are_counted_once_and_reported_with_their_lines(tmp_path, people, coordinator):
    content = csv_bytes([["张三", people[0], "a"], ["张三", people[0], "b"], ["李四", people[1], "c"]])
    c = run_file(tmp_path, coordinator, "dups.csv", content)
    assert (c.rows_valid, c.duplicate_count, c.matched, c.unmatched, c.findings) == (3, 1, 2, 0, 2)
    assert c.problems["duplicates"][0]["lines"] == [2, 3]


def test_fifteen_digit_ids_are_upgraded_with_a_warning_and_matched(tmp_path, people, coordinator, capsys):
    fifteen = [n[:6] + n[8:17] for n in people]
    path = write(tmp_path, "old.csv", csv_bytes([["张三", f, "a"] for f in fifteen]))
    call_command("compare", str(path), kind="vehicle", region=DISTRICT, no_progress=True)
    c = ComparisonList.objects.get()
    assert (c.rows_valid, c.matched, c.problems["upgraded"]) == (3, 3, 3)
    assert "15 位" in capsys.readouterr().out


@pytest.mark.parametrize("header", ["身份证号", "公民身份号码", "证件号", "身份证号码（18位）", "证件号码 "])
def test_the_id_column_may_be_named_as_people_name_it(tmp_path, people, coordinator, header):
    c = run_file(
        tmp_path, coordinator, "alias.csv", csv_bytes([["张三", people[0], "a"]], header=f"姓名,{header},车牌号")
    )
    assert (c.rows_valid, c.matched) == (1, 1)


def test_a_list_with_only_its_header_says_it_has_no_data_rows(tmp_path, coordinator, regions):
    for name, content in (
        ("head.csv", "姓名,证件号码\n".encode()),
        ("head.xlsx", xlsx_bytes([("s", [["姓名", "证件号码"]])])),
    ):
        with pytest.raises(ApplicationError) as e:
            run_file(tmp_path, coordinator, name, content)
        assert "没有数据行" in e.value.message, name
    assert nothing_stored()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.csv", b"", "文件为空"),
        ("blank.csv", b"   \n\n", "没有“证件号码”列"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "不是表格"),
        ("broken.xlsx", b"PK\x03\x04garbage" * 8, "不是有效的 Excel 工作簿"),
        ("noid.csv", "姓名,电话\n张三,1\n".encode(), "第一行为：姓名、电话"),
    ],
)
def test_files_that_are_not_lists_are_refused_and_store_nothing(
    tmp_path, coordinator, regions, name, content, expected
):
    with pytest.raises(ApplicationError) as e:
        run_file(tmp_path, coordinator, name, content)
    assert expected in e.value.message
    assert nothing_stored()


def test_a_blank_first_row_is_not_shown_as_spaces(tmp_path):
    from fupin.identification.lists import ListProblem

    with pytest.raises(ListProblem) as e:
        read_list(write(tmp_path, "blank.csv", b"   ,  \n"))
    assert e.value.message.endswith("（空）")


# ---------------------------------------------------------------------------------------
# the kind and its name


def test_unknown_kind_other_without_name_and_a_huge_name_are_refused_by_field():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as e:
        list_kind_parse("bicycle")
    assert "kind" in e.value.message_dict and "vehicle" in e.value.message_dict["kind"][0]
    with pytest.raises(ValidationError) as e:
        list_kind_parse("other", "   ")
    assert "kind_name" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        list_kind_parse("other", "长" * 5000)
    assert "50" in e.value.message_dict["kind_name"][0] and "5000" in e.value.message_dict["kind_name"][0]
    assert list_kind_parse("其他", "村干部及亲属") == ("other", "村干部及亲属")


def test_the_cli_refuses_bad_kinds_paths_and_regions_with_a_message(tmp_path, people):
    path = write(tmp_path, "ok.csv", csv_bytes([["张三", people[0], "a"]]))
    cases = [
        ({"kind": "bicycle"}, "未知的名单类型"),
        ({"kind": "other"}, "须填写名单名称"),
        ({"kind": "other", "name": "长" * 500}, "不能超过 50 个字"),
        ({"kind": "vehicle", "region": "999"}, "区划代码 999 不存在"),
    ]
    for opts, expected in cases:
        with pytest.raises(CommandError) as e:
            call_command("compare", str(path), no_progress=True, **opts)
        assert expected in str(e.value), opts
    with pytest.raises(CommandError) as e:
        call_command("compare", str(tmp_path), kind="vehicle", no_progress=True)
    assert "不是文件" in str(e.value)
    assert nothing_stored()


# ---------------------------------------------------------------------------------------
# the upload page


def test_the_upload_page_refuses_bad_files_on_the_form(client, people, coordinator):
    client.force_login(coordinator)
    url = reverse("identification:comparison_create")
    district = Region.objects.get(code=DISTRICT).pk
    cases = [
        (SimpleUploadedFile("empty.csv", b""), "vehicle", "", "空文件"),
        (SimpleUploadedFile("head.csv", "姓名,证件号码\n".encode()), "vehicle", "", "没有数据行"),
        (SimpleUploadedFile("bad.csv", csv_bytes([["张三", "123", "a"]])), "vehicle", "", "第 2 行"),
        (SimpleUploadedFile("photo.png", b"\x89PNG...."), "vehicle", "", ".xlsx 或 .csv"),
        (SimpleUploadedFile("ok.csv", csv_bytes([["张三", people[0], "a"]])), "other", "", "须填写名单名称"),
        (SimpleUploadedFile("ok.csv", csv_bytes([["张三", people[0], "a"]])), "bicycle", "", "bicycle"),
        (SimpleUploadedFile("ok.csv", csv_bytes([["张三", people[0], "a"]])), "other", "长" * 300, "50"),
    ]
    for f, kind, name, expected in cases:
        r = client.post(url, {"file": f, "kind": kind, "kind_name": name, "region": district})
        assert r.status_code == 200, (f.name, kind)
        assert expected in r.content.decode(), (f.name, kind)
    r = client.post(url, {"kind": "vehicle", "region": "abc"})
    assert r.status_code == 200
    assert nothing_stored() and not Job.objects.filter(kind="compare").exists()


def test_the_upload_page_speaks_english_to_an_english_reader(client, regions, coordinator):
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("identification:comparison_create")
    district = Region.objects.get(code=DISTRICT).pk
    f = SimpleUploadedFile("bad.csv", "姓名,证件号码\n张三,123\n".encode())
    body = client.post(url, {"file": f, "kind": "vehicle", "region": district}).content.decode()
    assert "Row 2" in body and "ID number" in body and "18" in body, body
    f = SimpleUploadedFile("head.csv", "姓名,证件号码\n".encode())
    body = client.post(url, {"file": f, "kind": "vehicle", "region": district}).content.decode()
    assert "no data rows" in body
    f = SimpleUploadedFile("ok.csv", csv_bytes([["张三", new_id(), "a"]]))
    body = client.post(url, {"file": f, "kind": "other", "kind_name": "", "region": district}).content.decode()
    assert "name" in body and "其他”类型" not in body


def test_a_township_user_cannot_upload_for_any_township(client, regions, reviewer):
    client.force_login(reviewer)
    url = reverse("identification:comparison_create")
    other = Region.objects.get(code=LINGHU).pk
    assert client.get(url).status_code == 404
    f = SimpleUploadedFile("ok.csv", csv_bytes([["张三", new_id(), "a"]]))
    assert client.post(url, {"file": f, "kind": "vehicle", "region": other}).status_code == 404
    f = SimpleUploadedFile("ok.csv", csv_bytes([["张三", new_id(), "a"]]))
    r = api(reviewer).post("/api/v1/comparisons/", {"file": f, "kind": "vehicle", "region_code": LINGHU})
    assert r.status_code == 404
    assert nothing_stored()


def test_a_district_office_cannot_upload_for_a_region_outside_its_scope(client, regions, coordinator):
    hengyang = Region.objects.filter(level=2).first()  # the city above the district
    client.force_login(coordinator)
    f = SimpleUploadedFile("ok.csv", csv_bytes([["张三", new_id(), "a"]]))
    r = client.post(reverse("identification:comparison_create"), {"file": f, "kind": "vehicle", "region": hengyang.pk})
    assert r.status_code == 200 and "region" in r.context["form"].errors
    f = SimpleUploadedFile("ok.csv", csv_bytes([["张三", new_id(), "a"]]))
    r = api(coordinator).post("/api/v1/comparisons/", {"file": f, "kind": "vehicle", "region_code": hengyang.code})
    assert r.status_code == 400 and "region_code" in r.json()


# ---------------------------------------------------------------------------------------
# the comparisons API


def test_api_upload_refusals_are_400_with_field_errors(people, coordinator):
    c = api(coordinator)
    ok = csv_bytes([["张三", people[0], "a"]])
    cases = [
        ({}, {"file", "kind"}),
        ({"file": "not a file", "kind": "vehicle"}, {"file"}),
        ({"file": SimpleUploadedFile("ok.csv", ok), "kind": "bicycle"}, {"kind"}),
        ({"file": SimpleUploadedFile("ok.csv", ok), "kind": "other"}, {"kind_name"}),
        ({"file": SimpleUploadedFile("ok.csv", ok), "kind": "other", "kind_name": "长" * 300}, {"kind_name"}),
        ({"file": SimpleUploadedFile("e.csv", b""), "kind": "vehicle"}, {"file"}),
        ({"file": SimpleUploadedFile("h.csv", "姓名,证件号码\n".encode()), "kind": "vehicle"}, {"file"}),
        ({"file": SimpleUploadedFile("b.csv", csv_bytes([["张", "1", "a"]])), "kind": "vehicle"}, {"file"}),
        ({"file": SimpleUploadedFile("p.png", b"\x89PNG\r\n\x1a\n\x00\x00"), "kind": "vehicle"}, {"file"}),
    ]
    for body, fields in cases:
        r = c.post("/api/v1/comparisons/", body)
        assert r.status_code == 400, (body, r.content)
        assert fields <= set(r.json()), (body, r.json())
    r = c.post(
        "/api/v1/comparisons/", {"file": SimpleUploadedFile("b.csv", csv_bytes([["张", "1", "a"]])), "kind": "vehicle"}
    )
    assert "第 2 行" in r.json()["file"][0]
    r = c.post("/api/v1/comparisons/", data="{not json", content_type="application/json")
    assert r.status_code == 400
    assert nothing_stored()


# ---------------------------------------------------------------------------------------
# findings


@pytest.fixture
def lead(tmp_path, coordinator, regions):
    """A vehicle-list finding on a registered household of 大昌村 (东阳渡)."""
    h = poor_household("4304050142010777", registered=True)
    m = h.members.get()
    run_file(tmp_path, coordinator, "v.csv", csv_bytes([["张三", m.id_number, "湘D1"]]))
    return Finding.objects.get(member=m)


def test_deciding_a_finding_twice_is_refused_with_its_status(lead, reviewer):
    f = finding_decide(ctx=Context(actor=reviewer), finding=lead, confirmed=False, note="车辆已过户")
    with pytest.raises(ApplicationError) as e:
        finding_decide(ctx=Context(actor=reviewer), finding=lead, confirmed=True, note="again")
    assert "已核实" in e.value.message
    r = api(reviewer).post(f"/api/v1/findings/{f.pk}/decide/", {"confirmed": True, "note": "x"}, format="json")
    assert r.status_code == 409
    f.refresh_from_db()
    assert f.status == FindingStatus.EXPLAINED and f.note == "车辆已过户"


def test_deciding_a_finding_of_another_township_is_absent(lead, regions, client):
    linghu = make_user("reviewer_linghu", "township_reviewer", LINGHU)
    r = api(linghu).post(f"/api/v1/findings/{lead.pk}/decide/", {"confirmed": True, "note": "x"}, format="json")
    assert r.status_code == 404
    client.force_login(linghu)
    url = reverse("identification:finding_detail", args=[lead.pk])
    assert client.post(url, {"outcome": "confirmed", "note": "x"}).status_code == 404
    lead.refresh_from_db()
    assert lead.status == FindingStatus.OPEN


def test_deciding_a_finding_whose_household_was_closed_meanwhile(lead, reviewer):
    h = lead.household
    household_close(ctx=Context(actor=None, reason="并入他户"), household=h, reason=CloseReason.OTHER)
    f = finding_decide(ctx=Context(actor=reviewer), finding=lead, confirmed=True, note="属实")
    # Nothing to remove: the household is gone; the finding is settled without a case.
    assert f.status == FindingStatus.CONFIRMED and f.application is None
    h.refresh_from_db()
    assert h.closed_on is not None


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"confirmed": "maybe", "note": "x"},
        {"confirmed": True},
        {"confirmed": True, "note": ""},
        {"confirmed": True, "note": "x" * 600},
        {"confirmed": True, "note": "x", "end_member": "abc"},
        {"confirmed": True, "note": "x", "new_head": [1]},
    ],
)
def test_api_decide_with_bad_fields_is_400(lead, reviewer, body):
    r = api(reviewer).post(f"/api/v1/findings/{lead.pk}/decide/", body, format="json")
    assert r.status_code == 400, r.content
    assert isinstance(r.json(), dict)
    lead.refresh_from_db()
    assert lead.status == FindingStatus.OPEN


def test_api_decide_with_a_member_of_another_household_is_refused(tmp_path, coordinator, reviewer, regions):
    """A death confirmed for a household's only member, naming as new head someone of another
    household: refused, and nobody's relation changes."""
    h = poor_household("4304050142010778", registered=True)
    run_file(
        tmp_path, coordinator, "death.csv", csv_bytes([["张三", h.members.get().id_number, "2020-01-01"]]), "death"
    )
    f = Finding.objects.get(household=h)
    stranger_home = make_household("4304050142010779")
    stranger = member_add(ctx=SYSTEM, household=stranger_home, data={**head_data(name="王五"), "relation": "10"})
    for body in ({"new_head": stranger.pk}, {"new_head": 99999999}, {"end_member": 99999999}):
        r = api(reviewer).post(
            f"/api/v1/findings/{f.pk}/decide/", {"confirmed": True, "note": "x", **body}, format="json"
        )
        assert r.status_code == 400, (body, r.content)
    stranger.refresh_from_db()
    assert stranger.relation == "10" and h.members.get().ended_on is None
    f.refresh_from_db()
    assert f.status == FindingStatus.OPEN


def test_api_decide_with_invalid_json_is_400(lead, reviewer):
    r = api(reviewer).post(f"/api/v1/findings/{lead.pk}/decide/", data="{", content_type="application/json")
    assert r.status_code == 400


# ---------------------------------------------------------------------------------------
# re-checks


def test_a_recheck_while_another_of_the_same_region_runs_is_refused(regions, coordinator):
    poor_household(registered=True)
    ctx = Context(actor=coordinator)
    first = recheck_create(ctx=ctx)
    first.job = Job.objects.create(kind="recheck", status=JobStatus.RUNNING, params={"recheck_id": first.pk})
    first.save(update_fields=["job"])
    with pytest.raises(ApplicationError) as e:
        recheck_create(ctx=ctx)
    assert f"#{first.pk}" in e.value.message and "正在进行" in e.value.message
    # a smaller region inside the running one too
    make_household("4304052012010778", JIEFANG)
    with pytest.raises(ApplicationError) as e:
        recheck_create(ctx=SYSTEM, region=Region.objects.get(code=JIEFANG))
    assert f"#{first.pk}" in e.value.message
    r = api(coordinator).post("/api/v1/rechecks/", {}, format="json")
    assert r.status_code == 409 and f"#{first.pk}" in r.json()["detail"]
    assert Recheck.objects.count() == 1
    # once it has finished (or failed), a new one may start
    Job.objects.filter(pk=first.job_id).update(status=JobStatus.FAILED)
    assert recheck_create(ctx=ctx).pk != first.pk


def test_a_recheck_of_a_region_without_households_is_refused(regions, coordinator):
    empty = Region.objects.get(code=LINGHU)
    with pytest.raises(ApplicationError) as e:
        recheck_create(ctx=SYSTEM, region=empty)
    assert empty.name in e.value.message and "没有" in e.value.message
    with pytest.raises(CommandError):
        call_command("recheck", region=LINGHU, no_progress=True)
    assert not Recheck.objects.exists()


def test_recheck_cli_and_api_refuse_bad_years(regions, coordinator):
    poor_household(registered=True)
    with pytest.raises(CommandError) as e:
        call_command("recheck", year=1990, no_progress=True)
    assert "1990 年没有适用" in str(e.value)
    for body in ({"year": "abc"}, {"year": 1800}, {"year": [2017]}):
        r = api(coordinator).post("/api/v1/rechecks/", body, format="json")
        assert r.status_code == 400 and "year" in r.json(), body
    r = api(coordinator).post("/api/v1/rechecks/", {"year": 1999 + 1}, format="json")
    assert r.status_code == 409
    assert not Recheck.objects.exists()


def test_the_recheck_button_says_why_it_refuses(client, regions, coordinator):
    client.force_login(coordinator)
    r = client.post(reverse("identification:recheck_list"), {"year": "abc"})
    assert r.status_code == 200 and not Recheck.objects.exists()
    r = client.post(reverse("identification:recheck_list"), {"year": "2017"})
    assert r.status_code == 200 and "没有" in r.content.decode()


def test_a_township_user_cannot_start_a_recheck(client, regions, reviewer):
    client.force_login(reviewer)
    assert client.post(reverse("identification:recheck_list"), {"year": "2017"}).status_code == 404
    assert api(reviewer).post("/api/v1/rechecks/", {}, format="json").status_code == 404
    with pytest.raises((ApplicationError, ScopeError)):
        recheck_start(ctx=Context(actor=reviewer))
    assert not Recheck.objects.exists()


# ---------------------------------------------------------------------------------------
# applications API and pagination


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"household": "abc", "kind": "admission", "year": 2017},
        {"household": 1, "kind": "nonsense", "year": 2017},
        {"household": 1, "kind": "admission", "year": "soon"},
        {"household": 1, "kind": "admission", "year": 2017, "other_causes": "01"},
        {"household": 1, "kind": "admission", "year": 2017, "reason": "x" * 400},
        {"household": None, "kind": None, "year": None},
    ],
)
def test_api_application_create_with_bad_fields_is_400(regions, cadre, body):
    r = api(cadre).post("/api/v1/applications/", body, format="json")
    assert r.status_code == 400, r.content
    assert isinstance(r.json(), dict) and r.json()


def test_api_application_step_with_bad_fields_is_400(regions, cadre):
    h = poor_household()
    app = (
        api(cadre)
        .post(
            "/api/v1/applications/",
            {"household": h.pk, "kind": "admission", "year": 2017, "attribute": "1", "main_cause": "01"},
            format="json",
        )
        .json()
    )
    assert "id" in app, app
    url = f"/api/v1/applications/{app['id']}/step/"
    for body in (
        {"meeting_date": "yesterday"},
        {"representatives": -1},
        {"passed": "perhaps"},
        {"other_causes": "01"},
    ):
        r = api(cadre).post(url, body, format="json")
        assert r.status_code == 400, (body, r.content)
    for body in ({"objection": "x"}, {"raised_on": "soon", "content": "x"}):
        r = api(cadre).post(f"/api/v1/applications/{app['id']}/objection/", body, format="json")
        assert r.status_code == 400, (body, r.content)
    r = api(cadre).post(f"/api/v1/applications/{app['id']}/withdraw/", {}, format="json")
    assert r.status_code == 400 and "reason" in r.json()


@pytest.mark.parametrize(
    "query", ["page=abc", "page=0", "page=-1", "page=999999", "page_size=-1", "page_size=abc", "page_size=100000"]
)
@pytest.mark.parametrize("endpoint", ["comparisons", "findings", "rechecks", "applications"])
def test_pagination_garbage_is_never_a_500(lead, coordinator, endpoint, query):
    r = api(coordinator).get(f"/api/v1/{endpoint}/?{query}")
    assert r.status_code in (200, 404), (endpoint, query, r.status_code)


@pytest.mark.parametrize(
    "query", ["page=abc", "page=-1", "page=999999", "status=nonsense", "region=abc", "comparison=x"]
)
def test_page_query_garbage_is_never_a_500(lead, client, coordinator, query):
    client.force_login(coordinator)
    for name in ("finding_list", "comparison_list", "recheck_list"):
        assert client.get(reverse(f"identification:{name}") + "?" + query).status_code == 200, (name, query)


@pytest.mark.parametrize("query", ["household=abc", "step=nonsense", "status=x"])
def test_api_filters_garbage_is_never_a_500(lead, coordinator, query):
    for endpoint in ("assessments", "applications", "findings"):
        assert api(coordinator).get(f"/api/v1/{endpoint}/?{query}").status_code == 200


def test_detail_ids_that_are_not_numbers_are_404(lead, coordinator, client):
    for endpoint in ("comparisons", "findings", "rechecks", "applications"):
        assert api(coordinator).get(f"/api/v1/{endpoint}/abc/").status_code == 404
        assert api(coordinator).get(f"/api/v1/{endpoint}/99999999999999999999/").status_code == 404
    client.force_login(coordinator)
    assert client.get("/identification/findings/99999999999999999999/").status_code == 404
