"""The benchmark's own databases: SQLite files under bench/work/, or PostgreSQL databases
`linia_bench` and `helpdesk_bench` on the server DATABASE_URL names (created and dropped here,
whatever database the URL itself names, so a developer's own database is never touched)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

# BENCH_LINIA_DATABASE / BENCH_PEER_DATABASE name other databases (two runs side by side).
LINIA_DATABASE = os.environ.get("BENCH_LINIA_DATABASE") or "linia_bench"
PEER_DATABASE = os.environ.get("BENCH_PEER_DATABASE") or "helpdesk_bench"


@dataclass(frozen=True)
class BenchDatabase:
    vendor: str  # "sqlite" or "postgresql"
    url: str = ""  # PostgreSQL only
    path: Path | None = None  # SQLite file (Linia: inside its LINIA_VAR_DIR)
    env: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        if self.vendor == "postgresql":
            return urlsplit(self.url).path.lstrip("/")
        return str(self.path)


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _recreate_postgres(url: str) -> None:
    maintenance = _with_database(url, "postgres")
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def scratch_database(database_url: str, suffix: str) -> str:
    """A fresh, empty database `<LINIA_DATABASE>_<suffix>` on the server; drop it after use."""
    url = _with_database(database_url, f"{LINIA_DATABASE}_{suffix}")
    _recreate_postgres(url)
    return url


def drop_postgres(url: str) -> None:
    maintenance = _with_database(url, "postgres")
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def postgres_version(url: str) -> str:
    with psycopg.connect(_with_database(url, "postgres")) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"


def linia_database(work: Path, database_url: str, *, fresh: bool) -> BenchDatabase:
    """Linia's benchmark database, emptied when `fresh`; env for `linia` subprocesses."""
    var_dir = work / "linia-var"
    if fresh and var_dir.exists():
        shutil.rmtree(var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    env = {"LINIA_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "linia.config.settings"}
    if database_url:
        url = _with_database(database_url, LINIA_DATABASE)
        if fresh:
            _recreate_postgres(url)
        return BenchDatabase("postgresql", url=url, env={**env, "DATABASE_URL": url})
    return BenchDatabase("sqlite", path=var_dir / "linia.sqlite3", env={**env, "DATABASE_URL": ""})


def peer_database(work: Path, database_url: str, *, fresh: bool) -> BenchDatabase:
    """django-helpdesk's benchmark database (its settings read BENCH_DATABASE_* variables)."""
    if database_url:
        url = _with_database(database_url, PEER_DATABASE)
        if fresh:
            _recreate_postgres(url)
        parts = urlsplit(url)
        env = {
            "BENCH_DATABASE_ENGINE": "django.db.backends.postgresql",
            "BENCH_DATABASE_NAME": PEER_DATABASE,
            "BENCH_DATABASE_USER": parts.username or "",
            "BENCH_DATABASE_PASSWORD": parts.password or "",
            "BENCH_DATABASE_HOST": parts.hostname or "",
            "BENCH_DATABASE_PORT": str(parts.port or ""),
        }
        return BenchDatabase("postgresql", url=url, env=env)
    path = work / "helpdesk" / "helpdesk.sqlite3"
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    env = {"BENCH_DATABASE_ENGINE": "django.db.backends.sqlite3", "BENCH_DATABASE_NAME": str(path)}
    return BenchDatabase("sqlite", path=path, env=env)
