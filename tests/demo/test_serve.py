"""`fupin serve` keeps gunicorn and the worker together: when one ends, both end."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from io import StringIO

from fupin.core.management.commands.serve import run_together

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_when_one_child_dies_the_other_is_stopped_and_its_code_returned():
    out = StringIO()
    started = time.monotonic()
    code = run_together({"web": SLEEPER, "worker": [sys.executable, "-c", "import sys; sys.exit(3)"]}, stdout=out)
    assert code == 3
    assert "worker 已退出（代码 3）" in out.getvalue()
    assert time.monotonic() - started < 30  # the sleeper was terminated, not waited for


def test_sigterm_is_forwarded_and_counts_as_a_clean_stop():
    before = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        code = run_together({"web": SLEEPER, "worker": SLEEPER}, stdout=StringIO())
    finally:
        timer.cancel()
    assert code == 0
    assert signal.getsignal(signal.SIGTERM) is before  # our handler is removed again
