"""Shared fixtures: a small world of two client organizations served by different teams.

`world` builds it for each test. `shared_world` builds it once per test module and rolls each
test back to it (like TestCase.setUpTestData): use it for large parametrized tables, do not
change the world's objects in memory, and keep transactional tests out of such modules.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.utils import translation

from linia.directory.tests.factories import World, build_world

__all__ = ["World"]


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def shared_world(_module_world: World, db) -> World:
    return _module_world


# The Redis the tests may use (a database of its own; CI starts the server).
TEST_REDIS_URL = os.environ.get("LINIA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_url() -> str:
    """The test Redis's URL, once it answers; the test is skipped when none does (a failure
    under CI for tests marked real_server)."""
    import redis

    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(
            f"no Redis at {TEST_REDIS_URL} ({error}); CI starts one (scripts/start-services.sh)"
        )
    finally:
        client.close()
    return TEST_REDIS_URL


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    # A request activates the user's (or browser's) language for the whole thread; with the
    # ru/uk/pl catalogs shipped, that would leak into the next test. Every test starts in English.
    translation.deactivate()
    yield
    translation.deactivate()


# --- CI guard: under CI a skipped browser or PostgreSQL test fails the run ------------------
# A green CI must mean the real-browser and real-server suites ran. Browser tests must never
# skip under CI; `postgres` tests must not skip in the run whose DATABASE_URL is PostgreSQL
# (in the SQLite run they skip by design).
_CI_REQUIRED_SKIPS: list[str] = []


def _ci_requires(keywords) -> bool:
    if "browser" in keywords or "real_server" in keywords:
        return True
    return "postgres" in keywords and os.environ.get("DATABASE_URL", "").startswith("postgres")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and os.environ.get("CI") == "true" and _ci_requires(report.keywords):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _CI_REQUIRED_SKIPS.append(f"{report.nodeid}: {reason}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _CI_REQUIRED_SKIPS and not hasattr(session.config, "workerinput"):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if _CI_REQUIRED_SKIPS and not hasattr(config, "workerinput"):
        terminalreporter.section("CI: required suites were skipped", sep="=", red=True)
        for line in _CI_REQUIRED_SKIPS:
            terminalreporter.write_line(line)
        terminalreporter.write_line(
            "Under CI=true a skipped `browser` test (or `postgres` test on PostgreSQL) fails the run."
        )


@pytest.fixture(autouse=True)
def _empty_caches() -> Iterator[None]:
    # Drawn fragments are kept per process under ids that a rolled-back test may hand out
    # again (SQLite reuses them), and the shared cache counts failures per user id: every
    # test starts with both empty.
    from django.core.cache import caches

    for alias in ("default", "fragments"):
        caches[alias].clear()
    yield
    for alias in ("default", "fragments"):
        caches[alias].clear()
