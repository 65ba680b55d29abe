"""`fupin import PATH [--year Y] [--dry-run] [--valid-only] [--report OUT.xlsx]`."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource
from fupin.core.jobs import TerminalProgress
from fupin.core.models import Job
from fupin.exchange.choices import BatchStatus
from fupin.exchange.report import write_report
from fupin.exchange.services.imports import import_file
from fupin.exchange.services.summary import summary_lines


class Command(BaseCommand):
    help = "导入人员明细等台账（.xlsx / .csv，格式见 SPEC/exchange.md 版式 1–5）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("path")
        parser.add_argument("--year", type=int, help="台账所属年度（默认今年）")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告将新增、更新和拒绝的数量，不写入")
        parser.add_argument("--valid-only", action="store_true", help="只导入没有错误的户，其余写入报告")
        parser.add_argument("--report", help="把完整的错误报告写入此 xlsx 文件")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args, **opts) -> None:
        path = Path(opts["path"])
        if not path.exists():
            raise CommandError(_("文件不存在：{path}").format(path=path))
        if not path.is_file():
            raise CommandError(_("{path} 不是文件（是文件夹）：应为 .xlsx 工作簿或 CSV 文件").format(path=path))
        # Checked before importing: a bad --report path must not fail after the data has been written.
        if opts["report"] and not Path(opts["report"]).parent.is_dir():
            raise CommandError(_("目录不存在：{path}").format(path=Path(opts["report"]).parent))
        # The bar counts the records written (households, members and years), not file rows.
        progress = TerminalProgress(
            Job(kind="exchange.import"), stream=self.stderr._out, enabled=not opts["no_progress"], unit=_("条记录")
        )
        ctx = Context(actor=None, source=ChangeSource.IMPORT)
        try:
            result = import_file(
                path=path,
                ctx=ctx,
                year=opts["year"],
                dry_run=opts["dry_run"],
                valid_only=opts["valid_only"],
                progress=progress,
            )
        finally:
            progress.close()
        for line in summary_lines(result):
            self.stdout.write(line)
        if opts["report"]:
            write_report(Path(opts["report"]), issues=result.issues, source=path, file_name=result.file_name)
            self.stdout.write(_("完整报告：{path}").format(path=opts["report"]))
        if result.status == BatchStatus.REJECTED:
            sys.exit(1)
