"""Reading a department list (exchange.md layout 6) into columns with polars.

Rules of every exchange file apply: .xlsx or .csv (UTF-8 with or without BOM, or GB18030),
the header is the first of the first 10 rows that names the ID column, names are matched after
folding full-width forms and through aliases, money may carry 元 and separators, ID numbers
are normalised (full-width digits, spaces, a lower-case x; 15-digit numbers converted with a
warning). A file with an unreadable ID or amount is rejected with every bad row named (capped),
so that nothing half-read raises alerts.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.utils.translation import gettext as _

from fupin.monitoring.choices import ListKind
from fupin.utils.tables import decode_bytes
from fupin.utils.text import fold

HEADER_ROWS = 10
MAX_REPORTED = 20

ALIASES: dict[str, tuple[str, ...]] = {
    "id_number": ("证件号码", "身份证号", "身份证号码", "公民身份号码", "证件号", "身份证"),
    "name": ("姓名", "患者姓名", "人员姓名"),
    "out_of_pocket": ("个人自付", "个人自付金额", "个人自付费用", "自付金额", "个人负担", "个人负担金额",
                      "合规自付", "个人现金支付"),
    "total_cost": ("医疗总费用", "总费用", "医疗费用总额", "医疗总额", "费用总额"),
    "date": ("结算日期", "结算时间", "出院日期", "发生日期", "受灾日期", "事故日期"),
    "loss": ("损失金额", "经济损失", "直接经济损失", "损失(元)"),
    "event": ("灾害类型", "灾种", "事故类型", "类型"),
}
# Which columns each kind needs beyond the ID number, and which it keeps when present.
REQUIRED: dict[str, tuple[str, ...]] = {ListKind.MEDICAL: ("out_of_pocket",), ListKind.DISASTER: (),
                                        ListKind.ACCIDENT: ()}
MONEY = ("out_of_pocket", "total_cost", "loss")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


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
    key = fold(header).replace("（", "(").replace("）", ")")
    for name, aliases in ALIASES.items():
        if key in aliases or key.split("(")[0] in aliases:
            return name
    return None


def _find_header(rows: list[list[str]]) -> int | None:
    for i, row in enumerate(rows[:HEADER_ROWS]):
        if any(_canonical(c) == "id_number" for c in row):
            return i
    return None


def _head_rows_csv(text_head: str) -> list[list[str]]:
    import csv

    return [row for row in csv.reader(io.StringIO(text_head))][:HEADER_ROWS]


def _raw_frame(path: Path, filename: str) -> tuple[pl.DataFrame, int]:
    """All cells as strings with the file's own header names; also the header's row index."""
    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        from python_calamine import CalamineWorkbook

        try:
            wb = CalamineWorkbook.from_path(str(path))
        except Exception as exc:
            raise ListError([_("{f}：无法作为 Excel 工作簿读取（{e}）").format(f=filename, e=exc)]) from exc
        rows = [["" if c is None else str(c).strip() for c in row]
                for row in wb.get_sheet_by_index(0).to_python(skip_empty_area=False)]
        header = _find_header(rows)
        if header is None:
            raise _no_id_column(filename)
        names = _unique(rows[header])
        body = [r + [""] * (len(names) - len(r)) for r in rows[header + 1:]]
        frame = pl.DataFrame({n: [r[i] for r in body] for i, n in enumerate(names)},
                             schema=dict.fromkeys(names, pl.String))
        return frame, header
    if suffix not in (".csv", ".txt"):
        raise ListError([_("{f}：请上传 .xlsx 或 .csv 文件").format(f=filename)])
    with path.open("rb") as fh:
        head_bytes = fh.read(65536)
    source: Path | io.BytesIO = path
    try:
        head_text = head_bytes.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        # A cut multi-byte character at the end of the sample is still UTF-8; anything else
        # is a legacy encoding (GB18030/GBK in practice): decode the whole file once.
        if exc.start < len(head_bytes) - 4:
            source, head_text = _recoded(path, filename)
        else:
            head_text = head_bytes[: exc.start].removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    head = _head_rows_csv(head_text)
    header = _find_header(head)
    if header is None:
        raise _no_id_column(filename)
    try:
        frame = _read_csv(source, header, head)
    except pl.exceptions.ComputeError as exc:
        if source is not path or "utf-8" not in str(exc).lower():
            raise ListError([_("{f}：CSV 文件格式错误（{e}）").format(f=filename, e=exc)]) from exc
        source, _text = _recoded(path, filename)
        frame = _read_csv(source, header, head)
    except pl.exceptions.PolarsError as exc:
        raise ListError([_("{f}：CSV 文件格式错误（{e}）").format(f=filename, e=exc)]) from exc
    return frame, header


def _read_csv(source: Path | io.BytesIO, header: int, head: list[list[str]]) -> pl.DataFrame:
    return pl.read_csv(source, skip_rows=header, infer_schema=False, truncate_ragged_lines=True,
                       new_columns=_unique(head[header]))


def _recoded(path: Path, filename: str) -> tuple[io.BytesIO, str]:
    try:
        text = decode_bytes(path.read_bytes())
    except ValueError as exc:
        raise ListError([_("{f}：无法识别文件编码，请另存为 UTF-8 或 GBK 的 CSV").format(f=filename)]) from exc
    return io.BytesIO(text.encode("utf-8")), text[:65536]


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        n = n or "_"
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}_{seen[n]}")
    return out


def _no_id_column(filename: str) -> ListError:
    return ListError([_("{f}：前 10 行中没有“证件号码”列（也接受：身份证号、公民身份号码）").format(f=filename)])


def _id_checks(col: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(the ID upgraded from 15 to 18 digits where needed, whether it is a valid 18-digit ID)."""
    upgraded = (
        pl.when(col.str.contains(r"^\d{15}$"))
        .then(col.str.slice(0, 6) + pl.lit("19") + col.str.slice(6, 9))
        .otherwise(col.str.slice(0, 17))
    )
    total = pl.sum_horizontal([upgraded.str.slice(i, 1).cast(pl.Int32, strict=False) * w
                               for i, w in enumerate(WEIGHTS)])
    check = (total % 11).replace_strict(list(range(11)), list(CHECK_CHARS), default=None, return_dtype=pl.String)
    number = pl.when(col.str.contains(r"^\d{15}$")).then(upgraded + check).otherwise(col)
    born = number.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    valid = number.str.contains(r"^\d{17}[\dX]$") & (number.str.slice(17, 1) == check) & born.is_not_null()
    return number, valid.fill_null(False)


def read_list(path: Path, *, kind: str, filename: str | None = None) -> ReadList:
    """Read and check a whole list; raises ListError naming the bad rows."""
    filename = filename or path.name
    raw, header = _raw_frame(path, filename)
    mapping: dict[str, str] = {}
    for col in raw.columns:
        name = _canonical(col)
        if name and name not in mapping:
            mapping[name] = col
    missing = [ALIASES[n][0] for n in REQUIRED.get(kind, ()) if n not in mapping]
    if missing:
        raise ListError([_("{f}：{kind}名单缺少“{cols}”列").format(f=filename, kind=ListKind(kind).label,
                                                              cols="、".join(missing))])
    frame = raw.select([pl.col(src).alias(dst) for dst, src in mapping.items()])
    first_line = header + 2  # the header's Excel row number + 1
    ids = frame["id_number"].fill_null("")
    # Full-width digits and letters need NFKC; most files have none, and it is the costly step.
    if ids.str.contains(r"[^\x00-\x7f]").any():
        ids = ids.str.normalize("NFKC")
    frame = frame.with_columns(ids.str.replace_all(r"\s", "").str.to_uppercase().alias("id_number"))
    number, valid = _id_checks(pl.col("id_number"))
    checks = [number.alias("id_number"), valid.alias("_valid"),
              pl.col("id_number").str.contains(r"^\d{15}$").alias("_old")]
    money = [name for name in MONEY if name in frame.columns]
    for name in money:
        text = pl.col(name).fill_null("").str.replace_all(r"[,，元¥￥\s]", "")
        value = text.cast(pl.Float64, strict=False)
        cents = pl.when(text == "").then(0).otherwise((value * 100).round(0)).cast(pl.Int64, strict=False)
        checks += [cents.alias(name), ((value.is_null() & (text != "")) | (cents < 0)).alias(f"_bad_{name}")]
    # One pass over the rows: empty rows and trailing summary rows (合计, 总计) are skipped.
    frame = (
        frame.lazy().with_row_index("line", offset=first_line)
        .filter((pl.col("id_number") != "") & ~pl.col("id_number").is_in(["合计", "总计", "小计"]))
        .with_columns(checks).collect()
    )
    errors: list[str] = []
    warnings: list[str] = []
    if (bad := frame.filter(~pl.col("_valid"))).height:
        errors.append(_("{f}：{n} 行证件号码无效（位数、校验位或出生日期错误）").format(f=filename, n=bad.height))
        errors += [_("第 {line} 行 证件号码“{v}”无效").format(line=r[0], v=r[1])
                   for r in bad.select("line", "id_number").head(MAX_REPORTED).iter_rows()]
    if (old := int(frame["_old"].sum())):
        warnings.append(_("{n} 个 15 位证件号码已升位为 18 位").format(n=old))
    for name in money:
        bad = frame.filter(pl.col(f"_bad_{name}"))
        if bad.height:
            label = ALIASES[name][0]
            errors.append(_("{f}：{n} 行“{col}”不是有效金额").format(f=filename, n=bad.height, col=label))
            errors += [_("第 {line} 行 {col} 应为不小于 0 的金额").format(line=r[0], col=label)
                       for r in bad.select("line").head(MAX_REPORTED).iter_rows()]
    if errors:
        raise ListError(errors)
    if frame.height == 0:
        raise ListError([_("{f}：名单中没有数据行").format(f=filename)])
    keep = [c for c in frame.columns if not c.startswith("_")]
    return ReadList(frame=frame.select(keep), rows=frame.height, warnings=warnings)
