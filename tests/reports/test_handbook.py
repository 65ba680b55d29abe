"""The household handbook PDF prints its Chinese text with the bundled font: rendered to an
image, the title's characters are real, distinct glyphs (missing glyphs would all be the
same empty box), and every character comes from the shipped Noto Sans CJK subset."""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from fontTools.ttLib import TTFont

from fupin.core.jobs import execute
from fupin.core.models import Job
from fupin.reports.handbook import FONT
from fupin.reports.jobs import HANDBOOK
from fupin.reports.services.handbook import household_handbook_pdf
from tests.conftest import DACHANG, region

pytestmark = pytest.mark.django_db
SCALE = 2  # 144 dpi


def _font_of(textpage, index: int) -> str:
    n = pdfium.raw.FPDFText_GetFontInfo(textpage.raw, index, None, 0, None)
    buf = ctypes.create_string_buffer(n)
    pdfium.raw.FPDFText_GetFontInfo(textpage.raw, index, buf, n, ctypes.byref(ctypes.c_int()))
    return buf.value.decode("utf-8", "replace")


def _glyph(image, page_height: float, box) -> list[int]:
    """The grey pixels of one character's box (PDF points → image pixels)."""
    left, bottom, right, top = box
    crop = image.crop(
        (
            int(left * SCALE),
            int((page_height - top) * SCALE),
            int(right * SCALE) + 1,
            int((page_height - bottom) * SCALE) + 1,
        )
    ).convert("L")
    return list(crop.tobytes())


def test_the_shipped_font_covers_the_handbook_and_names():
    cmap = TTFont(FONT).getBestCmap()
    for text in (
        "扶贫手册家庭情况成员帮扶责任人脱贫措施及项目规划成效收入测算走访记录明白卡",
        "珠晖区酃湖乡东阳渡街道",
        "㎡、：（）",
    ):
        missing = [c for c in text if ord(c) not in cmap]
        assert not missing, missing


def test_household_handbook_renders_visible_chinese(district, cadre, tmp_path):
    pdf_bytes = household_handbook_pdf(user=cadre, household=district.h["H1"], year=2017)
    assert pdf_bytes.startswith(b"%PDF")
    pdf = pdfium.PdfDocument(pdf_bytes)
    assert len(pdf) >= 4  # cover, sections, benefits card

    texts = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    whole = "".join(texts)
    for heading in (
        "家庭情况",
        "家庭成员",
        "帮扶责任人",
        "脱贫措施及项目规划",
        "帮扶措施",
        "帮扶成效",
        "收入测算",
        "走访记录",
        "帮扶政策明白卡",
    ):
        assert heading in whole, heading
    assert "赵一" in whole and "干部一" in whole and "家庭医生签约" in whole

    page = pdf[0]
    textpage = page.get_textpage()
    text = textpage.get_text_range()
    image = page.render(scale=SCALE).to_pil()
    out = Path(os.environ.get("FUPIN_TEST_ARTIFACTS", tmp_path)) / "handbook-cover.png"
    image.save(out)
    height = page.get_height()
    glyphs = []
    for ch in "扶贫手册":
        i = text.index(ch)
        assert "FupinCJK" in _font_of(textpage, i), "the title must use the bundled font"
        pixels = _glyph(image, height, textpage.get_charbox(i))
        dark = sum(1 for p in pixels if p < 128)
        assert dark > len(pixels) * 0.05, f"{ch} is not drawn"
        glyphs.append(pixels)
    # Missing glyphs (tofu) would be identical boxes; real characters differ from each other.
    assert len({tuple(g) for g in glyphs}) == 4

    names = {_font_of(textpage, i) for i in range(len(text)) if not text[i].isspace()}
    assert names and all("FupinCJK" in n for n in names), names


def test_a_village_handbook_is_one_pdf_built_by_a_job(district, cadre):
    job = Job.objects.create(kind=HANDBOOK, actor=cadre, params={"region_id": region(DACHANG).pk, "year": 2017})
    execute(job)
    job.refresh_from_db()
    assert job.status == "done", job.log
    assert job.result["households"] == 3  # H1, H2 (in a group of 大昌村) and H7
    pdf = pdfium.PdfDocument(job.result_file.read())
    covers = [i for i in range(len(pdf)) if "户编号" in pdf[i].get_textpage().get_text_range()[:200]]
    assert len(covers) == 3


def test_a_village_outside_the_scope_is_refused(district, other_cadre):
    job = Job.objects.create(kind=HANDBOOK, actor=other_cadre, params={"region_id": region(DACHANG).pk, "year": 2017})
    execute(job)
    job.refresh_from_db()
    assert job.status == "failed" and not job.result_file
