"""Stories of the job pages: a live progress bar that polls until the job ends, the result
shown readably, the file downloaded by its starter, and nobody else's jobs in the list."""

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from fupin.core.choices import JobStatus
from fupin.core.jobs import Progress
from fupin.core.models import Job

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_running_job_polls_its_progress_every_second(cadre):
    job = Job.objects.create(kind="roster_import", actor=cadre, status=JobStatus.RUNNING)
    progress = Progress(job)
    progress.start(200, "校验")
    progress.advance(50)
    progress._push(force=True)
    c = client_for(cadre)
    page = c.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    progress_url = reverse("core:job_progress", args=[job.pk])
    assert f'hx-get="{progress_url}"' in page and 'hx-trigger="every 1s"' in page
    assert "50 / 200" in page and "校验" in page and 'value="25"' in page
    partial = c.get(progress_url, headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "HX-Refresh" not in partial
    assert "<html" not in partial.content.decode() and "every 1s" in partial.content.decode()
    cache.clear()


def test_finished_job_stops_polling_and_reloads_once(cadre):
    job = Job.objects.create(
        kind="roster_import",
        actor=cadre,
        status=JobStatus.DONE,
        total=10,
        done=10,
        result={"created": 10, "errors": [], "by_village": {"大昌村": 10}},
        log="10:00:01 读取文件\n10:00:02 完成\n",
    )
    c = client_for(cadre)
    partial = c.get(reverse("core:job_progress", args=[job.pk]), headers={"HX-Request": "true"})
    assert partial["HX-Refresh"] == "true" and "hx-get" not in partial.content.decode()
    page = c.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert "hx-trigger" not in page and "100%" in page
    assert "created" in page and '<th scope="row">大昌村</th><td class="num">10</td>' in page and "读取文件" in page


def test_result_file_downloads_for_its_starter_only(cadre, coordinator):
    job = Job.objects.create(kind="registry_export", actor=cadre, status=JobStatus.DONE)
    job.result_file.save("households.csv", ContentFile("户编号\nX1\n".encode()), save=True)
    url = reverse("core:job_download", args=[job.pk])
    response = client_for(cadre).get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).decode() == "户编号\nX1\n"
    assert url in client_for(cadre).get(reverse("core:job_detail", args=[job.pk])).content.decode()
    # The district office sees the job's status but not the file of someone else's scope.
    assert client_for(coordinator).get(reverse("core:job_detail", args=[job.pk])).status_code == 200
    assert client_for(coordinator).get(url).status_code == 404


def test_job_list_shows_own_jobs_and_all_to_the_district_office(cadre, other_cadre, coordinator):
    mine = Job.objects.create(kind="mine_kind", actor=cadre)
    theirs = Job.objects.create(kind="their_kind", actor=other_cadre)
    page = client_for(cadre).get(reverse("core:job_list")).content.decode()
    assert reverse("core:job_detail", args=[mine.pk]) in page
    assert reverse("core:job_detail", args=[theirs.pk]) not in page
    page = client_for(coordinator).get(reverse("core:job_list")).content.decode()
    assert "mine_kind" in page and "their_kind" in page


def test_failed_job_shows_the_error(cadre):
    job = Job.objects.create(
        kind="roster_import", actor=cadre, status=JobStatus.FAILED, result={"error": "第 3 行：证件号码校验位错误"}
    )
    page = client_for(cadre).get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert "失败" in page and "第 3 行：证件号码校验位错误" in page


def test_home_sends_logged_in_users_to_the_household_list(cadre, client):
    assert client_for(cadre).get("/").url == reverse("registry:household_list")
    assert client.get("/healthz").json() == {"ok": True}
