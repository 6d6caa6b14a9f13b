"""Web servers under test: gunicorn started the way `linia serve` starts it, on 127.0.0.1 at a
free port, with a start-up deadline, and always stopped (process group, then SIGKILL)."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

START_TIMEOUT = 90.0
STOP_TIMEOUT = 20.0
WORKERS = 2
THREADS = 4


class ServerError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def gunicorn_argv(python: Path, app: str, port: int) -> list[str]:
    """The command line of linia/core/management/commands/serve.py's web process (workers,
    threads, worker class, graceful timeout), used for both systems."""
    return [
        str(python), "-m", "gunicorn", app,
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(WORKERS),
        "--threads", str(THREADS),
        "--worker-class", "gthread",
        "--graceful-timeout", "15",
        "--no-control-socket",
        "--log-level", "warning",
    ]  # fmt: skip


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    worker_peaks: dict[int, int] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return "127.0.0.1"

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: the master's child processes."""
        children = []
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            # Fields after the command name (which may hold spaces) start after the last ')'.
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == self.process.pid:
                children.append(int(entry.name))
        return children

    def sample_memory(self) -> None:
        """Record each worker's peak resident set (VmHWM, KiB) as seen now."""
        for pid in self.worker_pids():
            peak = _status_kib(pid, "VmHWM")
            if peak:
                self.worker_peaks[pid] = max(peak, self.worker_peaks.get(pid, 0))

    def peak_worker_rss_mib(self) -> float | None:
        self.sample_memory()
        if not self.worker_peaks:
            return None
        return round(max(self.worker_peaks.values()) / 1024, 1)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def _status_kib(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return 0


def _answers(port: int, path: str) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        connection.getresponse().read()
        return True
    except OSError:
        return False
    finally:
        connection.close()


@contextlib.contextmanager
def running(
    name: str,
    argv: list[str],
    *,
    env: dict[str, str],
    cwd: Path,
    log_path: Path,
    port: int,
    probe: str = "/",
    timeout: float = START_TIMEOUT,
) -> Iterator[Server]:
    """Start a server, wait until it answers HTTP on `probe`, yield it, and stop it whatever
    happens (its own process group, so workers go too)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(name=name, process=process, port=port, log_path=log_path)
    try:
        deadline = time.monotonic() + timeout
        while not _answers(port, probe):
            if process.poll() is not None:
                raise ServerError(f"{name} exited with {process.returncode}:\n{server.log_tail()}")
            if time.monotonic() > deadline:
                raise ServerError(
                    f"{name} did not answer within {timeout:.0f}s:\n{server.log_tail()}"
                )
            time.sleep(0.25)
        # Both workers must be up before anything is timed.
        while len(server.worker_pids()) < WORKERS and time.monotonic() < deadline:
            time.sleep(0.1)
        yield server
    finally:
        server.stop()
