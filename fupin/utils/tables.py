"""Read a small CSV (any encoding) or xlsx sheet into rows of strings keyed by header."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from charset_normalizer import from_bytes


def decode_bytes(data: bytes) -> str:
    """UTF-8 (with or without BOM) first; otherwise detect (GB18030/GBK in practice)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        best = from_bytes(data).best()
        if best is None:
            raise ValueError("unreadable text encoding") from None
        return str(best)


def read_rows(path: Path) -> list[list[str]]:
    """All rows as lists of strings (xlsx: the first sheet)."""
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(str(path))
        sheet = wb.get_sheet_by_index(0)
        return [["" if c is None else str(c).strip() for c in row] for row in sheet.to_python(skip_empty_area=False)]
    text = decode_bytes(path.read_bytes())
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
