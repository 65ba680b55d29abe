"""Stories of text shown in the reader's language, whoever wrote the row: a comparison's
list kind, a department list's default title, a change in a household's history; and the
small wording fixes (plural days, the donor's mobile-number login, one error banner)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from fupin.assistance.services import donor_register
from fupin.core.models import ObjectChange
from fupin.identification.models import Application, ComparisonList
from fupin.monitoring.models import DepartmentList
from fupin.monitoring.services.common import notice_period
from fupin.monitoring.services.lists import department_list_title
from fupin.regions.models import Region
from tests.conftest import DISTRICT, SYSTEM
from tests.registry.test_views_forms import household_post

pytestmark = pytest.mark.django_db


def client_for(user, language: str = "zh-hans") -> Client:
    c = Client()
    c.force_login(user)
    c.cookies["django_language"] = language
    return c


@pytest.mark.parametrize(
    ("stored", "language", "shown", "absent"),
    [
        ("Motor vehicle registration", "zh-hans", "机动车登记", "Motor vehicle registration"),
        ("机动车登记", "en", "Motor vehicle registration", "机动车登记"),
        ("", "en", "Motor vehicle registration", "机动车登记"),
    ],
)
def test_a_comparison_names_its_list_kind_in_the_readers_language(coordinator, stored, language, shown, absent):
    c = ComparisonList.objects.create(
        region=Region.objects.get(code=DISTRICT), kind="vehicle", kind_name=stored, file_name="cars.csv"
    )
    browser = client_for(coordinator, language)
    for url in (reverse("identification:comparison_list"), reverse("identification:comparison_detail", args=[c.pk])):
        page = browser.get(url).content.decode()
        assert shown in page and absent not in page, url


def test_a_name_the_uploader_typed_stays_as_typed(coordinator):
    ComparisonList.objects.create(
        region=Region.objects.get(code=DISTRICT), kind="other", kind_name="村干部及亲属", file_name="c.csv"
    )
    assert (
        "村干部及亲属" in client_for(coordinator, "en").get(reverse("identification:comparison_list")).content.decode()
    )


def department_list(title: str) -> DepartmentList:
    return DepartmentList.objects.create(
        kind="medical",
        year=2026,
        region=Region.objects.get(code=DISTRICT),
        original_name="med.csv",
        title=title,
        rows=1,
    )


@pytest.mark.parametrize(
    ("stored", "language", "shown"),
    [
        ("2026 Medical expense settlement med.csv", "zh-hans", "2026 医疗费用结算 med.csv"),
        ("2026 医疗费用结算 med.csv", "en", "2026 Medical expense settlement med.csv"),
        ("医保局 2026 年结算", "en", "医保局 2026 年结算"),
    ],
)
def test_a_department_lists_default_title_follows_the_reader(coordinator, stored, language, shown):
    dl = department_list(stored)
    with translation.override(language):
        assert department_list_title(dl) == shown
    page = client_for(coordinator, language).get(reverse("monitoring:list_list")).content.decode()
    assert shown in page


def test_a_default_title_is_stored_in_the_sites_language(tmp_path):
    from fupin.monitoring.services.lists import department_list_upload
    from tests.conftest import new_id
    from tests.monitoring.conftest import write_csv

    path = write_csv(tmp_path / "med.csv", ["证件号码", "个人自付"], [[new_id(), 100]])
    district = Region.objects.get(code=DISTRICT)
    with translation.override("en"):
        dl, _ = department_list_upload(
            ctx=SYSTEM, region=district, kind="medical", year=2021, upload=path, filename="med.csv"
        )
    assert dl.title == "2021 医疗费用结算 med.csv"


@pytest.mark.parametrize(
    ("stored", "language", "shown"),
    [
        ("纳入（识别） 15 #1", "en", "Inclusion (identification) 15 #1"),
        ("Inclusion (identification) 15 #1", "zh-hans", "纳入（识别） 15 #1"),
    ],
)
def test_a_history_entry_names_its_object_in_the_readers_language(stored, language, shown):
    change = ObjectChange(
        content_type=ContentType.objects.get_for_model(Application),
        object_id=1,
        object_repr=stored,
        action="create",
        source="form",
        after={"kind": "admission", "household": 15},
    )
    with translation.override(language):
        assert change.display_repr == shown


def test_notice_days_use_the_singular_for_one_day():
    import datetime as dt

    day = dt.date(2026, 3, 1)
    with translation.override("en"), pytest.raises(ValidationError) as err:
        notice_period(day, day, min_days=5)
    assert "Notice of 1 day is shorter" in str(err.value)
    with translation.override("en"), pytest.raises(ValidationError) as err:
        notice_period(day, day + dt.timedelta(days=1), min_days=5)
    assert "Notice of 2 days is shorter" in str(err.value)


def test_the_donor_login_asks_for_the_mobile_number(client, regions):
    donor_register(ctx=SYSTEM, name="爱心王", phone="13600000000", password="a-Long-pass-2017")
    page = client.get(reverse("assistance:donor_login")).content.decode()
    assert "手机号码" in page and "用户名" not in page
    client.cookies["django_language"] = "en"
    assert "Mobile number" in client.get(reverse("assistance:donor_login")).content.decode()
    response = client.post(
        reverse("assistance:donor_login"), {"username": "136 0000 0000", "password": "a-Long-pass-2017"}
    )
    assert response.status_code == 302 and response.url == reverse("assistance:donor_home")


def test_a_new_household_with_errors_says_please_correct_once(cadre):
    response = client_for(cadre).post(
        reverse("registry:household_create"),
        household_post("4304050142010502", hamlet="", **{"head-id_number": "430405196503150011"}),
    )
    assert response.status_code == 200
    assert response.content.decode().count("请按提示更正下面标红的项目。") == 1
