from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fupin.core.changelog import Context
from fupin.core.choices import ChangeSource
from fupin.regions.services import RegionRow, regions_import
from fupin.utils.tables import read_rows

TRUE = {"1", "是", "true", "True", "Y", "y", "√"}


class Command(BaseCommand):
    help = "导入行政区划（CSV 或 xlsx，列：代码, 名称, 上级代码[, 已核实]）"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.exists():
            raise CommandError(f"文件不存在: {file}")
        try:
            rows = read_rows(file)
        except Exception as exc:
            raise CommandError(f"无法读取 {file}: {exc}") from exc
        if not rows:
            raise CommandError("文件为空")
        header = [h.strip() for h in rows[0]]
        missing = [c for c in ("代码", "名称", "上级代码") if c not in header]
        if missing:
            raise CommandError(f"缺少列: {', '.join(missing)}（应为 代码, 名称, 上级代码）")
        ix = {h: i for i, h in enumerate(header)}

        def cell(r: list[str], name: str) -> str:
            i = ix.get(name)
            return r[i] if i is not None and i < len(r) else ""

        parsed = [
            RegionRow(
                line=n,
                code=cell(r, "代码"),
                name=cell(r, "名称"),
                parent_code=cell(r, "上级代码"),
                verified=(cell(r, "已核实") in TRUE) if "已核实" in ix else True,
            )
            for n, r in enumerate(rows[1:], start=2)
            if any(c.strip() for c in r)
        ]
        result = regions_import(rows=parsed, ctx=Context(actor=None, source=ChangeSource.COMMAND))
        if result.errors:
            for e in result.errors[:50]:
                self.stderr.write(e)
            raise CommandError(f"{len(result.errors)} 行有错误，未导入任何数据")
        self.stdout.write(f"新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}")
