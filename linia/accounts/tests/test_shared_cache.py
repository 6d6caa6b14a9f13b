# ruff: noqa: S603  (runs our own interpreter as a second web worker)
"""Wrong second-factor codes are counted where every web process sees them.

Each gunicorn worker is its own process. The failure count (and allauth's log-in rate limits)
live in the default cache, which must therefore be shared: Redis when REDIS_URL is set, files
under LINIA_VAR_DIR otherwise. Here another Python process, started with the production
settings, plays the second worker: it records the wrong codes, and this process must refuse
the next one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.test import override_settings

from linia.accounts import mfa

REPO = Path(__file__).resolve().parents[3]
USER_ID = 4242


def other_worker_records_failures(env: dict[str, str], times: int) -> None:
    script = (
        "import django; django.setup()\n"
        "from linia.accounts import mfa\n"
        f"for _ in range({times}): mfa.record_failure({USER_ID})\n"
    )
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "PYTEST_XDIST_WORKER", "DATABASE_URL"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="linia.config.settings", **env)
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=environment,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_without_redis_the_workers_of_one_machine_share_the_count():
    assert settings.CACHES["default"]["BACKEND"].endswith("FileBasedCache")
    other_worker_records_failures({"LINIA_VAR_DIR": str(settings.VAR_DIR)}, mfa.MAX_FAILURES - 1)
    assert not mfa.too_many_failures(USER_ID)
    mfa.record_failure(USER_ID)
    assert mfa.too_many_failures(USER_ID)
    assert not mfa.verify_totp_code(USER_ID, "123456")


@pytest.mark.real_server
def test_with_redis_every_machine_shares_the_count(redis_url):
    prefix = f"linia-test-{uuid.uuid4().hex}"
    shared = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": redis_url,
        "KEY_PREFIX": prefix,
    }
    try:
        other_worker_records_failures(
            {"REDIS_URL": redis_url, "LINIA_CACHE_PREFIX": prefix}, mfa.MAX_FAILURES
        )
        with override_settings(CACHES={**settings.CACHES, "default": shared}):
            assert mfa.too_many_failures(USER_ID)
            assert not mfa.verify_totp_code(USER_ID, "123456")
    finally:
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
        client.close()
