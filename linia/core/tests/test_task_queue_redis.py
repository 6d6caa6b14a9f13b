"""With REDIS_URL set, background work goes through a real Redis (the production queue).

Settings choose `huey.PriorityRedisHuey` when REDIS_URL is set; this drives that class
against the Redis server on 127.0.0.1:6379: a task is enqueued, stored in Redis, taken off the
queue and run, as a consumer on another machine would.
"""

from __future__ import annotations

import os
import uuid

import pytest
import redis
from huey import PriorityRedisHuey

pytestmark = pytest.mark.real_server

REDIS_URL = os.environ.get("LINIA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def queue():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"no Redis at {REDIS_URL} ({error}); CI starts one (scripts/start-services.sh)")
    huey = PriorityRedisHuey(f"linia-test-{uuid.uuid4().hex}", url=REDIS_URL, immediate=False)
    yield huey
    huey.flush()


def test_a_task_travels_through_redis_and_runs_once(queue):
    done: list[int] = []

    @queue.task()
    def add_task(a: int, b: int) -> int:
        done.append(a + b)
        return a + b

    result = add_task(2, 3)

    assert (queue.pending_count(), done) == (1, [])
    queue.execute(queue.dequeue())
    assert (queue.pending_count(), done) == (0, [5])
    assert result.get() == 5


def test_the_settings_pick_redis_when_redis_url_is_set(monkeypatch):
    import importlib

    import linia.config.settings as settings_module

    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    reloaded = importlib.reload(settings_module)
    try:
        assert reloaded.HUEY["huey_class"] == "huey.PriorityRedisHuey"
        assert reloaded.HUEY["url"] == REDIS_URL
    finally:
        monkeypatch.delenv("REDIS_URL")
        importlib.reload(settings_module)
