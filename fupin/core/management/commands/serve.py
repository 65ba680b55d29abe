"""`fupin serve`: the embedded deployment — gunicorn and the background-job worker together.

Both run as child processes of this command. SIGINT/SIGTERM are forwarded to both; when
either child exits, the other is stopped and the command exits with the first one's code,
so a supervisor (systemd, a terminal) sees one process that lives and dies as a unit.
Scaled-out deployments run gunicorn and `fupin db_worker` (or the rq worker) separately.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

DB_BACKEND = "django_tasks_db.DatabaseBackend"
STOP_GRACE = 20  # seconds a child gets to finish its request/task after SIGTERM


class Command(BaseCommand):
    help = "运行网站（gunicorn）和后台任务进程（db_worker），直到收到 Ctrl-C 或其中一个退出"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="监听地址（默认 127.0.0.1:8000）")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn 工作进程数（默认 2）")
        parser.add_argument("--threads", type=int, default=4, help="每个工作进程的线程数（默认 4）")
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程（由别处运行 worker 时）")

    def handle(self, *args: Any, bind: str, workers: int, threads: int, no_worker: bool, **options: Any) -> None:
        if workers < 1 or threads < 1:
            raise CommandError("--workers 和 --threads 至少为 1")
        web = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", bind]
        web += ["--workers", str(workers), "--threads", str(threads), "--timeout", "120"]
        web += ["--graceful-timeout", str(STOP_GRACE), "--access-logfile", "-", "--forwarded-allow-ips", "127.0.0.1"]
        if gunicorn_version() >= (27,):
            # gunicorn 27 opens a control socket in ~/.gunicorn by default; two instances on
            # one machine would fight over it, and nothing here uses it.
            web.append("--no-control-socket")
        commands: dict[str, list[str]] = {"web": web}
        # whitenoise serves from the finders, but warns at every start when STATIC_ROOT is missing.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        backend = settings.TASKS["default"]["BACKEND"]
        if no_worker:
            self.stdout.write("未启动后台任务进程（--no-worker）。")
        elif backend == DB_BACKEND:
            commands["worker"] = [sys.executable, "-m", "fupin", "db_worker", "--interval", "1"]
        else:
            self.stdout.write(f"任务后端为 {backend}：请另行运行该后端的 worker。")
        self.stdout.write(f"fupin 正在运行：http://{bind}/  （Ctrl-C 停止）")
        code = run_together(commands, stdout=self.stdout)
        if code:
            raise CommandError(f"子进程退出，代码 {code}", returncode=code)


def gunicorn_version() -> tuple[int, ...]:
    import gunicorn

    return tuple(gunicorn.version_info)


def run_together(commands: dict[str, list[str]], *, stdout: Any) -> int:
    """Start every command, forward SIGINT/SIGTERM, and stop all when one exits.

    Returns 0 after a requested stop, otherwise the exit code of the child that ended first."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    children: dict[str, subprocess.Popen] = {}
    requested = False

    def terminate_all() -> None:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    def on_signal(signum: int, frame: object) -> None:
        nonlocal requested
        requested = True
        terminate_all()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        for name, argv in commands.items():
            children[name] = subprocess.Popen(argv, env=env)  # noqa: S603 — our own interpreter and arguments
        first_code: int | None = None
        while first_code is None:
            for name, child in children.items():
                code = child.poll()
                if code is not None:
                    if not requested:
                        stdout.write(f"{name} 已退出（代码 {code}），正在停止其余进程……")
                    first_code = code
                    break
            else:
                time.sleep(0.3)
        terminate_all()
        deadline = time.monotonic() + STOP_GRACE + 5
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        return 0 if requested else first_code
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        for child in children.values():
            if child.poll() is None:
                child.kill()
