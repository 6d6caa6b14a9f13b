"""With REDIS_URL set, background work goes through a real Redis (the production queue).

Settings choose `huey.PriorityRedisHuey` when REDIS_URL is set; this drives that class
against the Redis server on 127.0.0.1:6379: a task is enqueued, stored in Redis, taken off the
queue and run, as a consumer on another machine would.
"""

from __future__ import annotations

import uuid

import pytest
from huey import PriorityRedisHuey

pytestmark = pytest.mark.real_server


@pytest.fixture
def queue(redis_url):
    huey = PriorityRedisHuey(f"linia-test-{uuid.uuid4().hex}", url=redis_url, immediate=False)
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

    url = "redis://redis.example:6379/3"
    monkeypatch.setenv("REDIS_URL", url)
    reloaded = importlib.reload(settings_module)
    try:
        assert reloaded.HUEY["huey_class"] == "huey.PriorityRedisHuey"
        assert reloaded.HUEY["url"] == url
        # The cache every web process shares (log-in and second-factor failure counts).
        assert reloaded.CACHES["default"]["BACKEND"].endswith("RedisCache")
        assert reloaded.CACHES["default"]["LOCATION"] == url
    finally:
        monkeypatch.delenv("REDIS_URL")
        importlib.reload(settings_module)
