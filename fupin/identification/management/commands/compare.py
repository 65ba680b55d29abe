"""`fupin compare PATH --kind KIND [--name NAME] [--region CODE]`: 大数据比对 from the terminal."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.core.choices import JobStatus
from fupin.core.jobs import TerminalProgress, execute
from fupin.core.models import Job
from fupin.identification.choices import ListKind
from fupin.identification.services.comparison import list_kind_parse
from fupin.identification.services.recheck import common_region
from fupin.regions.models import Region
from fupin.utils.masking import mask_id


class Command(BaseCommand):
    help = "部门名单比对：按证件号码与农户库比对（版式 6，.xlsx 或 .csv）"

    def add_arguments(self, parser) -> None:
        kinds = "、".join(f"{v}={label}" for v, label in ListKind.choices)
        parser.add_argument("path")
        parser.add_argument("--kind", required=True, help=f"名单类型（代码或名称）：{kinds}")
        parser.add_argument("--name", default="", help="名单名称（类型为 other 时必填）")
        parser.add_argument("--region", help="比对范围的区划代码（默认：包含全部建档立卡户的最小区域）")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args, **opts) -> None:
        path = Path(opts["path"])
        if not path.exists():
            raise CommandError(_("文件不存在：{path}").format(path=path))
        if not path.is_file():
            raise CommandError(_("不是文件：{path}（请给出一个 .xlsx 或 .csv 名单文件）").format(path=path))
        try:
            kind, name = list_kind_parse(opts["kind"], opts["name"])
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        if opts["region"]:
            region = Region.objects.filter(code=opts["region"]).first()
            if region is None:
                raise CommandError(_("区划代码 {code} 不存在").format(code=opts["region"]))
        else:
            region = common_region()
        job = Job.objects.create(
            kind="compare",
            params={
                "path": str(path.resolve()),
                "file_name": path.name,
                "region_id": region.pk,
                "kind": kind,
                "kind_name": name,
            },
        )
        job = execute(job, TerminalProgress(job, stream=self.stderr._out, enabled=not opts["no_progress"]))
        if job.status != JobStatus.DONE:
            raise CommandError((job.result or {}).get("error", _("比对失败")))
        r = job.result or {}
        self.stdout.write(
            _(
                "名单 #{pk}（{name}）：有效证件号码 {valid} 个，无效 {invalid} 个；命中 {matched} 人，"
                "未命中 {unmatched} 人；新线索 {findings} 条，应纳候选 {candidates} 户"
            ).format(
                pk=r["comparison_id"],
                name=name,
                valid=r["rows_valid"],
                invalid=r["invalid"],
                matched=r["matched"],
                unmatched=r["unmatched"],
                findings=r["findings"],
                candidates=r["candidates"],
            )
        )
        from fupin.identification.models import ComparisonList

        c = ComparisonList.objects.get(pk=r["comparison_id"])
        problems = c.problems
        if problems.get("upgraded"):
            self.stdout.write(_("  {n} 个 15 位证件号码已按国家标准升级为 18 位后比对").format(n=problems["upgraded"]))
        if c.duplicate_count:
            self.stdout.write(_("  重复的证件号码 {n} 行（每人只比对一次）").format(n=c.duplicate_count))
            for d in problems.get("duplicates", [])[:20]:
                self.stdout.write(
                    _("  证件号码“{id}”出现在第 {lines} 行").format(
                        id=mask_id(d["id"]), lines=_("、").join(map(str, d["lines"]))
                    )
                )
        for item in problems.get("invalid", [])[:20]:
            # Masked like every other list: an ID with a bad check digit is usually a typo of a real one.
            self.stdout.write(
                _("  第 {line} 行 证件号码“{value}”：{message}").format(**{**item, "value": mask_id(item["value"])})
            )
