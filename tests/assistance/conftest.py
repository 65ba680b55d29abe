"""Assistance fixtures: a linked unit, the cast's cadre records and small helpers."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from fupin.assistance.models import Cadre, LinkedUnit
from tests.conftest import DACHANG, JIEFANG, SYSTEM, region

_phones = iter(range(13800000000, 13900000000))


@pytest.fixture
def unit(db):
    return LinkedUnit.objects.create(name="衡阳市扶贫办", affiliation="city")


def make_cadre(name: str = "王干部", region_code: str = DACHANG, *, user=None, unit=None, **kw) -> Cadre:
    from fupin.assistance.services import cadre_create

    data = {
        "name": name,
        "phone": str(next(_phones)),
        "employer": "" if unit else "珠晖区农业局",
        "unit": unit,
        "user": user,
        **kw,
    }
    return cadre_create(ctx=SYSTEM, region=region(region_code), data=data)


@pytest.fixture
def cadre_record(cadre):
    """The cast's village cadre (大昌村) as a cadre record linked to their login."""
    return make_cadre("罗志强", DACHANG, user=cadre)


@pytest.fixture
def other_cadre_record(other_cadre):
    return make_cadre("唐晓燕", JIEFANG, user=other_cadre)


def png_upload(size=(3000, 2000), name="photo.png", color=(200, 30, 30)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
