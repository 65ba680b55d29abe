"""Load region rows (代码, 名称, 上级代码) into the tree, idempotently, with per-row errors."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from fupin.core.changelog import Context, log_create, log_update, snapshot
from fupin.regions.models import CODE_LENGTHS, Region, level_for_code
from fupin.utils.text import fold


@dataclass
class RegionRow:
    line: int
    code: str
    name: str
    parent_code: str
    verified: bool = True


@dataclass
class RegionImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def _check(row: RegionRow, known: set[str]) -> str | None:
    level = level_for_code(row.code)
    if level is None:
        return _("第 {line} 行：代码 “{code}” 应为 6、9、12 或 15 位数字").format(line=row.line, code=row.code)
    if not row.name:
        return _("第 {line} 行：名称为空").format(line=row.line)
    if row.parent_code:
        if row.parent_code not in known:
            return _("第 {line} 行：上级代码 “{parent}” 不存在").format(line=row.line, parent=row.parent_code)
        if level >= 4 and not row.code.startswith(row.parent_code):
            return _("第 {line} 行：代码 {code} 不以上级代码 {parent} 开头").format(
                line=row.line, code=row.code, parent=row.parent_code
            )
    elif level > 1 and Region.get_root_nodes().exists():
        return _("第 {line} 行：缺少上级代码").format(line=row.line)
    if len(row.code) != CODE_LENGTHS[level]:
        return _("第 {line} 行：代码长度不符").format(line=row.line)
    return None


def regions_import(*, rows: list[RegionRow], ctx: Context) -> RegionImportResult:
    """Create or update regions. Parents come before children whatever the file order.

    All-or-nothing: a file with any row error changes nothing and lists every bad row.
    """
    result = RegionImportResult()
    rows = sorted(
        (RegionRow(r.line, fold(r.code), fold(r.name), fold(r.parent_code), r.verified) for r in rows),
        key=lambda r: (len(r.code), r.code),
    )
    existing = {r.code: r for r in Region.objects.all()}
    known = set(existing) | {r.code for r in rows}
    seen: set[str] = set()
    for row in rows:
        problem = _check(row, known)
        if problem is None and row.code in seen:
            problem = _("第 {line} 行：代码 {code} 重复").format(line=row.line, code=row.code)
        seen.add(row.code)
        if problem:
            result.errors.append(problem)
    if result.errors:
        return result

    with transaction.atomic():
        for row in rows:
            region = existing.get(row.code)
            if region is None:
                level = level_for_code(row.code)
                data = {"code": row.code, "name": row.name, "level": level, "verified": row.verified}
                if row.parent_code:
                    parent = existing[row.parent_code]
                    parent.refresh_from_db()
                    region = Region.objects.add_child(parent, data)
                else:
                    region = Region.objects.add_root(data)
                existing[row.code] = region
                log_create(ctx, region)
                result.created += 1
                continue
            before = snapshot(region)
            region.name, region.verified = row.name, row.verified
            if log_update(ctx, region, before):
                region.save(update_fields=["name", "verified"])
                result.updated += 1
            else:
                result.unchanged += 1
    return result
