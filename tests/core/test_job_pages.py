"""Stories of what a job page says: the kind by name, parameters and results as labelled
lists, log times in local time, in the reader's language; and a comparison's job link only
for those who may open the job."""

import datetime as dt
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fupin.core.choices import JobStatus
from fupin.core.jobs import Progress
from fupin.core.models import Job
from fupin.identification.models import ComparisonList
from fupin.regions.models import Region
from tests.conftest import DISTRICT

pytestmark = pytest.mark.django_db


def client_for(user, language: str = "zh-hans") -> Client:
    c = Client()
    c.force_login(user)
    c.cookies["django_language"] = language
    return c


@pytest.fixture
def compare_job(coordinator):
    district = Region.objects.get(code=DISTRICT)
    return Job.objects.create(
        kind="compare",
        actor=coordinator,
        status=JobStatus.DONE,
        params={"file_name": "cars.csv", "region_id": district.pk, "kind": "vehicle", "valid_only": True},
        result={"comparison_id": 7, "matched": 3, "lists": [{"id": 1, "title": "车辆", "rows": 9}]},
    )


def test_the_job_kind_shows_by_name_in_the_list_and_on_the_page(coordinator, compare_job):
    c = client_for(coordinator)
    listing = c.get(reverse("core:job_list")).content.decode()
    assert "名单比对" in listing and ">compare<" not in listing
    page = c.get(reverse("core:job_detail", args=[compare_job.pk])).content.decode()
    assert "<h1>名单比对</h1>" in page
    english = client_for(coordinator, "en").get(reverse("core:job_detail", args=[compare_job.pk])).content.decode()
    assert "<h1>List comparison</h1>" in english


@pytest.mark.parametrize(
    ("language", "expected", "raw"),
    [
        ("zh-hans", ["比对编号", "匹配人数", "文件名", "区域", "城步区", "是", "行数"], ["comparison_id", "region_id"]),
        ("en", ["Comparison no.", "Persons matched", "Region", "Yes"], ["comparison_id", "region_id", "valid_only"]),
    ],
)
def test_parameters_and_results_read_as_labelled_lists(coordinator, compare_job, language, expected, raw):
    page = client_for(coordinator, language).get(reverse("core:job_detail", args=[compare_job.pk])).content.decode()
    for text in expected:
        if text == "城步区":
            text = Region.objects.get(code=DISTRICT).name
        assert text in page, text
    for key in raw:
        assert key not in page, key
    assert "&quot;" not in page  # no JSON


def test_a_kind_registered_with_its_runner_shows_its_label():
    from fupin.core.joblabels import kind_label
    from fupin.core.jobs import runner

    runner("test.kind", label="测试任务")(lambda job, progress: {})
    assert kind_label("test.kind") == "测试任务" and kind_label("unknown.kind") == "unknown.kind"


def test_log_lines_are_written_in_local_time(coordinator):
    job = Job(kind="compare", actor=coordinator)
    at = dt.datetime(2026, 3, 1, 2, 5, 9, tzinfo=dt.UTC)  # 10:05:09 in Asia/Shanghai
    with mock.patch.object(timezone, "now", return_value=at):
        Progress(job).log("开始")
    assert job.log == "10:05:09 开始\n"


@pytest.fixture
def comparison(compare_job):
    return ComparisonList.objects.create(
        region=Region.objects.get(code=DISTRICT),
        kind="vehicle",
        kind_name="机动车登记",
        file_name="cars.csv",
        job=compare_job,
    )


@pytest.mark.parametrize(("role", "linked"), [("coordinator", True), ("analyst", False), ("leader", False)])
def test_a_comparison_links_its_job_only_for_those_who_may_open_it(request, comparison, role, linked):
    c = client_for(request.getfixturevalue(role))
    page = c.get(reverse("identification:comparison_detail", args=[comparison.pk]))
    assert page.status_code == 200
    job_url = reverse("core:job_detail", args=[comparison.job_id])
    assert (job_url in page.content.decode()) is linked
    assert c.get(job_url).status_code == (200 if linked else 404)
