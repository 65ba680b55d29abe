"""Column-wise parsers: a text column in, a typed column and the rows that failed out.

Everything runs on whole columns in polars. Where a value needs Python (a date in one of
five spellings, a code label), only the column's distinct values go through Python and the
result is mapped back with `replace_strict`, so a million rows cost a few thousand calls.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import partial
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from fupin.exchange import codes
from fupin.exchange.spec import AREA, CODE, CODES, DATE, IDNO, INT, MONEY, PHONE, TEXT, YEAR, YESNO, Column
from fupin.utils import idcolumns, idno
from fupin.utils.text import fold

EXCEL_EPOCH = dt.date(1899, 12, 30)
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m-%d %H:%M:%S")


def as_text(s: pl.Series) -> pl.Series:
    return s.cast(pl.String) if s.dtype == pl.Categorical else s


def map_unique(s: pl.Series, fn: Callable[[str], Any], dtype: Any) -> pl.Series:
    """Apply `fn` to each distinct non-null value and map the column through the results."""
    s = as_text(s)
    uniq = s.drop_nulls().unique().to_list()
    if not uniq:
        return pl.Series(s.name, [None] * len(s), dtype=dtype)
    mapping = {v: fn(v) for v in uniq}
    return s.replace_strict(mapping, default=None, return_dtype=dtype)


def clean_text(s: pl.Series) -> pl.Series:
    """Trim spaces (including the ideographic one); an empty cell is null."""
    out = s.str.strip_chars(" \t\r\n\u3000\u00a0")
    return out.replace("", None)


# ----------------------------------------------------------------------------- scalars


def parse_date(text: str) -> dt.date | None:
    value = fold(text).rstrip(".")
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    if re.fullmatch(r"\d{1,5}(\.\d+)?", value):  # an Excel date serial
        serial = float(value)
        if 1 <= serial < 2958466:
            return EXCEL_EPOCH + dt.timedelta(days=int(serial))
    return None


def parse_year(text: str) -> int | None:
    value = fold(text)
    m = re.fullmatch(r"(\d{4})(年(度)?)?", value) or re.fullmatch(r"(\d{4})[-/.年]\d{1,2}.*", value)
    if m:
        year = int(m.group(1))
        return year if 1949 <= year <= 2100 else None
    return None


def parse_cents(text: str) -> int | None:
    """'1,234.5元' → 123450 (cents), None when not a number with at most 2 decimals."""
    value = re.sub(r"[\s,，元¥￥]", "", fold(text))
    if not value:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return None
    if not amount.is_finite():
        return None
    # Computed cells (=A1/3) carry long fractions: money is kept to the cent.
    cents = int((amount * 100).to_integral_value(ROUND_HALF_UP))
    return cents if abs(cents) < 10**12 else None


def parse_int(text: str) -> int | None:
    value = fold(text).removesuffix("人").removesuffix("个月").removesuffix("月")
    if re.fullmatch(r"-?\d+(\.0+)?", value):
        return int(float(value))
    return None


_PLAIN_AMOUNT = r"^-?[0-9]{1,10}(\.[0-9]{0,2})?$"  # ASCII digits: \d is Unicode in polars


def cents_column(s: pl.Series) -> pl.Series:
    """`parse_cents` over a column: plain amounts (`1234`, `-5.5`, `16756.00`, the bulk of
    any ledger) are converted column-wise; only the other spellings (full-width digits,
    thousands separators, 元, long fractions) go through Python, once per distinct value."""
    s = as_text(s)
    plain = s.str.contains(_PLAIN_AMOUNT).fill_null(False)
    frame = pl.DataFrame({"s": s, "plain": plain})
    whole = pl.col("s").str.extract(r"^-?([0-9]+)", 1).cast(pl.Int64, strict=False)
    frac = pl.col("s").str.extract(r"\.([0-9]{1,2})$", 1).str.pad_end(2, "0").cast(pl.Int64, strict=False).fill_null(0)
    magnitude = whole * 100 + frac
    fast = pl.when(pl.col("plain")).then(
        pl.when(pl.col("s").str.starts_with("-")).then(-magnitude).otherwise(magnitude)
    )
    out = frame.select(fast.alias(s.name)).to_series()
    if bool((~plain & s.is_not_null()).any()):
        rest = map_unique(s.filter(~plain), parse_cents, pl.Int64)
        out = out.scatter((~plain).arg_true(), rest)
    return out


# ----------------------------------------------------------------------------- columns


class Parsed:
    """A parsed column: its values, and the rows (mask) whose text could not be read."""

    def __init__(self, values: pl.Series, bad: pl.Series, kind: str, message: str) -> None:
        self.values, self.bad, self.kind, self.message = values, bad, kind, message


def parse_column(s: pl.Series, col: Column) -> Parsed:
    """Parse one cleaned text column by its kind."""
    if col.kind in (TEXT, PHONE):
        s = as_text(s)
    present = s.is_not_null()
    name = col.key
    if col.kind == TEXT:
        values = s
        if col.max_length:
            too_long = present & (s.str.len_chars() > col.max_length)
            return Parsed(values, too_long, "length", _("最多 {n} 个字").format(n=col.max_length))
        return Parsed(values, pl.Series(name, [False] * len(s)), "", "")
    if col.kind == CODE:
        values = map_unique(s, partial(codes.to_code, col.codes), pl.String)
        return Parsed(
            values,
            present & values.is_null(),
            "code",
            _("应为以下之一：{values}").format(values=codes.expected(col.codes)),
        )
    if col.kind == CODES:
        values = map_unique(s, lambda v: codes.to_codes(col.codes, v), pl.String)
        return Parsed(
            values,
            present & values.is_null(),
            "code",
            _("应为以下一项或几项（用逗号分隔）：{values}").format(values=codes.expected(col.codes)),
        )
    if col.kind == YESNO:
        values = map_unique(s, codes.to_bool, pl.Boolean)
        return Parsed(values, present & values.is_null(), "code", _("应为 是/否（也可写 1/0、Y/N、√/×）"))
    if col.kind == YEAR:
        values = map_unique(s, parse_year, pl.Int32)
        return Parsed(values, present & values.is_null(), "year", _("应为四位年份，如 2017 或 2017年"))
    if col.kind == INT:
        values = map_unique(s, parse_int, pl.Int64)
        return Parsed(values, present & values.is_null(), "number", _("应为整数"))
    if col.kind in (MONEY, AREA):
        values = cents_column(s)
        bad = present & values.is_null()
        if col.kind == AREA:
            bad = bad | (values < 0).fill_null(False)
            return Parsed(values, bad, "number", _("应为不小于 0 的数值，最多两位小数"))
        return Parsed(values, bad, "number", _("应为金额（元），最多两位小数，可带“元”和千位分隔符"))
    if col.kind == DATE:
        values = map_unique(s, parse_date, pl.Date)
        return Parsed(
            values,
            present & values.is_null(),
            "date",
            _("应为日期，如 2017-12-21、2017/12/21、2017年12月21日 或 20171221"),
        )
    if col.kind == PHONE:
        values = s.str.replace_all(r"[\s\-]", "")
        bad = present & ~values.str.contains(r"^1\d{10}$").fill_null(False)
        return Parsed(values, bad, "phone", _("应为 11 位手机号码"))
    if col.kind == IDNO:
        raise ValueError("ID numbers are parsed by parse_ids")
    raise ValueError(col.kind)


# ----------------------------------------------------------------------------- ID numbers


def parse_ids(s: pl.Series, *, today: dt.date | None = None) -> pl.DataFrame:
    """Normalise and validate resident ID numbers, column-wise (fupin.utils.idcolumns).

    Returns columns `id` (normalised, a 15-digit number upgraded to 18), `upgraded` (bool)
    and `problem` (null when valid, else one of excel/length/chars/date/check)."""
    today = today or dt.date.today()
    frame = pl.DataFrame({"raw": s})
    # The roster has always also dropped a backtick, which the department lists keep.
    norm = idcolumns.normalised_ids(pl.col("raw"), also="`")
    frame = frame.with_columns(norm.alias("id"))
    fifteen = idcolumns.is_fifteen(pl.col("id")).fill_null(False)
    frame = frame.with_columns(idcolumns.upgraded_ids(pl.col("id")).alias("id"), fifteen.alias("upgraded"))
    problem = (
        pl.when(pl.col("id").is_null())
        .then(None)
        .when(pl.col("id").str.contains(r"^\d(\.\d+)?E\+?\d+$"))
        .then(pl.lit("excel"))
        .when(pl.col("id").str.len_chars() != 18)
        .then(pl.lit("length"))
        .when(~idcolumns.well_formed(pl.col("id")).fill_null(False))
        .then(pl.lit("chars"))
        .when(~idcolumns.born_in_range(pl.col("id"), today))
        .then(pl.lit("date"))
        .when(idcolumns.check_chars(pl.col("id")) != pl.col("id").str.slice(17, 1))
        .then(pl.lit("check"))
        .otherwise(None)
    )
    return frame.with_columns(problem.alias("problem")).select("id", "upgraded", "problem")


def id_message(number: str, *, today: dt.date | None = None) -> str:
    """Why one bad number is bad, in the user's language (only called for the rows reported).

    The reason and its wording are utils.idno's, the same as forms and the API show: its
    template is marked with gettext_noop and translated here, its values filled in after. The
    issue carrying the message adds the sheet, row and column.
    """
    found = idno.problem(number, today=today)
    return _(found.template).format(**found.params) if found is not None else ""
