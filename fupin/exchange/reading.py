"""Read a workbook or CSV into grids of text, and find each sheet's header.

Every cell becomes text (or null) in a polars frame with columns `c0 … cN` and `_row`, the
row number as Excel shows it. Calamine reads .xlsx/.xls/.ods; CSV is decoded as UTF-8
(with or without BOM) or GB18030 and parsed by polars. A number that Excel stored as a
float is written back the way Excel displays it (`4.30405196503150E+17`), so that an ID
number that lost its digits is recognised downstream and never silently repaired.
"""

from __future__ import annotations

import codecs
import csv
import io
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from fupin.exchange.spec import match_key
from fupin.utils.deptlist import HEADER_SCAN, cell_text

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


class FileProblem(Exception):
    """The file as a whole cannot be read (not a spreadsheet, empty, unreadable)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Grid:
    """One sheet: every row as text, numbered as in Excel."""

    name: str
    frame: pl.DataFrame  # c0..cN (String) and _row (Int32)
    # Merged ranges as ((first row, first column), (last row, last column)), 0-based.
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


@dataclass
class Table:
    """A sheet whose header was found: data rows only, columns named by header position."""

    sheet: str
    header_row: int  # Excel row number of the (lower) header row
    headers: list[str]  # header text per column c0..cN, as the user wrote it
    frame: pl.DataFrame  # c0..cN and _row, data rows only


# ---------------------------------------------------------------------------------------
# Cells → text


def _cell_text(value: object) -> str | None:
    """A cell as text: numbers and dates as the department lists show them (a long integer
    the way Excel does, so that the ID check rejects it); a yes/no cell as 是/否; blank as
    null. Text is trimmed later, a whole column at once (_clean)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    return cell_text(value)


def _column_series(name: str, values: tuple) -> pl.Series:
    """One column of Python cells → a String series; pure-text columns skip Python work."""
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if kinds <= {str}:
        return pl.Series(name, values, dtype=pl.String).replace("", None)
    if kinds <= {float, int}:
        nums = pl.Series(name, values, dtype=pl.Float64, strict=False)
        whole = nums.round(0) == nums
        big = nums.abs() >= 1e15
        text = pl.select(
            pl.when(nums.is_null())
            .then(None)
            .when(whole & ~big)
            .then(nums.cast(pl.Int64, strict=False).cast(pl.String))
            .when(whole & big)
            .then(None)
            .otherwise(nums.cast(pl.String))
        ).to_series()
        if big.any():
            fixed = [_cell_text(v) if isinstance(v, float) and abs(v) >= 1e15 else None for v in values]
            text = pl.select(pl.coalesce(text, pl.Series(fixed, dtype=pl.String))).to_series()
        return text.rename(name)
    return pl.Series(name, [_cell_text(v) for v in values], dtype=pl.String)


def _rows_to_frame(rows: Sequence[Sequence[object]], first_row: int = 1) -> pl.DataFrame:
    width = max((len(r) for r in rows), default=0)
    if width == 0:
        return pl.DataFrame({"_row": pl.Series([], dtype=pl.Int32)})
    padded = (r if len(r) == width else [*r, *([None] * (width - len(r)))] for r in rows)
    columns = list(zip(*padded, strict=True))
    series = [_column_series(f"c{j}", col) for j, col in enumerate(columns)]
    frame = pl.DataFrame(series)
    return frame.with_columns(pl.int_range(first_row, first_row + frame.height, dtype=pl.Int32).alias("_row"))


# ---------------------------------------------------------------------------------------
# Files → grids


def _read_workbook(path: Path) -> list[Grid]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        grids = []
        for name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(name)
            grids.append(Grid(name=name, frame=_sheet_frame(sheet), merged=list(sheet.merged_cell_ranges or [])))
        return grids
    except FileProblem:
        raise
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise FileProblem(_damaged(path, exc)) from exc


def _damaged(path: Path, exc: Exception) -> str:
    """Why a workbook cannot be opened, in the user's words: a password, a zip that holds no
    workbook, or a damaged file; the library's own words follow in brackets for support."""
    with path.open("rb") as fh:
        head = fh.read(1 << 20)
    if head.startswith(OLE_MAGIC) and "EncryptedPackage".encode("utf-16-le") in head:
        return _("文件设有打开密码（已加密），无法读取：请在 Excel 中去掉密码后另存为 .xlsx 再导入")
    if head.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            names = set()
        if names and not (names & {"xl/workbook.xml", "content.xml"}) and "[Content_Types].xml" not in names:
            return _("文件是压缩包，但其中没有 Excel 工作簿：应为 .xlsx 工作簿或 CSV 文件")
    detail = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
    return _(
        "文件已损坏或不是有效的 Excel 工作簿（{error}）：请在 Excel 中打开并另存为 .xlsx 后再导入，或另存为 CSV"
    ).format(error=detail)


XLSX_BLOCK_ROWS = 20_000


def _sheet_frame(sheet: Any) -> pl.DataFrame:
    """A sheet's grid, its rows turned into columns a block at a time: a sheet of 200,000
    persons as Python cells (to_python) took about 1 GB on top of calamine's own copy, a
    block of rows takes a few MB. The grid is the one `to_python(skip_empty_area=False)` gives:
    iter_rows yields every row from the first but its cells from the sheet's first used
    column, so the columns left of it come back as empty cells."""
    if sheet.start is None:  # an empty sheet
        return _rows_to_frame([])
    pad = [""] * sheet.start[1]
    frames: list[pl.DataFrame] = []
    block: list[list[object]] = []
    first = 1
    for row in sheet.iter_rows():
        block.append(pad + row if pad else row)
        if len(block) >= XLSX_BLOCK_ROWS:
            frames.append(_clean(_rows_to_frame(block, first)))
            first += len(block)
            block = []
    if block or not frames:
        frames.append(_clean(_rows_to_frame(block, first)))
    del block
    if len(frames) == 1:
        return frames[0]
    width = max(f.width for f in frames) - 1
    # A block whose rows are all shorter lacks the last columns: they are empty cells there.
    return pl.concat(frames, how="diagonal", rechunk=False).select([*(f"c{j}" for j in range(width)), "_row"])


STRIP = " \t\r\n\u3000\u00a0"


def _clean(frame: pl.DataFrame) -> pl.DataFrame:
    """Every cell trimmed (ideographic spaces too); an empty cell is null. Done once, in place."""
    cols = [c for c in frame.columns if c != "_row"]
    return frame.with_columns([pl.col(c).str.strip_chars(STRIP).replace("", None) for c in cols])


def detect_encoding(head: bytes) -> str:
    """utf-8 (with or without BOM) when the head decodes as such, else gb18030."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def transcode(path: Path, encoding: str, target: Path) -> Path:
    """Re-encode a CSV to UTF-8 block by block (constant memory)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as src, target.open("wb") as dst:
        for block in iter(lambda: src.read(1 << 22), b""):
            dst.write(decoder.decode(block).encode("utf-8"))
        dst.write(decoder.decode(b"", final=True).encode("utf-8"))
    return target


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SEPARATORS = (",", "\t", ";")


def _normalised(path: Path, encoding: str, target: Path) -> Path:
    """A UTF-16 or CR-only CSV (Excel's "Unicode text", an old Mac export) as UTF-8 with
    \n line ends, block by block: what the reader below expects."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as src, target.open("wb") as dst:
        for block in iter(lambda: src.read(1 << 22), b""):
            text = decoder.decode(block).lstrip("\ufeff")
            dst.write(text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8"))
        dst.write(decoder.decode(b"", final=True).encode("utf-8"))
    return target


def _read_csv(path: Path, name: str) -> list[Grid]:
    with path.open("rb") as fh:
        head = fh.read(65536)
    utf16 = head.startswith(UTF16_BOMS)
    if utf16 or (b"\r" in head and b"\n" not in head):
        with tempfile.TemporaryDirectory() as tmp:
            try:
                source = _normalised(path, "utf-16" if utf16 else detect_encoding(head), Path(tmp) / "text.csv")
            except UnicodeDecodeError as exc:
                raise FileProblem(_("无法识别 CSV 文件的字符编码（应为 UTF-8 或 GBK/GB18030）")) from exc
            return _read_csv(source, name)
    if b"\x00" in head[:4096]:
        raise FileProblem(_("文件含有空字符（NUL），不是文本：应为 Excel 工作簿（.xlsx）或 UTF-8、GBK 编码的 CSV 文件"))
    encoding = detect_encoding(head)
    head_text = head.decode(encoding, errors="ignore").lstrip("\ufeff")
    # A comma-separated file first; a tab- or semicolon-separated one (Excel's "text" export,
    # a European locale) when only that separator yields a header.
    for separator in SEPARATORS:
        try:
            head_rows = list(csv.reader(io.StringIO(head_text), delimiter=separator))[: HEADER_SCAN + 2]
        except csv.Error as exc:
            raise FileProblem(
                _("CSV 文件无法解析（{error}）：应为逗号分隔、每行一条记录的文本").format(error=exc)
            ) from exc
        if find_header(head_rows) is not None:
            break
    else:
        separator = ","
        head_rows = list(csv.reader(io.StringIO(head_text)))[: HEADER_SCAN + 2]
    if not any(any(c.strip() for c in r) for r in head_rows):
        raise FileProblem(_("文件为空：没有任何数据行"))
    found = find_header(head_rows)
    skip = found[0] if found else 0
    compact = _compact_positions(head_rows, found)
    with tempfile.TemporaryDirectory() as tmp:
        source = path
        for attempt in (encoding, "gb18030", "detected"):
            if attempt == "detected":
                source = _transcode_detected(path, Path(tmp) / "utf8.csv")
            elif attempt != "utf-8":
                try:
                    source = transcode(path, attempt, Path(tmp) / "utf8.csv")
                except UnicodeDecodeError:
                    continue
            try:
                # Rows above the header (titles) have fewer fields: skip them as raw lines so
                # that they do not decide the number of columns.
                frame = _read_csv_blocks(Path(source), skip, compact, separator)
                break
            except UnicodeDecodeError:
                continue
            except pl.exceptions.ComputeError as exc:
                if "utf-8" not in str(exc).lower() and "utf8" not in str(exc).lower():
                    raise FileProblem(_csv_problem(exc)) from exc
            except pl.exceptions.PolarsError as exc:
                raise FileProblem(_csv_problem(exc)) from exc
        else:
            raise FileProblem(_("无法识别 CSV 文件的字符编码（应为 UTF-8 或 GBK/GB18030）"))
    frame = frame.with_columns(pl.int_range(skip + 1, skip + 1 + frame.height, dtype=pl.Int32).alias("_row"))
    return [Grid(name=name, frame=frame)]


def _csv_problem(exc: Exception) -> str:
    return _("CSV 文件无法解析（{error}）：应为逗号分隔、每行一条记录的文本").format(
        error=str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    )


BLOCK_BYTES = 32 * 1024 * 1024

# The CSV export goes through defusedcsv, which puts an apostrophe in front of a cell that a
# spreadsheet would run as a formula (one starting with = + - @ | or %) and escapes | as \|
# in it. Reading a CSV takes that mark off again, so that an export re-imports as the same
# text and changes nothing. A cell the user typed as `'=…` is read the same way: the
# apostrophe is what Excel itself uses to say "this is text", never part of the value.
DEFUSED = r"^'([=+\-@|%])"


def undefuse(cell: pl.Expr) -> pl.Expr:
    """A CSV cell without the defusing mark of the export (see DEFUSED)."""
    marked = cell.str.contains(DEFUSED)
    return (
        pl.when(marked).then(cell.str.replace(DEFUSED, "$1").str.replace_all(r"\|", "|", literal=True)).otherwise(cell)
    )


def _cut(data: bytes, quotes_before: int) -> int:
    """The end of the last complete CSV record in `data` (a newline outside quotes)."""
    pos = len(data)
    while True:
        pos = data.rfind(b"\n", 0, pos)
        if pos == -1:
            return 0
        if (quotes_before + data.count(b'"', 0, pos)) % 2 == 0:
            return pos + 1


def _read_csv_blocks(source: Path, skip: int, compact: set[int], separator: str = ",") -> pl.DataFrame:
    """Parse the CSV a block of records at a time, trimming every cell and turning
    low-cardinality columns into categoricals as each block comes: the whole file never sits
    in memory as text (nor as a memory map), which keeps a million-row import small."""
    frames: list[pl.DataFrame] = []
    schema: dict[str, Any] | None = None
    with source.open("rb") as fh:
        for _ in range(skip):
            fh.readline()
        carry = b""
        first = True
        while True:
            block = fh.read(BLOCK_BYTES)
            data = carry + block
            if not data:
                break
            cut = len(data) if not block else _cut(data, 0)
            if cut == 0:
                carry = data
                continue
            part, carry = data[:cut], data[cut:]
            if first and part.startswith(b"\xef\xbb\xbf"):
                part = part[3:]
            first = False
            part.decode("utf-8")  # raises UnicodeDecodeError: the caller transcodes
            if schema is None:
                raw = pl.read_csv(
                    part, has_header=False, infer_schema=False, truncate_ragged_lines=True, separator=separator
                )
                schema = {f"c{j}": pl.String for j in range(raw.width)}
                raw.columns = list(schema)
            else:
                raw = pl.read_csv(
                    part, has_header=False, schema=schema, truncate_ragged_lines=True, separator=separator
                )
            text = raw.select([pl.col(c).str.strip_chars(STRIP).replace("", None) for c in raw.columns])
            del raw, part
            # Only the few columns that hold a marked cell pay for the regular expressions.
            marked = [c for c in text.columns if text[c].str.starts_with("'").any()]
            if marked:
                text = text.with_columns([undefuse(pl.col(c)) for c in marked])
            frames.append(
                text.select(
                    [
                        (pl.col(c).cast(pl.Categorical) if j in compact else pl.col(c))
                        for j, c in enumerate(text.columns)
                    ]
                )
            )
            del text
            if not block:
                break
    if not frames:
        return pl.DataFrame()
    return pl.concat(frames, rechunk=False)


def _compact_positions(rows: Sequence[Sequence[str]], found: tuple[int, int] | None) -> set[int]:
    if found is None:
        return set()
    from fupin.exchange.spec import compact_names

    index, height = found
    cells = rows[index] if height == 1 else combine(rows[index], rows[index + 1])
    names = compact_names()
    return {j for j, c in enumerate(cells) if c and match_key(c) in names}


def _transcode_detected(path: Path, target: Path) -> Path:
    from fupin.utils.tables import decode_bytes

    try:
        target.write_text(decode_bytes(path.read_bytes()), encoding="utf-8")
    except ValueError as exc:
        raise FileProblem(_("无法识别 CSV 文件的字符编码（应为 UTF-8 或 GBK/GB18030）")) from exc
    return target


def read_grids(path: Path, *, file_name: str = "") -> list[Grid]:
    """Every sheet of a workbook, or the one table of a CSV.

    A CSV's one sheet is named after `file_name`, the name the user gave the file, when
    known: the stored upload may have been renamed (`bad_AbC123x.csv`) and errors must name
    the sheet the user knows."""
    path = Path(path)
    if not path.exists():
        raise FileProblem(_("文件不存在：{path}").format(path=path))
    if not path.is_file():
        raise FileProblem(_("{path} 不是文件（是文件夹）：应为 .xlsx 工作簿或 CSV 文件").format(path=path))
    if path.stat().st_size == 0:
        raise FileProblem(_("文件为空：没有任何数据行"))
    with path.open("rb") as fh:
        magic = fh.read(8)
    suffix = path.suffix.lower()
    if magic.startswith(ZIP_MAGIC) or magic.startswith(OLE_MAGIC) or suffix in SPREADSHEET_SUFFIXES:
        if not (magic.startswith(ZIP_MAGIC) or magic.startswith(OLE_MAGIC)):
            raise FileProblem(_("文件扩展名为 {suffix}，但内容不是 Excel 工作簿").format(suffix=suffix))
        return _read_workbook(path)
    return _read_csv(path, Path(file_name).stem if file_name else path.stem)


# ---------------------------------------------------------------------------------------
# Header detection


def _known(cells: Sequence[str | None], known: set[str]) -> int:
    return sum(1 for c in cells if c and match_key(c) in known)


def find_header(rows: Sequence[Sequence[str | None]], known: set[str] | None = None) -> tuple[int, int] | None:
    """(index of the first header row, number of header rows: 1 or 2), or None.

    The header is the first row among the first 10 holding at least three known column
    names. A two-row header (an upper row grouping columns with merged cells) is read by
    its lower row, with the upper row's text kept where the lower cell is empty (a cell
    merged down over both rows)."""
    if known is None:
        from fupin.exchange.spec import known_names

        known = known_names()
    for i, row in enumerate(rows[:HEADER_SCAN]):
        if _known(row, known) < 3:
            continue
        if i + 1 < len(rows):
            lower = rows[i + 1]
            combined = combine(row, lower)
            if _known(combined, known) > _known(row, known) and _known(lower, known) >= 1:
                return i, 2
        return i, 1
    return None


def combine(upper: Sequence[str | None], lower: Sequence[str | None]) -> list[str | None]:
    width = max(len(upper), len(lower))
    up = [*upper, *([None] * (width - len(upper)))]
    low = [*lower, *([None] * (width - len(lower)))]
    return [lo if lo not in (None, "") else u for u, lo in zip(up, low, strict=True)]


def fill_merged_down(table: Table, merged: list[tuple[tuple[int, int], tuple[int, int]]]) -> pl.DataFrame:
    """The data with every range merged down one column filled with its top cell's value.
    Ledgers often merge the household's cells (户编号, 户主姓名, 家庭人口数 …) over the rows
    of its members; Excel keeps the value in the top cell only and the others read as blank.
    Set-based: the rows below each range's top are joined to the top's value, column by
    column, however many households the sheet merges."""
    spans = [(c0, r0 + 1, r1 + 1) for (r0, c0), (r1, c1) in merged if c0 == c1 and r1 > r0 and r0 >= table.header_row]
    frame = table.frame
    if not spans:
        return frame
    ranges = pl.DataFrame(spans, schema={"col": pl.Int64, "top": pl.Int32, "last": pl.Int32}, orient="row")
    below = ranges.with_columns(pl.int_ranges(pl.col("top") + 1, pl.col("last") + 1, dtype=pl.Int32).alias("_row"))
    below = below.explode("_row").select("col", "top", "_row")
    for (col,), rows in below.group_by("col"):
        name = f"c{col}"
        if name not in frame.columns:
            continue
        tops = frame.select(pl.col("_row").alias("top"), pl.col(name).alias("_top"))
        fill = rows.join(tops, on="top", how="inner").select("_row", "_top")
        frame = (
            frame.join(fill, on="_row", how="left", maintain_order="left")
            .with_columns(pl.coalesce("_top", name).alias(name))
            .drop("_top")
        )
    return frame


def table_of(grid: Grid, known: set[str] | None = None) -> Table | None:
    """The grid's header and data rows, or None when no header is found."""
    columns = [c for c in grid.frame.columns if c != "_row"]
    top = grid.frame.head(HEADER_SCAN + 1).select(columns).rows()
    found = find_header([list(r) for r in top], known)
    if found is None:
        return None
    index, height = found
    cells = list(top[index]) if height == 1 else combine(list(top[index]), list(top[index + 1]))
    headers = [("" if c is None else str(c).strip()) for c in cells]
    first_data = index + height
    data = grid.frame.slice(first_data)
    header_row = grid.frame["_row"][index + height - 1]
    return Table(sheet=grid.name, header_row=int(header_row), headers=headers, frame=data)
