"""Reading a department list (exchange.md layout 6) into columns with polars.

Rules of every exchange file apply: .xlsx or .csv (UTF-8 with or without BOM, or GB18030),
the header is the first of the first 10 rows that names the ID column, names are matched after
folding full-width forms and through aliases, money may carry 元 and separators, ID numbers
are normalised (full-width digits, spaces, a lower-case x; 15-digit numbers converted with a
warning). A file with an unreadable ID or amount, or a row with no ID at all, is rejected with
every bad row named (capped), so that nothing half-read raises alerts. Reading the file, finding the header and the ID
column and checking ID numbers are shared with identification's list reader
(fupin.utils.deptlist); the screening's columns, amounts and messages are here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.utils.translation import gettext as _

from fupin.monitoring.choices import ListKind
from fupin.utils import deptlist, idno
from fupin.utils.deptlist import LINE
from fupin.utils.text import fold

MAX_REPORTED = 20
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".txt")

# Other columns by their aliases (the ID column is found by deptlist.is_id_header).
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "患者姓名", "人员姓名"),
    "out_of_pocket": (
        "个人自付",
        "个人自付金额",
        "个人自付费用",
        "自付金额",
        "个人负担",
        "个人负担金额",
        "合规自付",
        "个人现金支付",
    ),
    "total_cost": ("医疗总费用", "总费用", "医疗费用总额", "医疗总额", "费用总额"),
    "date": ("结算日期", "结算时间", "出院日期", "发生日期", "受灾日期", "事故日期"),
    "loss": ("损失金额", "经济损失", "直接经济损失", "损失(元)"),
    "event": ("灾害类型", "灾种", "事故类型", "类型"),
}
# Which columns each kind needs beyond the ID number, and which it keeps when present.
REQUIRED: dict[str, tuple[str, ...]] = {
    ListKind.MEDICAL: ("out_of_pocket",),
    ListKind.DISASTER: (),
    ListKind.ACCIDENT: (),
}
MONEY = ("out_of_pocket", "total_cost", "loss")


class ListError(ValueError):
    """The file cannot be read as the list it claims to be; `messages` say where and why."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass
class ReadList:
    frame: pl.DataFrame  # id_number, name, and the money/date/event columns present (money in cents)
    rows: int
    warnings: list[str] = field(default_factory=list)


def _canonical(header: str) -> str | None:
    if deptlist.is_id_header(header):
        return "id_number"
    key = fold(header).replace("（", "(").replace("）", ")")
    for name, aliases in ALIASES.items():
        if key in aliases or key.split("(")[0] in aliases:
            return name
    return None


def _sheet(path: Path, filename: str) -> deptlist.Sheet:
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise ListError([_("{f}：请上传 .xlsx 或 .csv 文件").format(f=filename)])
    try:
        return deptlist.read_sheet(path, workbook=suffix in (".xlsx", ".xlsm", ".xls"))
    except deptlist.Unreadable as exc:
        if exc.code == "no_id":
            message = _("{f}：前 10 行中没有“证件号码”列（也接受：身份证号、公民身份号码）").format(f=filename)
        elif exc.code == "workbook":
            message = _("{f}：无法作为 Excel 工作簿读取（{e}）").format(f=filename, e=exc.detail)
        elif exc.code == "csv":
            message = _("{f}：CSV 文件格式错误（{e}）").format(f=filename, e=exc.detail)
        else:
            message = _("{f}：无法识别文件编码，请另存为 UTF-8 或 GBK 的 CSV").format(f=filename)
        raise ListError([message]) from exc


def read_list(path: Path, *, kind: str, filename: str | None = None) -> ReadList:
    """Read and check a whole list; raises ListError naming the bad rows."""
    filename = filename or path.name
    sheet = _sheet(path, filename)
    mapping: dict[str, int] = {}
    for j, col in enumerate(sheet.headers):
        name = _canonical(col)
        if name and name not in mapping:
            mapping[name] = j
    missing = [ALIASES[n][0] for n in REQUIRED.get(kind, ()) if n not in mapping]
    if missing:
        raise ListError(
            [_("{f}：{kind}名单缺少“{cols}”列").format(f=filename, kind=ListKind(kind).label, cols="、".join(missing))]
        )
    # Empty rows and trailing summary rows (合计, 总计) are skipped; a row with other cells but
    # no ID number is reported below, as identification's comparison reports it.
    rows = deptlist.data_rows(sheet.frame, f"c{mapping['id_number']}")
    frame = rows.select(pl.col(LINE), *[pl.col(f"c{j}").alias(name) for name, j in mapping.items()])
    checks = []
    money = [name for name in MONEY if name in frame.columns]
    for name in money:
        text = pl.col(name).fill_null("").str.replace_all(r"[,，元¥￥\s]", "")
        value = text.cast(pl.Float64, strict=False)
        cents = pl.when(text == "").then(0).otherwise((value * 100).round(0)).cast(pl.Int64, strict=False)
        checks += [cents.alias(name), ((value.is_null() & (text != "")) | (cents < 0)).alias(f"_bad_{name}")]
    frame = deptlist.checked_ids(frame, "id_number")
    frame = frame.filter(~pl.col("id_number").is_in(deptlist.SUMMARY_WORDS))
    frame = frame.with_columns(checks)
    errors: list[str] = []
    warnings: list[str] = []
    if (empty := frame.filter(pl.col("id_number") == "")).height:
        errors.append(_("{f}：{n} 行没有证件号码").format(f=filename, n=empty.height))
        # In the words identification's comparison and the forms use for an empty number.
        empty_id = idno.problem("")
        assert empty_id is not None  # an empty number is always a problem
        reason = _(empty_id.template)
        errors += [
            _("第 {line} 行 {reason}").format(line=line, reason=reason)
            for (line,) in empty.select(LINE).head(MAX_REPORTED).iter_rows()
        ]
    if (bad := frame.filter(~pl.col("_ok") & (pl.col("id_number") != ""))).height:
        errors.append(_("{f}：{n} 行证件号码无效（位数、校验位或出生日期错误）").format(f=filename, n=bad.height))
        errors += [
            _("第 {line} 行 证件号码“{v}”无效").format(line=r["line"], v=r["id_number"])
            for r in deptlist.invalid_rows(bad, MAX_REPORTED)
        ]
    if old := int(frame["_fifteen"].sum()):
        warnings.append(_("{n} 个 15 位证件号码已升位为 18 位").format(n=old))
    for name in money:
        bad = frame.filter(pl.col(f"_bad_{name}"))
        if bad.height:
            label = ALIASES[name][0]
            errors.append(_("{f}：{n} 行“{col}”不是有效金额").format(f=filename, n=bad.height, col=label))
            errors += [
                _("第 {line} 行 {col} 应为不小于 0 的金额").format(line=r[0], col=label)
                for r in bad.select(LINE).head(MAX_REPORTED).iter_rows()
            ]
    if errors:
        raise ListError(errors)
    if frame.height == 0:
        raise ListError([_("{f}：名单中没有数据行").format(f=filename)])
    keep = [c for c in frame.columns if not c.startswith("_")]
    # Line numbers as the reader has always stored them in the Parquet copy.
    frame = frame.select(pl.col(LINE).cast(pl.UInt32).alias("line"), *keep)
    return ReadList(frame=frame, rows=frame.height, warnings=warnings)
