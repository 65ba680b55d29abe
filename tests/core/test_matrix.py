"""Permission matrix of the job pages. A job is seen by whoever started it, and by the
district office (core.view_job) for oversight; its result file downloads only for its
starter (and superusers). Everyone else gets 404; anonymous visitors go to the login page."""

import pytest
from django.core.files.base import ContentFile

from fupin.core.choices import JobStatus
from fupin.core.models import Job
from tests.matrix import Case, expect, matrix_test

CADRE_JOB = expect(404, anonymous=302, cadre=200, coordinator=200)
COORDINATOR_JOB = expect(404, anonymous=302, coordinator=200)


@pytest.fixture
def world(world, cadre, coordinator):
    done = Job.objects.create(
        kind="registry_export",
        actor=cadre,
        status=JobStatus.DONE,
        total=2,
        done=2,
        result={"rows": 2},
        log="10:00:00 导出 2 户\n",
    )
    done.result_file.save("households.csv", ContentFile("户编号\n4304050142010099\n".encode()), save=True)
    world.extra["cadre_job"] = done
    world.extra["coordinator_job"] = Job.objects.create(
        kind="roster_import", actor=coordinator, status=JobStatus.RUNNING, total=100, done=40
    )
    return world


def job(key):
    return lambda w: {"pk": w.extra[key].pk}


CASES = [
    Case("core:job_list", expect(200, anonymous=302)),
    Case("core:job_list", expect(405, anonymous=302), method="post", data=lambda w: {}),
    Case("core:job_detail", CADRE_JOB, kwargs=job("cadre_job")),
    Case("core:job_detail", COORDINATOR_JOB, kwargs=job("coordinator_job"), id="detail-coordinator-job"),
    Case("core:job_detail", expect(405, anonymous=302), kwargs=job("cadre_job"), method="post", data=lambda w: {}),
    Case("core:job_progress", CADRE_JOB, kwargs=job("cadre_job")),
    Case("core:job_progress", COORDINATOR_JOB, kwargs=job("coordinator_job"), id="progress-coordinator-job"),
    Case("core:job_progress", expect(405, anonymous=302), kwargs=job("cadre_job"), method="post", data=lambda w: {}),
    Case("core:job_download", expect(404, anonymous=302, cadre=200), kwargs=job("cadre_job")),
    Case("core:job_download", expect(404, anonymous=302), kwargs=job("coordinator_job"), id="download-no-file"),
    Case("core:job_download", expect(405, anonymous=302), kwargs=job("cadre_job"), method="post", data=lambda w: {}),
]

test_matrix = matrix_test(CASES)
