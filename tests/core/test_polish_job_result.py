"""A finished job links to what it produced: the import batch it loaded, the re-check it ran.

The link ("查看结果") shows only once the job has succeeded, and only when the reader may
open that object (a batch without a region is the superuser's alone).
"""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from fupin.core.choices import JobStatus
from fupin.core.models import Job
from fupin.exchange.models import ImportBatch
from fupin.identification.models import Recheck
from tests.conftest import DACHANG, DISTRICT, region

pytestmark = pytest.mark.django_db


def client_for(user, language="zh-hans") -> Client:
    c = Client()
    c.force_login(user)
    c.cookies["django_language"] = language
    return c


def batch(*, actor, region_code: str | None) -> ImportBatch:
    return ImportBatch.objects.create(
        actor=actor,
        region=region(region_code) if region_code else None,
        file_name="roster.xlsx",
        sha256=uuid.uuid4().hex * 2,
        year=2017,
    )


def job_page(user, job: Job, language="zh-hans") -> str:
    response = client_for(user, language).get(reverse("core:job_detail", args=[job.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_finished_import_links_to_its_batch(coordinator):
    b = batch(actor=coordinator, region_code=DACHANG)
    job = Job.objects.create(
        kind="exchange.import", actor=coordinator, status=JobStatus.DONE, params={"batch": str(b.pk)}
    )
    url = reverse("exchange:batch_detail", args=[b.pk])
    page = job_page(coordinator, job)
    assert f'href="{url}">查看结果</a>' in page
    assert f'href="{url}">Open result</a>' in job_page(coordinator, job, "en")
    # The link opens.
    assert client_for(coordinator).get(url).status_code == 200


@pytest.mark.parametrize("status", [JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FAILED])
def test_an_unfinished_or_failed_import_has_no_result_link(coordinator, status):
    b = batch(actor=coordinator, region_code=DACHANG)
    job = Job.objects.create(kind="exchange.import", actor=coordinator, status=status, params={"batch": str(b.pk)})
    assert "查看结果" not in job_page(coordinator, job)


def test_no_link_to_a_batch_the_reader_may_not_see(coordinator):
    # A batch without a region is visible to superusers only: its page would answer 404.
    b = batch(actor=coordinator, region_code=None)
    job = Job.objects.create(
        kind="exchange.import", actor=coordinator, status=JobStatus.DONE, params={"batch": str(b.pk)}
    )
    assert client_for(coordinator).get(reverse("exchange:batch_detail", args=[b.pk])).status_code == 404
    assert "查看结果" not in job_page(coordinator, job)


def test_a_finished_recheck_links_to_its_results(coordinator):
    r = Recheck.objects.create(region=region(DISTRICT), year=2017, started_by=coordinator)
    job = Job.objects.create(
        kind="recheck",
        actor=coordinator,
        status=JobStatus.DONE,
        params={"recheck_id": r.pk},
        result={"recheck_id": r.pk, "households": 0},
    )
    url = reverse("identification:recheck_detail", args=[r.pk])
    assert f'href="{url}">查看结果</a>' in job_page(coordinator, job)
    assert client_for(coordinator).get(url).status_code == 200


def test_a_job_kind_without_a_result_page_has_no_link(coordinator):
    job = Job.objects.create(kind="roster_import", actor=coordinator, status=JobStatus.DONE, result={"created": 3})
    assert "查看结果" not in job_page(coordinator, job)
