"""Uploading a department list: the file is read and checked whole before it is kept."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fupin.core.changelog import Context
from fupin.core.i18n import is_default_text
from fupin.monitoring.choices import ListKind
from fupin.monitoring.models import DepartmentList
from fupin.monitoring.screening.reader import ListError, read_list
from fupin.monitoring.services.common import actor_of, log_new
from fupin.regions.models import Region
from fupin.registry.services.common import check_scope

MAX_TITLE = 200


def _default_title(*, year: int, kind: str, name: str, language: str | None = None) -> str:
    """`2026 医疗费用结算 list.xlsx`, in `language` (the current one when None)."""
    with translation.override(language or translation.get_language()):
        return f"{year} {ListKind(kind).label} {name}"[:MAX_TITLE]


def department_list_title(dl: DepartmentList) -> str:
    """The title a page shows: the uploader's own, or the default in the reader's language
    (lists kept before defaults were derived at display time hold the default in the
    uploader's language, which is recognised and replaced too)."""
    if dl.kind not in ListKind.values:
        return dl.title

    def default() -> str:
        return _default_title(year=dl.year, kind=dl.kind, name=dl.original_name)

    return default() if is_default_text(dl.title, default) else dl.title


def _as_path(upload: Any) -> tuple[Path, bool]:
    """A filesystem path for the upload (a temporary copy when it lives in memory)."""
    if hasattr(upload, "temporary_file_path"):
        return Path(upload.temporary_file_path()), False
    if isinstance(upload, Path):
        return upload, False
    suffix = Path(getattr(upload, "name", "") or "list.csv").suffix
    tmp = tempfile.NamedTemporaryFile(suffix=suffix, delete=False)  # noqa: SIM115 — closed below, removed by caller
    for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
        tmp.write(chunk)
    tmp.close()
    return Path(tmp.name), True


@transaction.atomic
def department_list_upload(
    *, ctx: Context, region: Region, kind: str, year: int, upload: Any, filename: str, title: str = ""
) -> tuple[DepartmentList, list[str]]:
    """Check and keep a list (medical settlements, disaster or accident victims) for screening.
    Returns the list and the reader's warnings; a file that cannot be read raises
    ValidationError with every problem (and nothing is kept)."""
    region = Region.objects.get(pk=region.pk)
    check_scope(ctx, "monitoring.add_departmentlist", region)
    if kind not in ListKind.values:
        kinds = _("、").join(str(k.label) for k in ListKind)
        raise ValidationError({"kind": _("请选择名单类型（{kinds}）").format(kinds=kinds)})
    if not 2014 <= year <= timezone.localdate().year + 1:
        raise ValidationError({"year": _("年度 {y} 不正确").format(y=year)})
    path, temporary = _as_path(upload)
    try:
        try:
            read = read_list(path, kind=kind, filename=filename)
        except ListError as exc:
            raise ValidationError({"file": exc.messages}) from exc
        # A default title is written in the site's default language, whoever uploads; pages
        # show it through department_list_title, in the reader's language.
        title = (title or "").strip() or _default_title(
            year=year, kind=kind, name=filename, language=settings.LANGUAGE_CODE
        )
        dl = DepartmentList(
            kind=kind,
            year=year,
            region=region,
            original_name=filename[:255],
            title=title[:MAX_TITLE],
            rows=read.rows,
            uploaded_by=actor_of(ctx),
        )
        with path.open("rb") as fh:
            dl.file.save(Path(filename).name or "list.csv", File(fh), save=False)
        buf = io.BytesIO()
        read.frame.write_parquet(buf)
        dl.columns_file.save(f"{Path(dl.file.name or 'list').stem}.parquet", ContentFile(buf.getvalue()), save=False)
        dl.save()
    finally:
        if temporary:
            path.unlink(missing_ok=True)
    log_new(ctx, dl)
    return dl, read.warnings
