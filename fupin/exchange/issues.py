"""Problems found in a file: every one named by sheet, Excel row, column header and value,
with what is expected. Counts are always complete; the kept details are capped per kind so
that a file with a million bad cells still reports quickly."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass

import polars as pl
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ERROR, WARNING, INFO = "error", "warning", "info"

KIND_LABELS = {
    "file": gettext_lazy("文件无法读取"),
    "header": gettext_lazy("找不到表头"),
    "missing_column": gettext_lazy("缺少必填列"),
    "required": gettext_lazy("必填项为空"),
    "code": gettext_lazy("选项不在代码表中"),
    "id_excel": gettext_lazy("证件号码被存成数字"),
    "id_number": gettext_lazy("证件号码无效"),
    "id_duplicate": gettext_lazy("证件号码在文件中重复"),
    "id_registered": gettext_lazy("证件号码已登记在其他户"),
    "date": gettext_lazy("日期无效"),
    "year": gettext_lazy("年度无效"),
    "number": gettext_lazy("数值无效"),
    "phone": gettext_lazy("电话号码无效"),
    "length": gettext_lazy("内容过长"),
    "region": gettext_lazy("区划不在区划树中"),
    "scope": gettext_lazy("超出本人管辖范围"),
    "disagree": gettext_lazy("同户各行的户信息不一致"),
    "head": gettext_lazy("户主人数不是一人"),
    "size": gettext_lazy("家庭人口数与人员行数不符"),
    "member_rule": gettext_lazy("成员信息前后矛盾"),
    "household_rule": gettext_lazy("户信息前后矛盾"),
    "reference": gettext_lazy("引用的户、人员或干部不存在"),
    "id_upgraded": gettext_lazy("15 位证件号码已升为 18 位"),
    "income": gettext_lazy("人均纯收入与计算值不符"),
    "repaired": gettext_lazy("已自动修正"),
    "ignored_column": gettext_lazy("未识别的列（已忽略）"),
    "skipped": gettext_lazy("已跳过的行"),
    "sheet_skipped": gettext_lazy("已跳过的工作表"),
    "merged": gettext_lazy("数据区有合并单元格"),
}

# A value quoted in a message is cut to this many characters: a cell of a megabyte of text
# must not make a megabyte-long message, page or report.
VALUE_SHOWN = 200


@dataclass
class Issue:
    kind: str
    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    severity: str = ERROR
    household: str = ""  # 户编号, so that --valid-only can drop the whole household

    def __post_init__(self) -> None:
        if self.value and len(self.value) > VALUE_SHOWN:
            self.value = _("{start}…（共 {n} 字）").format(start=self.value[:VALUE_SHOWN], n=len(self.value))

    def as_dict(self) -> dict:
        return asdict(self)

    def where(self) -> str:
        parts = []
        if self.sheet:
            parts.append(_("工作表“{sheet}”").format(sheet=self.sheet))
        if self.row:
            parts.append(_("第 {row} 行").format(row=self.row))
        if self.column:
            parts.append(_("“{column}”列").format(column=self.column))
        return " ".join(parts)

    def __str__(self) -> str:
        value = _("值“{value}”：").format(value=self.value) if self.value else ""
        return f"{self.where()} {value}{self.message}".strip()


IGNORED_SHOWN = 20  # column names listed in the note; the rest are counted


def ignored_columns(names: list[str], sheet: str, header_row: int) -> Issue:
    """The note naming the header's columns that no layout column matches (a sheet of 2,000
    stray columns names the first ones and counts the rest)."""
    shown = _("、").join(names[:IGNORED_SHOWN])
    if len(names) > IGNORED_SHOWN:
        shown = _("{names} 等 {n} 列").format(names=shown, n=len(names))
    message = _("未识别的列，已忽略：{names}").format(names=shown)
    return Issue("ignored_column", message, sheet, header_row, severity=INFO)


class Issues:
    """Collects issues; `cap` details per kind, complete counts, and every bad household."""

    def __init__(self, cap: int = 2000) -> None:
        self.cap = cap
        self.items: list[Issue] = []
        self.counts: Counter[tuple[str, str]] = Counter()  # (severity, kind) → n
        self.bad_households: set[str] = set()
        self.bad_rows: dict[str, set[int]] = {}  # sheet → Excel rows with errors (for --valid-only)
        self.fatal = False

    def add(self, issue: Issue) -> None:
        key = (issue.severity, issue.kind)
        self.counts[key] += 1
        if issue.severity == ERROR:
            if issue.household:
                self.bad_households.add(issue.household)
            if issue.row:
                self.bad_rows.setdefault(issue.sheet, set()).add(issue.row)
            if issue.kind in ("file", "header", "missing_column"):
                self.fatal = True
        if self.counts[key] <= self.cap:
            self.items.append(issue)

    def add_frame(
        self,
        frame: pl.DataFrame,
        *,
        kind: str,
        message: str,
        sheet: str,
        column: str = "",
        severity: str = ERROR,
        value: str = "value",
        household: str = "code",
    ) -> int:
        """One issue per row of `frame` (columns `_row`, `value`, optionally `code` and
        `message` for a per-row message). Returns the number of rows."""
        n = frame.height
        if n == 0:
            return 0
        if severity == ERROR and household in frame.columns:
            self.bad_households.update(v for v in frame[household].drop_nulls().to_list())
        if severity == ERROR:
            self.bad_rows.setdefault(sheet, set()).update(frame["_row"].to_list())
        key = (severity, kind)
        room = max(0, self.cap - self.counts[key])
        self.counts[key] += n
        if room:
            cols = [c for c in ("_row", value, household, "message") if c in frame.columns]
            for rec in frame.head(room).select(cols).iter_rows(named=True):
                self.items.append(
                    Issue(
                        kind=kind,
                        message=rec.get("message") or message,
                        sheet=sheet,
                        row=rec["_row"],
                        column=column,
                        value="" if rec.get(value) is None else str(rec.get(value)),
                        severity=severity,
                        household=rec.get(household) or "",
                    )
                )
        return n

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.items if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.items if i.severity != ERROR]

    @property
    def error_count(self) -> int:
        return sum(n for (sev, _k), n in self.counts.items() if sev == ERROR)

    @property
    def warning_count(self) -> int:
        return sum(n for (sev, _k), n in self.counts.items() if sev == WARNING)

    @property
    def note_count(self) -> int:
        return sum(n for (sev, _k), n in self.counts.items() if sev == INFO)

    def by_kind(self, severity: str = ERROR) -> list[tuple[str, str, int]]:
        """(kind, label, count) sorted by count, for the summary."""
        rows = [(k, str(KIND_LABELS.get(k, k)), n) for (sev, k), n in self.counts.items() if sev == severity]
        return sorted(rows, key=lambda r: -r[2])

    def as_json(self, limit: int = 200) -> dict:
        return {
            "errors": self.error_count,
            "warnings": self.warning_count,
            "by_kind": [{"kind": k, "label": label, "count": n} for k, label, n in self.by_kind(ERROR)],
            "warning_kinds": [{"kind": k, "label": label, "count": n} for k, label, n in self.by_kind(WARNING)],
            "first": [i.as_dict() for i in self.errors[:limit]],
            "first_warnings": [i.as_dict() for i in self.warnings[:limit]],
            # Notes (ignored columns, skipped sheets) apart, counted: many warnings must not
            # push them out of `first_warnings`, and the page heads them with their own count.
            "notes": self.note_count,
            "first_notes": [i.as_dict() for i in self.items if i.severity == INFO][:limit],
        }
