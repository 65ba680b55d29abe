"""Visits: photos stored resized, overdue lists by the visit policy (time-based), scope."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from fupin.accounts.models import RoleAssignment
from fupin.assistance.models import Pairing, VisitPolicy
from fupin.assistance.selectors.visits import overdue_by_cadre, overdue_by_village, overdue_days, overdue_households
from fupin.assistance.services import visit_record
from fupin.core.changelog import Context
from fupin.core.errors import ScopeError
from tests.assistance.conftest import make_cadre, png_upload
from tests.conftest import DACHANG_G1, GUANGHUI, SYSTEM, make_household


def test_photo_is_stored_as_a_resized_jpeg(dachang_household):
    visit = visit_record(
        ctx=SYSTEM, household=dachang_household, checklist={"chat": True}, photos=[png_upload(size=(4000, 3000))]
    )
    photo = visit.photos.get()
    with photo.image.open("rb") as fh:
        img = Image.open(fh)
        assert img.format == "JPEG"
        assert max(img.size) == 1600 and img.size == (1600, 1200)
    assert (photo.width, photo.height) == (1600, 1200)
    assert photo.image.name.endswith(".jpg") and "4304050142010001" not in photo.image.name


def test_small_photo_is_not_enlarged(dachang_household):
    visit = visit_record(ctx=SYSTEM, household=dachang_household, notes="看望", photos=[png_upload(size=(640, 480))])
    assert (visit.photos.get().width, visit.photos.get().height) == (640, 480)


def test_a_file_that_is_not_an_image_refuses_the_visit(dachang_household):
    junk = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(ValidationError) as err:
        visit_record(ctx=SYSTEM, household=dachang_household, checklist={"chat": True}, photos=[junk])
    assert "x.jpg" in err.value.message_dict["photos"][0]
    assert not dachang_household.visits.exists()


def test_exif_orientation_is_applied(dachang_household):
    img = Image.new("RGB", (300, 200), "blue")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise when shown
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("p.jpg", buf.getvalue(), content_type="image/jpeg")
    visit = visit_record(ctx=SYSTEM, household=dachang_household, checklist={"chat": True}, photos=[upload])
    assert (visit.photos.get().width, visit.photos.get().height) == (200, 300)


def test_empty_visit_and_future_date_are_refused(dachang_household):
    with pytest.raises(ValidationError) as err:
        visit_record(ctx=SYSTEM, household=dachang_household)
    assert "六个一" in err.value.message_dict["checklist"][0]
    with pytest.raises(ValidationError) as err:
        visit_record(
            ctx=SYSTEM,
            household=dachang_household,
            visited_on=dt.date.today() + dt.timedelta(days=1),
            checklist={"chat": True},
        )
    assert "visited_on" in err.value.message_dict


def test_the_visiting_cadre_is_the_actors_record(cadre, dachang_household):
    me = make_cadre("罗志强", user=cadre)
    visit = visit_record(ctx=Context(actor=cadre), household=dachang_household, checklist={"policy": True})
    assert visit.cadre == me and visit.recorded_by == cadre


def test_other_cadre_cannot_visit_out_of_scope(other_cadre, dachang_household):
    with pytest.raises(ScopeError):
        visit_record(ctx=Context(actor=other_cadre), household=dachang_household, checklist={"chat": True})


# Overdue ------------------------------------------------------------------------------


@pytest.fixture
def village(regions, coordinator, cadre, other_cadre):
    """The cast's assignments are backdated so that they hold in 2017.

    A: not exited, paired 1 Jan 2017, visited 1 Mar. B: exited, paired 1 Jan, never
    visited. C: never paired, never visited. D: not registered (never counted)."""
    RoleAssignment.objects.update(valid_from=dt.date(2014, 1, 1))
    with time_machine.travel(dt.date(2017, 1, 1), tick=False):
        a_cadre, b_cadre = make_cadre("甲"), make_cadre("乙", GUANGHUI)
        a = make_household("4304050142010001")
        b = make_household("4304050142020001", GUANGHUI, status="exited", exit_year=2016)
        c = make_household("4304050142010003", DACHANG_G1)
        make_household("4304050142010004", registered=False)
        Pairing.objects.create(household=a, cadre=a_cadre, started_on=dt.date(2017, 1, 1))
        Pairing.objects.create(household=b, cadre=b_cadre, started_on=dt.date(2017, 1, 1))
    with time_machine.travel(dt.date(2017, 3, 1), tick=False):
        visit_record(ctx=SYSTEM, household=a, checklist={"chat": True})
    return {"a": a, "b": b, "c": c, "a_cadre": a_cadre, "b_cadre": b_cadre}


def overdue_codes(user):
    return sorted(h.code for h in overdue_households(user=user))


def test_overdue_follows_the_policy_over_time(coordinator, village):
    a, b, c = village["a"].code, village["b"].code, village["c"].code
    with time_machine.travel(dt.date(2017, 3, 31), tick=False):
        assert overdue_codes(coordinator) == [c]  # A is due on 31 March, not yet overdue
    with time_machine.travel(dt.date(2017, 4, 1), tick=False):
        assert overdue_codes(coordinator) == sorted([a, c])  # B (exited, 90 days) is due on 1 April
        days = {h.code: overdue_days(h, dt.date(2017, 4, 1)) for h in overdue_households(user=coordinator)}
        assert days == {a: 1, c: None}
    with time_machine.travel(dt.date(2017, 4, 2), tick=False):
        assert overdue_codes(coordinator) == sorted([a, b, c])


def test_a_visit_clears_the_overdue(coordinator, village):
    with time_machine.travel(dt.date(2017, 4, 10), tick=False):
        visit_record(ctx=SYSTEM, household=village["a"], checklist={"labour": True})
        assert village["a"].code not in overdue_codes(coordinator)


def test_a_new_policy_year_changes_the_interval(coordinator, village):
    VisitPolicy.objects.create(effective_year=2018, days_not_exited=60, days_exited=180)
    with time_machine.travel(dt.date(2018, 1, 20), tick=False):
        visit_record(ctx=SYSTEM, household=village["a"], checklist={"chat": True})
    with time_machine.travel(dt.date(2018, 3, 21), tick=False):
        assert village["a"].code not in overdue_codes(coordinator)  # 60 days after 20 Jan
    with time_machine.travel(dt.date(2018, 3, 22), tick=False):
        assert village["a"].code in overdue_codes(coordinator)


def test_overdue_by_cadre_and_village(coordinator, village):
    with time_machine.travel(dt.date(2017, 4, 2), tick=False):
        by_cadre = {(r["cadre"].name if r["cadre"] else None): r["count"] for r in overdue_by_cadre(user=coordinator)}
        assert by_cadre == {"甲": 1, "乙": 1, None: 1}
        by_village = {r["village"].name: r["count"] for r in overdue_by_village(user=coordinator)}
        assert by_village == {"大昌村": 2, "光辉村": 1}  # C lives in group 1 of 大昌村


def test_overdue_is_scoped(cadre, other_cadre, village):
    with time_machine.travel(dt.date(2017, 4, 2), tick=False):
        assert overdue_codes(cadre) == sorted([village["a"].code, village["c"].code])
        assert overdue_codes(other_cadre) == []
