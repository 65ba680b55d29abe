"""Uploaded photos: decoded, oriented, shrunk to at most 1600 px and re-encoded as JPEG.

Re-encoding also drops EXIF data (camera GPS positions included) and anything that is not
an image, so a stored photo never carries more than its pixels.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 1600
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
Image.MAX_IMAGE_PIXELS = 60_000_000  # a 60-megapixel phone photo is plenty; larger is refused


def photo_to_jpeg(upload: Any, *, field: str = "photos") -> ContentFile:
    name = getattr(upload, "name", "") or _("照片")
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError({field: _("照片“{name}”超过 20 MB，请压缩后再上传").format(name=name)})
    try:
        upload.seek(0)
        with Image.open(upload) as opened:
            opened.load()
            img: Image.Image = ImageOps.exif_transpose(opened)
            if img.mode not in ("RGB", "L"):
                background = Image.new("RGB", img.size, "white")
                rgba = img.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                img = background
            img.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            img.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            {field: _("文件“{name}”不是可识别的图片（支持 JPEG、PNG、WebP 等）").format(name=name)}
        ) from exc
    return ContentFile(out.getvalue(), name="photo.jpg")
