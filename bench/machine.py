"""What the figures were measured on: processor, memory, database and software versions."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sqlite3
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except (OSError, ValueError):
        pass
    return None


def _git_revision(repo: Path) -> str:
    try:
        revision = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=repo, capture_output=True, text=True,
            timeout=10, check=True,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=repo,
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return "?"
    return revision + ("+changes" if dirty else "")


def describe(repo: Path, database: str, database_version: str) -> dict[str, Any]:
    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "?"

    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "database": database,
        "database_version": database_version,
        "sqlite_library": sqlite3.sqlite_version,
        "linia_revision": _git_revision(repo),
        "django": version("Django"),
        "django_ninja": version("django-ninja"),
        "gunicorn": version("gunicorn"),
        "psycopg": version("psycopg"),
        "load_average_at_start": load_average(),
        "cpu_probe_ms_at_start": cpu_probe_ms(),
    }


def cpu_probe_ms(rounds: int = 5) -> float:
    """Milliseconds this machine takes for a fixed piece of pure-Python work (the median of
    `rounds`). The same work on the same machine takes the same time unless the CPU is shared
    or slowed: a run whose probe took twice as long as another's measured on a machine half as
    fast, whatever the code did (seen here: the same page at 16 ms p50 at 16:00 and 35 ms at
    16:35)."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        total = 0
        for number in range(200_000):
            total += number * number % 7
        "".join(str(number) for number in range(40_000))
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 1)


def load_average() -> list[float]:
    """1-, 5- and 15-minute load averages: above the core count, other work shared the CPUs."""
    return [round(value, 2) for value in os.getloadavg()]
