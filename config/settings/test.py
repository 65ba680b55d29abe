"""Settings for the test suite: fast hashing, in-process tasks, a throwaway var/."""

import os
import tempfile

os.environ.setdefault("FUPIN_MODE", "test")
os.environ.setdefault("FUPIN_VAR_DIR", tempfile.mkdtemp(prefix="fupin-test-"))

from config.settings.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
AXES_ENABLED = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
