"""Background jobs: a registry of runners by kind, progress reporting, and the task that runs them.

A runner is `def run(job: Job, progress: Progress) -> dict` registered with `@runner("kind")`
in an app's `jobs.py`. The same runner serves the web (queued through Django's tasks API and
run by the worker) and the CLI (run in-process with a terminal progress bar), so both paths
do identical work.

Progress lives in the cache, not in the Job row: a long import holds one database
transaction (and on SQLite the write lock) for its whole run, so progress written to the
database would be invisible or blocked until the end.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from fupin.core.choices import JobStatus
from fupin.core.joblabels import register_kind
from fupin.core.models import Job

Runner = Callable[[Job, "Progress"], dict | None]
_RUNNERS: dict[str, Runner] = {}


def runner(kind: str, label: Any = None) -> Callable[[Runner], Runner]:
    """Register the runner of `kind`; `label` (lazy) is the name the job pages show."""

    def register(func: Runner) -> Runner:
        _RUNNERS[kind] = func
        if label is not None:
            register_kind(kind, label)
        return func

    return register


def _cache_key(job_id: object) -> str:
    return f"fupin:job:{job_id}"


class Progress:
    """Reports progress of one job; throttled so that a tight loop costs nothing."""

    interval = 0.3

    def __init__(self, job: Job) -> None:
        self.job = job
        self.total = 0
        self.done = 0
        self.message = ""
        self._last = 0.0

    def start(self, total: int, message: str = "") -> None:
        self.total, self.done, self.message = total, 0, message or self.message
        self._push(force=True)

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._push()

    def step(self, message: str) -> None:
        self.message = message
        self.log(message)
        self._push(force=True)

    def log(self, text: str) -> None:
        # Local time, as every other time on the pages (the stored clock is UTC).
        self.job.log += f"{timezone.localtime():%H:%M:%S} {text}\n"

    def _push(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        cache.set(
            _cache_key(self.job.pk),
            {"total": self.total, "done": self.done, "message": self.message},
            timeout=24 * 3600,
        )


class TerminalProgress(Progress):
    """The same reports drawn as a tqdm bar on stderr (for `fupin import` and friends)."""

    def __init__(self, job: Job, *, stream: Any = None, enabled: bool = True, unit: str = "行") -> None:
        super().__init__(job)
        self._bar: Any = None
        self._stream = stream or sys.stderr
        self._enabled = enabled
        self._unit = unit  # what `total` counts, shown after it (9/9 条记录)

    def start(self, total: int, message: str = "") -> None:
        super().start(total, message)
        if not self._enabled:
            return
        from tqdm import tqdm

        if self._bar is not None:
            self._bar.close()
        self._bar = tqdm(total=total, desc=message or self.message, file=self._stream, unit=self._unit, leave=True)

    def advance(self, n: int = 1) -> None:
        super().advance(n)
        if self._bar is not None:
            self._bar.update(n)

    def step(self, message: str) -> None:
        super().step(message)
        if self._bar is not None:
            self._bar.set_description(message)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def job_progress(job: Job) -> dict:
    """What the UI shows: live figures from the cache, final ones from the row."""
    if job.is_finished:
        return {
            "status": job.status,
            "percent": job.percent,
            "done": job.done,
            "total": job.total,
            "message": job.message,
        }
    live = cache.get(_cache_key(job.pk)) or {}
    total, done = live.get("total", job.total), live.get("done", job.done)
    percent = min(99, int(done * 100 / total)) if total else 0
    return {
        "status": job.status,
        "percent": percent,
        "done": done,
        "total": total,
        "message": live.get("message", job.message),
    }


def execute(job: Job, progress: Progress | None = None) -> Job:
    """Run a job's runner now, recording status, result and log on the row."""
    progress = progress or Progress(job)
    func = _RUNNERS.get(job.kind)
    job.status, job.started = JobStatus.RUNNING, timezone.now()
    job.save(update_fields=["status", "started"])
    try:
        if func is None:
            raise LookupError(f"no runner for job kind {job.kind!r}")
        job.result = func(job, progress) or {}
        job.status = JobStatus.DONE
    except Exception as exc:
        job.status = JobStatus.FAILED
        job.result = {"error": str(exc)}
        progress.log("".join(traceback.format_exception_only(exc)).strip())
    job.total, job.done, job.message = progress.total, progress.done, progress.message
    job.finished = timezone.now()
    job.save()
    if isinstance(progress, TerminalProgress):
        progress.close()
    return job


def job_enqueue(*, kind: str, actor: Any, params: dict | None = None, input_file: Any = None) -> Job:
    """Create a job and queue it once the surrounding transaction commits."""
    from fupin.core.tasks import run_job

    job = Job(kind=kind, actor=actor, params=params or {})
    if input_file is not None:
        job.input_file.save(getattr(input_file, "name", "upload"), input_file, save=False)
    job.save()
    transaction.on_commit(lambda: run_job.enqueue(str(job.pk)))
    return job
