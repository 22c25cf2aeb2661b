"""Settings for the test suite: the same settings with fast hashing and inline jobs."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("WHITEWALL_ENV", "test")

from whitewall.config.settings import *  # noqa: E402,F403
from whitewall.config.settings import DATA_DIR, DATABASES, HUEY  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303 - tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HUEY = {**HUEY, "immediate": True}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = (
        {"NAME": str(DATA_DIR / "test.sqlite3")} if os.environ.get("WHITEWALL_TEST_FILE_DB") else {}
    )
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
if CACHES["default"]["BACKEND"].endswith("RedisCache"):  # noqa: F405
    # One Redis serves every parallel test worker: keep their keys apart.
    CACHES["default"]["KEY_PREFIX"] = "test-" + os.environ.get("PYTEST_XDIST_WORKER", "main")  # noqa: F405

from whitewall.testapps import discover as _discover_test_apps  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, *_discover_test_apps()]  # noqa: F405

# The audit table refuses UPDATE/DELETE; tests that flush it (or tamper on purpose) may lift that.
WHITEWALL_AUDIT_TEST_BYPASS = True
# Checkpoints belong to one database: tests never read or write the development data dir's file.
WHITEWALL_AUDIT_CHECKPOINT_FILE = (
    Path(tempfile.gettempdir()) / f"whitewall-test-{os.getpid()}" / "audit" / "checkpoints.jsonl"
)
