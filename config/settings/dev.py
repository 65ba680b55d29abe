"""Settings for `make demo` and a developer's machine: a key of its own under var/."""

import os

os.environ.setdefault("FUPIN_MODE", "demo")

from config.settings.base import *  # noqa: F403
