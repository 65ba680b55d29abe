"""A village cadre on a phone records a visit with a photo in a handful of taps, and sees only
their own households (issue 5, "Must show")."""

import importlib
import io

import pytest
from django.utils import timezone
from PIL import Image

from fupin.assistance.models import Visit
from fupin.assistance.services import pairing_assign
from fupin.assistance.services.images import MAX_SIDE
from tests.assistance.conftest import make_cadre
from tests.conftest import DACHANG, JIEFANG, SYSTEM, head_data, make_household

pytestmark = pytest.mark.browser

WIDTH = 390
# Log in (3), open the household's visit form (1), tick three of the 六个一 (3), write a note (1),
# attach a photo (1), save (1): ten. A little slack, but no long detour, is allowed.
MAX_ACTIONS = 12


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": WIDTH, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN", device_scale_factor=2
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


class Actions:
    """Every tap, typed field and file pick of the user goes through here, so it is counted."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def click(self, selector: str) -> None:
        self.count += 1
        self.page.click(selector)

    def check(self, selector: str) -> None:
        self.count += 1
        self.page.check(selector)

    def fill(self, selector: str, text: str) -> None:
        self.count += 1
        self.page.fill(selector, text)

    def pick_file(self, selector: str, name: str, data: bytes) -> None:
        self.count += 1
        self.page.set_input_files(selector, {"name": name, "mimeType": "image/jpeg", "buffer": data})


def _jpeg(size=(2400, 1800)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (40, 120, 60)).save(buf, format="JPEG", quality=80)
    return buf.getvalue()


def _not_wider_than_screen(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, page.url


@pytest.fixture
def paired(transactional_db, cadre, other_cadre):
    # A live-server test flushes the tables after itself, seed data included: put the seeded
    # policies (workload maximum, visit frequency) back (the seed adds only what is missing).
    from django.apps import apps

    importlib.import_module("fupin.assistance.migrations.0002_seed").seed(apps, None)
    me = make_cadre("罗志强", DACHANG, user=cadre)
    theirs = make_cadre("唐晓燕", JIEFANG, user=other_cadre)
    mine = make_household("4304050142010777", head=head_data(name="王小明"))
    other = make_household("4304052012010777", JIEFANG, head=head_data(name="李小红"))
    pairing_assign(ctx=SYSTEM, household=mine, cadre=me)
    pairing_assign(ctx=SYSTEM, household=other, cadre=theirs)
    return mine, other


def test_cadre_records_a_visit_with_a_photo_on_a_phone(live_server, phone, paired):
    mine, other = paired
    act = Actions(phone)

    phone.goto(f"{live_server.url}/")
    act.fill("input[name=username]", "cadre")
    act.fill("input[name=password]", "test-pass-123")
    act.click("main form[method=post] button[type=submit]")
    phone.wait_for_url("**/assistance/me/")

    # The cadre's own page lists their household, and only theirs.
    listing = phone.inner_text("main")
    assert "4304050142010777" in listing and "王小明" in listing
    assert "4304052012010777" not in listing and "李小红" not in listing
    _not_wider_than_screen(phone)

    act.click(f"a[href$='/assistance/visits/new/?household={mine.pk}']")
    phone.wait_for_url("**/assistance/visits/new/**")
    _not_wider_than_screen(phone)
    # The household is chosen already; the other village's is not on offer.
    assert phone.input_value("select[name=household]") == str(mine.pk)
    options = phone.eval_on_selector_all("select[name=household] option", "os => os.map(o => o.value)")
    assert str(other.pk) not in options
    # The photo input opens the camera on a phone.
    photo = phone.locator("input[type=file][name=photos]")
    assert photo.get_attribute("accept") == "image/*"
    assert photo.get_attribute("capture") is not None
    # Tap targets of the checklist are within the screen (no horizontal scrolling to reach them).
    for box in phone.eval_on_selector_all(
        "fieldset.toggles label", "ls => ls.map(l => { const r = l.getBoundingClientRect(); return r.right; })"
    ):
        assert box <= WIDTH

    act.check("input[name=chat]")
    act.check("input[name=policy]")
    act.check("input[name=handbook]")
    act.fill("textarea[name=notes]", "了解春耕准备，宣讲产业奖补政策")
    act.pick_file("input[type=file][name=photos]", "visit.jpg", _jpeg())
    act.click("form[data-visit-form] button[type=submit]")
    phone.wait_for_url("**/assistance/visits/*/")

    assert act.count <= MAX_ACTIONS
    visit = Visit.objects.get(household=mine)
    assert (visit.chat, visit.policy, visit.handbook) == (True, True, True)
    assert (visit.measures, visit.wish, visit.labour) == (False, False, False)
    assert visit.cadre.user.username == "cadre"
    assert visit.visited_on == timezone.localdate()

    page = phone.inner_text("main")
    assert "4304050142010777" in page
    assert "了解春耕准备" in page
    img = phone.locator("main .photos img")
    assert img.count() == 1
    img.first.scroll_into_view_if_needed()
    phone.wait_for_function("() => { const i = document.querySelector('main .photos img'); return i && i.complete; }")
    natural = phone.evaluate(
        "() => { const i = document.querySelector('main .photos img'); return [i.naturalWidth, i.naturalHeight]; }"
    )
    assert natural == [MAX_SIDE, 1200]  # resized from 2400×1800, proportions kept
    # The photo is shown within the screen, however large it is.
    assert phone.evaluate("document.querySelector('main .photos img').getBoundingClientRect().right") <= WIDTH
    _not_wider_than_screen(phone)

    # The household's plan page lists the visit.
    phone.click("text=帮扶计划")
    phone.wait_for_url(f"**/assistance/households/{mine.pk}/plan/*/")
    assert visit.visited_on.isoformat() in phone.inner_text("main")
    _not_wider_than_screen(phone)


def test_cadre_cannot_reach_another_villages_household(live_server, phone, paired):
    mine, other = paired
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("input[name=username]", "cadre")
    phone.fill("input[name=password]", "test-pass-123")
    phone.click("main form[method=post] button[type=submit]")
    phone.wait_for_url("**/assistance/me/")
    year = timezone.localdate().year
    for url in (
        f"/households/{other.pk}/",
        f"/assistance/households/{other.pk}/plan/{year}/",
        f"/assistance/households/{other.pk}/wishes/new/",
    ):
        assert phone.goto(f"{live_server.url}{url}").status == 404, url
    # Naming the household in the visit link does not put it on offer either.
    phone.goto(f"{live_server.url}/assistance/visits/new/?household={other.pk}")
    options = phone.eval_on_selector_all("select[name=household] option", "os => os.map(o => o.value)")
    assert str(other.pk) not in options and str(mine.pk) in options
    _not_wider_than_screen(phone)
