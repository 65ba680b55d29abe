"""The district office feeds the importer files that are damaged, disguised or absurd: each
one is refused (or read) with a message that says what is wrong and what is expected, in
Chinese and in English, on the command line (exit code 1, no traceback) and on the upload
page (no 500); nothing is written, and nothing hangs."""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from fupin.exchange.models import ImportBatch
from fupin.registry.models import Member
from tests.exchange.helpers import errors_of, headers_of, household, run, state, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

CODE = "430405014201000901"


def rows() -> list[dict]:
    return household(CODE, 2)


def good_csv(tmp_path: Path) -> bytes:
    return write_csv(tmp_path / "src.csv", rows()).read_bytes()


def good_xlsx(tmp_path: Path) -> bytes:
    return write_xlsx(tmp_path / "src.xlsx", rows()).read_bytes()


def patch_sheet(data: bytes, change) -> bytes:
    """The workbook with its first sheet's XML passed through `change`."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            dst.writestr(item.filename, change(body) if item.filename.endswith("sheet1.xml") else body)
    return out.getvalue()


def encrypted() -> bytes:
    """What Excel writes for a password-protected workbook: an OLE compound file holding an
    EncryptionInfo and an EncryptedPackage stream (their directory entries are UTF-16)."""
    data = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4600))
    for offset, name in ((1024, "EncryptionInfo"), (1152, "EncryptedPackage")):
        entry = name.encode("utf-16-le")
        data[offset : offset + len(entry)] = entry
    return bytes(data)


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "你好")
    return out.getvalue()


# name → (the file's bytes from tmp_path, a fragment of the Chinese message, of the English one)
REFUSED = {
    "encrypted.xlsx": (lambda t: encrypted(), "设有打开密码", "password-protected"),
    "ole.xls": (lambda t: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048), "另存为 .xlsx", "save it as .xlsx"),
    "truncated.xlsx": (lambda t: good_xlsx(t)[:2000], "已损坏", "damaged"),
    "corrupt_sheet.xlsx": (
        lambda t: patch_sheet(good_xlsx(t), lambda b: b[: len(b) // 2]),
        "已损坏",
        "damaged",
    ),
    "renamed_zip.xlsx": (lambda t: plain_zip(), "没有 Excel 工作簿", "no Excel workbook"),
    "csv_named.xlsx": (lambda t: good_csv(t), "内容不是 Excel 工作簿", "not an Excel workbook"),
    "nul.csv": (lambda t: good_csv(t)[:40] + b"\x00\x00" + good_csv(t)[40:], "空字符", "NUL"),
    "not_gbk.csv": (
        lambda t: good_csv(t) + b"\x81\x20\xff\xfe\x80\x80,\x81\x30\n",
        "字符编码（应为 UTF-8 或 GBK/GB18030）",
        "UTF-8 or GBK",
    ),
    "empty.csv": (lambda t: b"", "文件为空", "empty"),
    "empty.xlsx": (lambda t: b"", "文件为空", "empty"),
    "header_only.csv": (lambda t: good_csv(t).split(b"\n")[0] + b"\n", "表头下没有任何数据行", "header"),
}


def cli(path: Path) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("import", str(path), "--year", "2019", "--no-progress", stdout=out, stderr=io.StringIO())
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_bad_file_is_refused_on_the_command_line_with_exit_1_and_nothing_written(name, regions, tmp_path):
    build, chinese, _english = REFUSED[name]
    path = tmp_path / name
    path.write_bytes(build(tmp_path))
    before = state()

    code, output = cli(path)

    assert code == 1 and chinese in output, output
    assert "Traceback" not in output and state() == before


def english(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_bad_file_uploaded_under_the_english_ui_is_rejected_with_an_english_message(name, coordinator, tmp_path):
    build, _chinese, english_words = REFUSED[name]
    client = english(coordinator)
    before = state()

    response = client.post(reverse("exchange:import_upload"), {"file": _named(build(tmp_path), name), "year": "2019"})

    if response.status_code == 200:  # refused by the form itself (an empty upload)
        assert "empty" in response.content.decode().lower()
        return
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    page = client.get(reverse("exchange:batch_detail", args=[batch.pk]))
    assert page.status_code == 200 and batch.status == "rejected"
    assert english_words in page.content.decode(), page.content.decode()[-3000:]
    assert state() == before


def _named(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def test_a_folder_and_a_missing_path_are_named_on_the_command_line(regions, tmp_path):
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(CommandError, match="不是文件（是文件夹）"):
        call_command("import", str(tmp_path / "folder.csv"), "--no-progress")
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import", str(tmp_path / "nowhere.csv"), "--no-progress")
    result = run(tmp_path / "folder.csv")  # the service says the same without the command
    assert not result.ok and "不是文件" in errors_of(result)[0].message


# ------------------------------------------------------------- files that read correctly


def ods(path: Path) -> Path:
    """A minimal OpenDocument spreadsheet of the roster."""
    table = [headers_of(rows()), *([r[h] for h in headers_of(rows())] for r in rows())]

    def cells(values):
        return "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>' for v in values
        )

    body = "".join(f"<table:table-row>{cells(v)}</table:table-row>" for v in table)
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2"><office:body>'
        f'<office:spreadsheet><table:table table:name="人员明细">{body}</table:table></office:spreadsheet>'
        "</office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
    return path


def variants(tmp_path: Path) -> dict[str, Path]:
    csv_bytes = good_csv(tmp_path)
    xlsx_bytes = good_xlsx(tmp_path)
    files = {
        "cr_only.csv": csv_bytes.replace(b"\r\n", b"\r").replace(b"\n", b"\r"),
        "semicolon.csv": csv_bytes.replace(b",", b";"),
        "tab.csv": csv_bytes.replace(b",", b"\t"),
        "utf16.csv": csv_bytes.decode("utf-8").encode("utf-16"),
        "xlsx_named.csv": xlsx_bytes,
        "macro.xlsm": xlsx_bytes,
        "huge_dimension.xlsx": patch_sheet(
            xlsx_bytes, lambda b: re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:XFD1048576"/>', b)
        ),
    }
    out = {}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        out[name] = tmp_path / name
    out["sheet.ods"] = ods(tmp_path / "sheet.ods")
    multiline = rows()
    multiline[0]["其他致贫原因"] = ""
    multiline[0]["自然村"] = "上\n屋"
    out["multiline.csv"] = write_csv(tmp_path / "multiline.csv", multiline)
    return out


@pytest.mark.parametrize(
    "name",
    [
        "cr_only.csv",
        "semicolon.csv",
        "tab.csv",
        "utf16.csv",
        "xlsx_named.csv",
        "macro.xlsm",
        "huge_dimension.xlsx",
        "sheet.ods",
        "multiline.csv",
    ],
)
def test_a_roster_in_an_unusual_but_honest_container_is_read(name, regions, tmp_path):
    path = variants(tmp_path)[name]
    started = time.monotonic()

    result = run(path, dry_run=True)

    assert result.ok, [str(i) for i in result.issues.items]
    assert result.totals()["members"]["created"] == 2
    assert time.monotonic() - started < 20


def test_a_million_empty_styled_rows_read_as_the_two_that_hold_data(regions, tmp_path):
    filler = b"".join(b'<row r="%d" s="1" customFormat="1"/>' % r for r in range(10, 1_048_577))
    path = tmp_path / "styled.xlsx"
    path.write_bytes(patch_sheet(good_xlsx(tmp_path), lambda b: b.replace(b"</sheetData>", filler + b"</sheetData>")))
    started = time.monotonic()

    result = run(path, dry_run=True)

    assert result.ok and result.sheets[0].rows == 2
    assert time.monotonic() - started < 30


# ----------------------------------------------------------- odd cells: named, never lost


def test_a_megabyte_cell_is_refused_by_row_and_column_and_quoted_short(regions, tmp_path):
    bad = rows()
    bad[0]["姓名"] = "王" * 1_000_000
    before = state()

    result = run(write_csv(tmp_path / "big.csv", bad))

    (issue,) = errors_of(result)
    assert (issue.row, issue.column) == (2, "姓名") and "最多 50 个字" in issue.message
    assert len(str(issue)) < 400 and "共 1000000 字" in issue.value
    assert state() == before


def test_two_thousand_unknown_columns_are_ignored_and_the_roster_still_reads(regions, tmp_path):
    wide = [dict(r, **{f"备用{k}": "x" for k in range(2000)}) for r in rows()]

    result = run(write_csv(tmp_path / "wide.csv", wide), dry_run=True)

    assert result.ok and result.totals()["members"]["created"] == 2
    (note,) = [i for i in result.issues.items if i.kind == "ignored_column"]
    # The first twenty named, the rest counted: not two thousand names in one line.
    assert "备用19" in note.message and "备用20、" not in note.message and "等 2000 列" in note.message


def test_a_formula_without_a_cached_value_reads_as_blank_and_is_named(regions, tmp_path):
    headers = headers_of(rows())
    wb = Workbook()
    ws = wb.active
    ws.title = "人员明细"
    ws.append(headers)
    for r in rows():
        ws.append([("=1+1" if h == "家庭人口数" else r[h]) or None for h in headers])
    wb.save(tmp_path / "formula.xlsx")

    result = run(tmp_path / "formula.xlsx")

    assert not result.ok
    assert any(i.row == 2 and i.column == "家庭人口数" for i in errors_of(result))


def test_a_formula_with_its_cached_value_reads_as_the_value(regions, tmp_path):
    headers = headers_of(rows())
    column = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[headers.index("家庭人口数")]
    data = good_xlsx(tmp_path)

    def cached(body: bytes) -> bytes:
        return re.sub(rb'<c r="(%s[23])"[^>]*>.*?</c>' % column.encode(), rb'<c r="\1"><f>1+1</f><v>2</v></c>', body)

    (tmp_path / "cached.xlsx").write_bytes(patch_sheet(data, cached))

    result = run(tmp_path / "cached.xlsx", dry_run=True)

    assert result.ok, [str(i) for i in result.issues.items]


def test_an_id_number_stored_as_a_date_serial_is_refused_by_row(regions, tmp_path):
    path = write_xlsx(tmp_path / "serial.xlsx", rows(), raw={(0, "证件号码"): 25000, (1, "证件号码"): 43000.5})
    before = state()

    result = run(path)

    assert {(i.row, i.column, i.kind) for i in errors_of(result)} == {
        (2, "证件号码", "id_number"),
        (3, "证件号码", "id_number"),
    }
    assert state() == before


def test_merged_cells_among_the_data_rows_are_pointed_out_before_the_blanks_they_leave(regions, tmp_path):
    headers = headers_of(rows())
    wb = Workbook()
    ws = wb.active
    ws.title = "人员明细"
    ws.append(headers)
    for r in rows():
        ws.append([r[h] or None for h in headers])
    ws.merge_cells(start_row=2, start_column=1, end_row=3, end_column=5)
    wb.save(tmp_path / "merged.xlsx")
    before = state()

    result = run(tmp_path / "merged.xlsx")

    (merged,) = [i for i in result.issues.items if i.kind == "merged"]
    assert merged.row == 2 and "第 2–3 行、A–E 列是合并单元格" in merged.message
    assert not result.ok and state() == before


def test_a_hidden_header_row_and_a_hidden_sheet_do_not_hide_the_roster(regions, tmp_path):
    headers = headers_of(rows())
    wb = Workbook()
    ws = wb.active
    ws.title = "人员明细"
    ws.append(["珠晖区建档立卡贫困人口明细表"])
    ws.append(headers)
    ws.row_dimensions[2].hidden = True
    for r in rows():
        ws.append([r[h] or None for h in headers])
    hidden = wb.create_sheet("备注")
    hidden.sheet_state = "hidden"
    hidden["A1"] = "内部备注"
    wb.save(tmp_path / "hidden.xlsx")

    result = run(tmp_path / "hidden.xlsx", dry_run=True)

    assert result.ok and result.totals()["members"]["created"] == 2


def test_a_repeated_header_is_named_and_the_first_column_kept(regions, tmp_path):
    headers = headers_of(rows())
    text = ",".join([*headers, "姓名"]) + "\n"
    text += "".join(",".join([*(r[h] for h in headers), "别名"]) + "\n" for r in rows())
    (tmp_path / "dup.csv").write_text(text, encoding="utf-8")

    result = run(tmp_path / "dup.csv", dry_run=True)

    assert result.ok
    assert any("重复" in i.message and i.column == "姓名" for i in result.issues.items)


def test_household_cells_merged_down_over_the_members_rows_are_read_on_every_row(regions, tmp_path):
    """Ledgers merge 户编号 and the household's other cells over its members' rows: each
    member row reads the merged value. A range across columns stays a warning (above)."""
    members = household("430405014201000931", 3)
    headers = headers_of(members)
    wb = Workbook()
    ws = wb.active
    ws.title = "人员明细"
    ws.append(["珠晖区建档立卡贫困人口明细表"])
    ws.append(headers)
    for i, r in enumerate(members):
        # Below the top row, the merged household cells are empty, as Excel keeps them.
        ws.append([(r[h] or None) if i == 0 or h not in ("户编号", "家庭人口数") else None for h in headers])
    for h in ("户编号", "家庭人口数"):
        col = headers.index(h) + 1
        ws.merge_cells(start_row=3, start_column=col, end_row=5, end_column=col)
    wb.save(tmp_path / "merged_down.xlsx")

    result = run(tmp_path / "merged_down.xlsx")

    assert result.ok, [str(i) for i in result.issues.items]
    assert not [i for i in result.issues.items if i.kind == "merged"]
    assert Member.objects.filter(household__code="430405014201000931").count() == 3
