"""Test settings: the production module with fast, isolated overrides."""

import os
import tempfile
from pathlib import Path

# Each pytest-xdist worker gets a runtime directory of its own (uploads, task queue): workers
# inherit the controller's environment, so a shared one would mix their files.
if os.environ.get("PYTEST_XDIST_WORKER") or "LINIA_VAR_DIR" not in os.environ:
    os.environ["LINIA_VAR_DIR"] = tempfile.mkdtemp(prefix="linia-test-")

from .settings import *  # noqa: F403
from .settings import HUEY, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The credential vault's key for tests (never used outside them).
LINIA_ENCRYPTION_KEYS = ["8b--RfY_qG55r5hta2q0CgVpw7vbvICJCma2ge8TInM="]
HUEY = {**HUEY, "immediate": True}
MEDIA_ROOT = Path(VAR_DIR) / "media"
(Path(VAR_DIR) / "static").mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
