"""`fupin export PATH --layout roster|cadres|teams|pairings|measures [--region CODE] [--year Y]`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.exchange.choices import ExportLayout
from fupin.exchange.cli import export_target
from fupin.exchange.services.exports import export_layout
from fupin.regions.models import Region
from fupin.registry.models import HouseholdYear


class Command(BaseCommand):
    help = "按台账版式导出（.xlsx 或 .csv，由扩展名决定）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("path")
        parser.add_argument("--layout", default="roster", choices=ExportLayout.values)
        parser.add_argument("--region", help="区划代码：只导出该区域（含下级）")
        parser.add_argument("--year", type=int, help="收入和生产生活条件的年度（默认最近一年）")

    def handle(self, *args, **opts) -> None:
        path, region = export_target(opts["path"], opts["region"])
        try:
            n = export_layout(path, layout_key=opts["layout"], region=region, year=opts["year"])
        except ValueError as exc:
            raise CommandError(_("版式 {layout} 尚不能导出").format(layout=exc)) from exc
        except OSError as exc:
            raise CommandError(_("无法写入 {path}：{error}").format(path=path, error=exc.strerror or exc)) from exc
        self.stdout.write(_("已导出 {n} 行到 {path}").format(n=n, path=path))
        if opts["year"] and opts["layout"] == ExportLayout.ROSTER and not self._has_year(opts["year"], region):
            # The file's income and living-condition columns are then empty: not a full roster of the year.
            self.stderr.write(
                _("注意：{year} 年没有收入和生产生活条件数据，导出文件中这些列为空").format(year=opts["year"])
            )

    @staticmethod
    def _has_year(year: int, region: Region | None) -> bool:
        facts = HouseholdYear.objects.filter(year=year)
        if region is not None:
            facts = facts.filter(household__region__code__startswith=region.code)
        return facts.exists()
