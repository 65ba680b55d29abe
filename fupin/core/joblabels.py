"""What a person reads on the job pages: the kind of a job, and its parameters and results as
a labelled list, in the reader's language (labels are lazy and resolved at display time;
the stored job keeps codes and raw keys).

An app names its kind where it registers the runner (`@runner("kind", label=_("…"))`); the
kinds below were registered before runners carried labels, and are named here.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

JOB_KIND_LABELS: dict[str, Any] = {
    "compare": _("名单比对"),
    "recheck": _("全面复核"),
    "monitor": _("防返贫筛查"),
    "exchange.preview": _("导入预检"),
    "exchange.import": _("导入入库"),
    "exchange.export": _("导出人员明细"),
    "reports.ledger": _("导出台账"),
    "reports.handbook": _("扶贫手册"),
    "reports.audit": _("数据质量检查"),
}

# Keys of job parameters and results, whatever the job (the same word means the same thing).
FIELD_LABELS: dict[str, Any] = {
    "alerts": _("新增预警"),
    "assessed": _("已评估户数"),
    "attached": _("并入已有预警"),
    "audit_run": _("检查编号"),
    "batch": _("导入批次"),
    "candidates": _("疑似对象"),
    "comparison_id": _("比对编号"),
    "duplicates": _("重复"),
    "error": _("错误"),
    "errors": _("错误数"),
    "file": _("文件"),
    "file_name": _("文件名"),
    "findings": _("发现问题"),
    "flagged": _("有问题的户数"),
    "format": _("格式"),
    "households": _("户数"),
    "id": _("编号"),
    "income": _("收入比对"),
    "invalid": _("无效行数"),
    "kind": _("类别"),
    "kind_name": _("名称"),
    "list_findings": _("名单比对发现"),
    "lists": _("部门名单"),
    "matched": _("匹配人数"),
    "matched_persons": _("匹配人数"),
    "no_policy": _("无适用政策"),
    "open": _("未处理预警"),
    "overdue": _("超期预警"),
    "path": _("服务器文件"),
    "query": _("筛选条件"),
    "recheck_id": _("复核编号"),
    "region_id": _("区域"),
    "rows": _("行数"),
    "rows_valid": _("有效行数"),
    "rule_findings": _("规则发现"),
    "score": _("得分"),
    "status": _("状态"),
    "timings": _("耗时(秒)"),
    "title": _("标题"),
    "totals": _("合计"),
    "unmatched": _("未匹配人数"),
    "valid_only": _("只导入无错的行"),
    "year": _("年度"),
}


def register_kind(kind: str, label: Any) -> None:
    JOB_KIND_LABELS[kind] = label


def kind_label(kind: str) -> Any:
    """The reader's name for a job kind (an unknown kind shows as its code)."""
    return JOB_KIND_LABELS.get(kind, kind)


def field_label(key: str) -> Any:
    return FIELD_LABELS.get(key, key)


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _region_names(data: dict[str, Any]) -> dict[int, str]:
    """Names of the regions a parameter set refers to (one query, none without a region)."""
    from django.apps import apps

    ids = [v for k, v in data.items() if k == "region_id" and isinstance(v, int)]
    if not ids:
        return {}
    return dict(apps.get_model("regions", "Region").objects.filter(pk__in=ids).values_list("pk", "name"))


def labelled_items(data: Any) -> list[dict[str, Any]]:
    """A job's JSON parameters or result as rows a person reads, each with its label: a value,
    a small table of label → value, a bullet list, a table of records (one row each), or
    (deeper structures) indented JSON."""
    if data in (None, "", {}, []):
        return []
    if not isinstance(data, dict):
        data = {"": data}
    regions = _region_names(data)
    rows = []
    for key, value in data.items():
        key = str(key)
        row: dict[str, Any] = {"key": key, "label": field_label(key) if key else "", "value": value}
        if key == "region_id" and value in regions:
            row["kind"], row["value"] = "scalar", regions[value]
        elif _scalar(value):
            row["kind"] = "scalar"
        elif isinstance(value, dict) and all(_scalar(v) or isinstance(v, list) for v in value.values()):
            row["kind"] = "pairs"
            row["value"] = [
                (field_label(str(k)), v if _scalar(v) else "、".join(str(x) for x in v)) for k, v in value.items()
            ]
        elif isinstance(value, list) and all(_scalar(v) for v in value):
            row["kind"] = "items"
        elif isinstance(value, list) and all(isinstance(v, dict) and all(map(_scalar, v.values())) for v in value):
            keys = list(dict.fromkeys(k for v in value for k in v))
            row["kind"] = "records"
            row["value"] = {
                "head": [field_label(str(k)) for k in keys],
                "rows": [[v.get(k) for k in keys] for v in value],
            }
        else:
            row["kind"] = "json"
        rows.append(row)
    return rows
