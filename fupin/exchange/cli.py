"""What the exchange's export commands (`export`, `findings export`) check of their arguments
before writing anything."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from fupin.regions.models import Region


def export_target(path_arg: str, region_code: str | None) -> tuple[Path, Region | None]:
    """The file to write (.xlsx or .csv, in a folder that exists) and the region, if one is named."""
    path = Path(path_arg)
    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise CommandError(_("文件扩展名应为 .xlsx 或 .csv"))
    if not path.parent.is_dir():
        raise CommandError(_("目录不存在：{path}").format(path=path.parent))
    region = None
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            raise CommandError(_("区划代码 {code} 不存在").format(code=region_code))
    return path, region
