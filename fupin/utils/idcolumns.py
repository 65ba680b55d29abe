"""GB 11643 ID numbers in polars columns: `fupin.utils.idno` for a whole column at once.

One implementation for every bulk reader: the roster import (fupin.exchange.parsing) and
the department lists (fupin.utils.deptlist). Each reader keeps its own wording and its own
treatment of a bad number; what a number normalises to, how a 15-digit number is upgraded
and what makes a number valid are decided here.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from fupin.utils import idno

EARLIEST_BIRTH = dt.date(1880, 1, 1)
_FULLWIDTH_FROM = list("０１２３４５６７８９ｘＸ　")
_FULLWIDTH_TO = [*"0123456789xX", ""]


def normalised_ids(e: pl.Expr, *, also: str = "") -> pl.Expr:
    """Full-width digits and x, spaces (also 　) and the quote Excel puts before text removed,
    upper case — idno.normalize in columns; `also`: more characters to remove. A null stays
    null."""
    drop = "[\\s'‘’" + re.escape(also) + "]"
    return e.str.replace_many(_FULLWIDTH_FROM, _FULLWIDTH_TO).str.replace_all(drop, "").str.to_uppercase()


def is_fifteen(e: pl.Expr) -> pl.Expr:
    return e.str.contains(r"^\d{15}$")


def check_chars(e: pl.Expr) -> pl.Expr:
    """The check character of the first 17 characters of each value (idno.check_char)."""
    total = pl.sum_horizontal(
        [e.str.slice(i, 1).cast(pl.Int64, strict=False).fill_null(0) * w for i, w in enumerate(idno.WEIGHTS)]
    )
    return (total % 11).replace_strict(list(range(11)), list(idno.CHECK_CHARS), return_dtype=pl.String)


def upgraded_ids(e: pl.Expr) -> pl.Expr:
    """A first-generation 15-digit number with '19' inserted and its check character added
    (idno.upgrade_15 in columns); any other value as it is."""
    first17 = e.str.slice(0, 6) + pl.lit("19") + e.str.slice(6, 9)
    return pl.when(is_fifteen(e)).then(first17 + check_chars(first17)).otherwise(e)


def well_formed(e: pl.Expr) -> pl.Expr:
    return e.str.contains(r"^\d{17}[\dX]$")


def born_in_range(e: pl.Expr, today: dt.date | None = None) -> pl.Expr:
    """The embedded birth date is a real date, not after `today` nor before 1880."""
    born = e.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    return born.is_not_null() & (born <= pl.lit(today or dt.date.today())) & (born >= pl.lit(EARLIEST_BIRTH))


def valid_ids(e: pl.Expr, today: dt.date | None = None) -> pl.Expr:
    """GB 11643 in columns: shape, a real birth date not in the future, the check character."""
    return (well_formed(e) & born_in_range(e, today) & (e.str.slice(17, 1) == check_chars(e))).fill_null(False)
