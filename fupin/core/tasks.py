from django.tasks import task

from fupin.core.jobs import execute
from fupin.core.models import Job


@task()
def run_job(job_id: str) -> str:
    job = Job.objects.get(pk=job_id)
    return execute(job).status
