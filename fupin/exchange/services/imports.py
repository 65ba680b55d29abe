"""Importing a workbook: read, validate every sheet, then load it all in one transaction.

The guarantees: a file with errors changes nothing (unless the caller asks to load the
valid households only); a load is one transaction, so a crash at any moment leaves the
database as it was; importing the same file twice equals importing it once; every created,
changed or ended row is logged with the import's batch id (the ImportBatch's id).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.accounts.scoping import scope_paths
from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource
from fupin.exchange import bulk
from fupin.exchange.changes import ChangeLog
from fupin.exchange.choices import BatchStatus
from fupin.exchange.context import ImportContext
from fupin.exchange.issues import INFO, WARNING, Issue, Issues
from fupin.exchange.models import ImportBatch
from fupin.exchange.reading import FileProblem, Grid, Table, fill_merged_down, read_grids, table_of
from fupin.exchange.regionindex import RegionIndex
from fupin.exchange.spec import Layout, known_names, layouts

IMPORT_PERM = "exchange.add_importbatch"


class _Rejected(Exception):
    """Raised inside the load transaction to roll it back when loading found new errors."""


@dataclass
class SheetResult:
    sheet: str
    layout: str
    title: str
    rows: int = 0
    skipped: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    rejected: int = 0  # households (or rows) not loaded because of errors


@dataclass
class ImportResult:
    batch_id: uuid.UUID
    status: str  # loaded | rejected | checked (a dry run or preview that could load)
    file_name: str
    year: int
    issues: Issues
    sheets: list[SheetResult] = field(default_factory=list)
    ended: list[tuple[str, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    region_ids: list[int] = field(default_factory=list)  # where the loaded households are

    @property
    def ok(self) -> bool:
        return self.status != BatchStatus.REJECTED

    def totals(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for s in self.sheets:
            for entity, counts in s.counts.items():
                agg = out.setdefault(entity, {})
                for k, v in counts.items():
                    agg[k] = agg.get(k, 0) + v
        return out

    @property
    def changes(self) -> int:
        """The records created, updated or ended, as `counts` lists them: the same for a
        preview (nothing written) and for the load of the same file. (It was the number of
        change-log rows written, so 0 in every preview, and a new household's members, logged
        nested in its row, were not counted.) A rejected file changes nothing."""
        if self.status == BatchStatus.REJECTED:
            return 0
        return sum(n for counts in self.totals().values() for k, n in counts.items() if k != "unchanged")

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "year": self.year,
            "file_name": self.file_name,
            "changes": self.changes,
            "sheets": [s.__dict__ for s in self.sheets],
            "counts": self.totals(),
            "ended": [{"code": c, "name": n} for c, n in self.ended[:200]],
            "ended_total": len(self.ended),
            "issues": self.issues.as_json(),
        }


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def recognise(tables: list[Table], issues: Issues) -> list[tuple[Layout, Table]]:
    """Which layout each sheet carries: by sheet name, else by its header.

    One sheet per layout: the one named for it is preferred, otherwise the one whose header
    names most of its columns (the first on a tie). Another sheet that merely looks like the
    same layout (a 汇总 sheet headed 乡(镇), 行政村, 户数 …) is skipped with a warning: read as
    a roster it rejected the whole workbook for the columns a summary never has."""
    candidates: list[tuple[Layout, Table, tuple[bool, int]]] = []
    all_layouts = layouts()
    for table in tables:
        by_name = [lay for lay in all_layouts if table.sheet.strip() in lay.sheet_names]
        scored = sorted(((lay.score(table.headers), lay) for lay in all_layouts), key=lambda s: -s[0])
        layout = (
            by_name[0] if by_name else (scored[0][1] if scored and scored[0][0] >= scored[0][1].min_match else None)
        )
        if layout is None or layout.read is None or layout.load is None:
            issues.add(
                Issue("ignored_column", _("未识别为任何台账格式，已跳过"), table.sheet, table.header_row, severity=INFO)
            )
            continue
        candidates.append((layout, table, (bool(by_name), layout.score(table.headers))))
    best: dict[str, tuple[Table, tuple[bool, int]]] = {}
    for layout, table, rank in candidates:
        if layout.key not in best or rank > best[layout.key][1]:
            best[layout.key] = (table, rank)
    found: list[tuple[Layout, Table]] = []
    for layout, table, _rank in candidates:
        kept = best[layout.key][0]
        if table is kept:
            found.append((layout, table))
            continue
        issues.add(
            Issue(
                "sheet_skipped",
                _("表头也像“{title}”，但已从工作表“{kept}”导入{title}，本工作表已跳过").format(
                    title=_(layout.title), kept=kept.sheet
                ),
                table.sheet,
                table.header_row,
                severity=WARNING,
            )
        )
    return sorted(found, key=lambda pair: pair[0].order)


def _scope_for(user: Any) -> list[str] | None:
    if user is None or getattr(user, "is_superuser", False):
        return None
    return scope_paths(user, IMPORT_PERM)


def import_file(
    *,
    path: Path,
    ctx: Context,
    year: int | None = None,
    dry_run: bool = False,
    valid_only: bool = False,
    scope_user: Any = None,
    progress: Any = None,
    batch: ImportBatch | None = None,
    file_name: str = "",
    job: Any = None,
) -> ImportResult:
    """Import `path` (layouts 1–5). `scope_user` restricts every household to that user's
    import scope (the web path); the CLI passes None. With `dry_run` nothing is written and
    the result says what would be created, updated, left unchanged and rejected."""
    path = Path(path)
    today = timezone.localdate()
    year = year or today.year
    batch_id = batch.id if batch is not None else uuid.uuid4()
    change = Context(
        actor=ctx.actor,
        source=ChangeSource.IMPORT,
        batch_id=batch_id,
        reason=ctx.reason or _("导入 {name}").format(name=(file_name or path.name))[:200],
    )
    issues = Issues()
    result = ImportResult(
        batch_id=batch_id, status=BatchStatus.REJECTED, file_name=file_name or path.name, year=year, issues=issues
    )
    _step(progress, _("读取文件"))
    try:
        grids = read_grids(path, file_name=file_name)
    except FileProblem as problem:
        issues.add(Issue("file", problem.message, result.file_name))
        return result
    known = known_names()
    pairs = [(g, t) for g in grids if (t := table_of(g, known)) is not None]
    for grid, table in pairs:
        table.frame = fill_merged_down(table, grid.merged)
        _merged_warnings(grid, table, issues)
    tables = [t for _g, t in pairs]
    if not tables:
        empty = all(
            g.frame.height == 0
            or g.frame.drop("_row").null_count().sum_horizontal().item() == g.frame.height * (g.frame.width - 1)
            for g in grids
        )
        issues.add(
            Issue(
                "file" if empty else "header",
                _("文件为空：没有任何数据行")
                if empty
                else _("前 10 行中找不到表头（至少应有 3 个可识别的列名，如 户编号、姓名、证件号码）"),
                grids[0].name if grids else result.file_name,
            )
        )
        return result
    result.tables = tables
    # The tables are slices of the grids: the grids themselves are not needed any more.
    del grids
    regions = RegionIndex()
    ictx = ImportContext(
        issues=issues,
        year=year,
        today=today,
        regions=regions,
        change=change,
        batch_id=batch_id,
        scope=_scope_for(scope_user),
        valid_only=valid_only,
        progress=progress,
    )
    prepared = []
    for layout, table in recognise(tables, issues):
        _step(progress, _("校验工作表“{sheet}”").format(sheet=table.sheet))
        assert layout.read is not None  # recognise() keeps layouts that can read
        data = layout.read(table, ictx, layout)
        sheet = SheetResult(sheet=table.sheet, layout=layout.key, title=layout.title)
        if data is not None:
            sheet.rows, sheet.skipped = data.rows, data.skipped
            prepared.append((layout, data, sheet))
        result.sheets.append(sheet)
    if not prepared and not issues.error_count:
        issues.add(Issue("header", _("文件中没有可导入的工作表"), result.file_name))
    # The sheets are not needed to load (the report re-reads the file): free them now.
    for table in tables:
        table.frame = table.frame.clear()
    if issues.fatal or not prepared:
        return result
    write = not dry_run
    log = ChangeLog(change, timezone.now())
    bulk.prepare_connection()
    finishing = []
    try:
        with transaction.atomic():
            for layout, data, sheet in prepared:
                _step(
                    progress,
                    _("比对并写入“{sheet}”").format(sheet=sheet.sheet)
                    if write
                    else _("比对“{sheet}”").format(sheet=sheet.sheet),
                )
                assert layout.load is not None  # recognise() keeps layouts that can load
                outcome = layout.load(data, ictx, log, write=write and (valid_only or not issues.error_count))
                sheet.counts, sheet.rejected = outcome["counts"], outcome["rejected"]
                result.ended.extend(outcome.get("ended", []))
                result.region_ids.extend(outcome.get("regions", []))
                if "finish" in outcome:
                    finishing.append((sheet, outcome["finish"]))
            # What a sheet can only settle once the whole workbook is in (a team's 队长 named
            # in the cadres sheet of the same file).
            for sheet, finish in finishing:
                sheet.rejected += finish()["rejected"]
            if issues.error_count and not valid_only:
                raise _Rejected
            if not write:
                # A dry run may have written rows of layouts 2–5 to check them: undo them all.
                result.status = "checked"
                raise _Rejected
            log.write(progress=_advance(progress))
            result.status = BatchStatus.LOADED
            _save_batch(batch, result, ctx, path, job, regions)
    except _Rejected:
        if result.status != "checked":
            result.status = BatchStatus.REJECTED
    return result


def _merged_warnings(grid: Grid, table: Table, issues: Issues) -> None:
    """A merged range among the data rows across columns keeps its value in its top-left cell
    only: the other cells read as blank, so say why before the errors about blank cells that
    follow. (A range down one column is filled in: fill_merged_down.)"""
    for (r0, c0), (r1, c1) in grid.merged:
        if r1 + 1 <= table.header_row or c0 == c1:  # a title or header, or filled down
            continue
        column = table.headers[c0] if c0 < len(table.headers) and table.headers[c0] else _column_letter(c0)
        issues.add(
            Issue(
                "merged",
                _(
                    "第 {first}–{last} 行、{left}–{right} 列是合并单元格：只有左上角一格有值，其余各格按空白读取；"
                    "请取消合并，并把值填入每一格"
                ).format(first=r0 + 1, last=r1 + 1, left=_column_letter(c0), right=_column_letter(c1)),
                table.sheet,
                r0 + 1,
                column,
                severity=WARNING,
            )
        )


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _step(progress: Any, message: str) -> None:
    if progress is not None:
        progress.step(message)


def _advance(progress: Any) -> Any:
    if progress is None:
        return None
    return progress.advance


def _save_batch(
    batch: ImportBatch | None, result: ImportResult, ctx: Context, path: Path, job: Any, regions: RegionIndex
) -> None:
    """Record the batch inside the load's transaction: a loaded import always has its batch,
    owned by the common region of its households (so that the district office sees it)."""
    batch = batch or ImportBatch(
        id=result.batch_id, file_name=result.file_name, sha256=file_sha256(path), year=result.year
    )
    if batch.region_id is None:
        batch.region_id = common_region(result.region_ids, regions)
    batch.actor = ctx.actor if ctx.actor is not None and ctx.actor.pk else batch.actor
    apply_result(batch, result)
    if job is not None:
        batch.job = job
    batch.save()


def apply_result(batch: ImportBatch, result: ImportResult) -> None:
    totals = result.totals().get("households", {})
    batch.year = result.year
    batch.status = result.status if result.status in BatchStatus.values else BatchStatus.PREVIEWED
    batch.households_created = totals.get("created", 0)
    batch.households_updated = totals.get("updated", 0)
    batch.households_unchanged = totals.get("unchanged", 0)
    batch.households_rejected = sum(s.rejected for s in result.sheets)
    batch.errors = result.issues.error_count
    batch.warnings = result.issues.warning_count
    batch.summary = result.as_json()
    if result.status in (BatchStatus.LOADED, BatchStatus.REJECTED):
        batch.finished = timezone.now()


def common_region(region_ids: list[int], regions: RegionIndex) -> int | None:
    paths = [regions.by_id[r].path for r in region_ids if r in regions.by_id]
    if not paths:
        return None
    prefix = paths[0]
    for p in paths[1:]:
        while not p.startswith(prefix):
            prefix = prefix[:-4]
    for node in regions.by_code.values():
        if node.path == prefix:
            return node.id
    return None
