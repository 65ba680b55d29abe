"""The text summary of an import, for the terminal and the job log."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fupin.exchange.choices import BatchStatus
from fupin.exchange.issues import INFO, WARNING

ENTITY_LABELS = {
    "households": "户",
    "members": "人员",
    "years": "年度信息",
    "cadres": "帮扶干部",
    "units": "联点单位",
    "teams": "驻村工作队",
    "pairings": "结对帮扶",
    "measures": "帮扶措施",
}
FIRST_ERRORS = 20


def count_line(entity: str, counts: dict[str, int]) -> str:
    parts = [
        _("新增 {n}").format(n=counts.get("created", 0)),
        _("更新 {n}").format(n=counts.get("updated", 0)),
        _("未变 {n}").format(n=counts.get("unchanged", 0)),
    ]
    if counts.get("ended"):
        parts.append(_("减少 {n}").format(n=counts["ended"]))
    return f"  {_(ENTITY_LABELS.get(entity, entity))}：" + "，".join(parts)


def summary_lines(result: Any) -> list[str]:
    lines: list[str] = []
    issues = result.issues
    loaded = result.status == BatchStatus.LOADED
    if result.status == BatchStatus.LOADED:
        lines.append(
            _("已导入 {name}（{year} 年度，批次 {batch}）").format(
                name=result.file_name, year=result.year, batch=result.batch_id
            )
        )
    elif result.status == BatchStatus.REJECTED:
        lines.append(_("文件 {name} 有错误，已拒绝，数据库未做任何修改。").format(name=result.file_name))
        if result.sheets:
            # The counts below are what the households without errors would do: without this
            # line "户：新增 2" under "已拒绝" reads as if they had been written.
            lines.append(_("以下数量是文件中没有错误的部分将做的修改，本次均未写入："))
    else:
        lines.append(_("检查完成（未写入）：{name}（{year} 年度）").format(name=result.file_name, year=result.year))
    for sheet in result.sheets:
        lines.append(
            _("工作表“{sheet}”（{title}）：读取 {rows} 行，跳过空行和合计行 {skipped} 行").format(
                sheet=sheet.sheet, title=sheet.title, rows=sheet.rows, skipped=sheet.skipped
            )
        )
        for entity, counts in sheet.counts.items():
            lines.append(count_line(entity, counts))
        if sheet.rejected:
            # layouts 2–5 reject rows, not households; a loaded file (--valid-only) left them out.
            if sheet.layout == "roster":
                text = _("  有错误、未导入的户：{n}") if loaded else _("  有错误的户：{n}")
            else:
                text = _("  有错误、未导入的行：{n}") if loaded else _("  有错误的行：{n}")
            lines.append(text.format(n=sheet.rejected))
    if result.ended:
        lines.append(
            (
                _("以下 {n} 名成员在重新导入的文件中已无记录，已按“其他转出”减少（未删除）：")
                if loaded
                else _("以下 {n} 名成员在文件中已无记录，导入时将按“其他转出”减少（未删除）：")
            ).format(n=len(result.ended))
        )
        for code, name in result.ended[:FIRST_ERRORS]:
            lines.append(f"  {code} {name}")
        if len(result.ended) > FIRST_ERRORS:
            lines.append("  …")
    if issues.error_count:
        lines.append(ngettext("错误共 {n} 处：", "错误共 {n} 处：", issues.error_count).format(n=issues.error_count))
        for _kind, label, n in issues.by_kind():
            lines.append(f"  {label}：{n}")
        shown = min(FIRST_ERRORS, issues.error_count)
        lines.append(ngettext("前 {n} 处错误：", "前 {n} 处错误：", shown).format(n=shown))
        for issue in issues.errors[:FIRST_ERRORS]:
            lines.append(f"  {issue}")
    if issues.warning_count:
        lines.append(
            ngettext("提醒共 {n} 处：", "提醒共 {n} 处：", issues.warning_count).format(n=issues.warning_count)
        )
        for issue in [i for i in issues.warnings if i.severity == WARNING][:FIRST_ERRORS]:
            lines.append(f"  {issue}")
    # Columns and sheets left out (SPEC: unknown columns are reported once as ignored): a
    # misspelt header would otherwise lose its column without a word.
    notes = [i for i in issues.items if i.severity == INFO]
    if notes:
        lines.append(_("说明："))
        for issue in notes[:FIRST_ERRORS]:
            lines.append(f"  {issue}")
    return lines
