"""`fupin findings export PATH [--region CODE] [--status open] [--kind KIND …]`: the
verification list (核查清单) from the terminal, for the server operator (unscoped; ID numbers
masked as on every printed list). In the exchange, where the writers live, beside `export`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.exchange.cli import export_target
from fupin.exchange.services.findings import findings_export, findings_filter_all, findings_title
from fupin.identification.choices import FindingKind, FindingStatus


class Command(BaseCommand):
    help = "核查线索：export 导出核查清单（.xlsx 或 .csv，由扩展名决定）"

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="导出核查清单")
        export.add_argument("path")
        export.add_argument("--region", help="区划代码：只导出该区域（含下级）")
        export.add_argument("--status", default=FindingStatus.OPEN, choices=[*FindingStatus.values, "all"])
        export.add_argument("--kind", action="append", choices=FindingKind.values, help="线索类型，可重复")

    def handle(self, *args, **opts) -> None:
        path, region = export_target(opts["path"], opts["region"])
        findings = findings_filter_all(region=region, status=opts["status"], kinds=opts["kind"])
        fmt = "csv" if path.suffix.lower() == ".csv" else "xlsx"
        try:
            n = findings_export(path, findings=findings, fmt=fmt, title=findings_title(user=None, region=region))
        except OSError as exc:
            raise CommandError(_("无法写入 {path}：{error}").format(path=path, error=exc.strerror or exc)) from exc
        self.stdout.write(_("已导出 {n} 行到 {path}").format(n=n, path=path))
