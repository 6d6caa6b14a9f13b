"""Timed request loops: warm-up, then up to `requests` requests (or `max_seconds`, whichever
comes first) from `concurrency` threads, each with its own kept-alive connection."""

from __future__ import annotations

import http.client
import math
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from bench.client import Client

BodyFactory = Callable[[int], bytes]


@dataclass(frozen=True)
class Spec:
    """One measure: who asks what, and what answer counts as success."""

    system: str  # "linia" or "helpdesk"
    key: str
    label: str
    path: str
    method: str = "GET"
    session: str = ""  # which logged-in client to use (a key of the session dict)
    body: BodyFactory | None = None
    headers: dict[str, str] = field(default_factory=dict)
    expect: tuple[int, ...] = (200,)
    concurrency: int = 1
    warmup: int = 5
    query_user: str = ""  # for the in-process query count (empty: not counted)
    query_headers: dict[str, str] = field(default_factory=dict)
    items: int = 1  # things made or read per request (e.g. tickets of a batch create)


@dataclass
class Result:
    system: str
    key: str
    label: str
    method: str
    path: str
    concurrency: int
    status: int | None = None
    requests: int = 0
    errors: int = 0
    p50_ms: float | None = None
    p95_ms: float | None = None
    max_ms: float | None = None
    mean_ms: float | None = None
    per_second: float | None = None
    items_per_second: float | None = None  # per_second × Spec.items, when items > 1
    seconds: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)
    queries: int | None = None
    note: str = ""

    @property
    def available(self) -> bool:
        return self.p50_ms is not None

    def record_latencies(self, seconds: list[float]) -> None:
        """p50, p95, max and mean (ms) of successful answers' latencies, given in seconds."""
        latencies = sorted(seconds)
        self.p50_ms = round(percentile(latencies, 0.50) * 1000, 1)
        self.p95_ms = round(percentile(latencies, 0.95) * 1000, 1)
        self.max_ms = round(latencies[-1] * 1000, 1)
        self.mean_ms = round(sum(latencies) / len(latencies) * 1000, 1)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of sorted `values`."""
    index = max(0, math.ceil(share * len(values)) - 1)
    return values[index]


def run(spec: Spec, client: Client, *, requests: int, max_seconds: float) -> Result:
    result = Result(spec.system, spec.key, spec.label, spec.method, spec.path, spec.concurrency)
    started_at = time.monotonic()
    deadline = started_at + max_seconds
    # Warm-up (not timed, at most a quarter of the time limit); it also tells whether the
    # endpoint exists yet.
    counter = 0
    for _ in range(spec.warmup):
        try:
            answer = _send(spec, client, counter)
        except (OSError, http.client.HTTPException) as error:  # e.g. the 60 s read time-out
            client.close()
            result.note = f"failed during warm-up: {error!r}"[:160]
            return result
        counter += 1
        result.status = answer.status
        if answer.status == 404:
            result.note = "n/a (404: not built yet)"
            return result
        if answer.status not in spec.expect:
            result.note = f"failed: HTTP {answer.status} (see the server log in bench/work/logs/)"
            return result
        if time.monotonic() > started_at + max_seconds / 4:
            break
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    issued = 0
    failures: list[str] = []

    def worker(own: Client) -> None:
        nonlocal issued
        while True:
            with lock:
                # At least one timed request, however slow the endpoint is.
                if issued >= requests or (issued and time.monotonic() > deadline):
                    break
                issued += 1
                number = counter + issued
            try:
                answer = _send(spec, own, number)
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    statuses[0] += 1
                    failures.append(repr(error))
                own.close()
                continue
            with lock:
                statuses[answer.status] += 1
                if answer.status in spec.expect:
                    latencies.append(answer.seconds)
        own.close()

    clients = [client if spec.concurrency == 1 else client.clone() for _ in range(spec.concurrency)]
    threads = [threading.Thread(target=worker, args=(own,)) for own in clients]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = round(time.perf_counter() - started, 2)
    result.statuses = {str(code): count for code, count in sorted(statuses.items())}
    result.requests = sum(statuses.values())
    result.errors = result.requests - len(latencies)
    if latencies:
        result.record_latencies(latencies)
        result.per_second = round(len(latencies) / result.seconds, 1) if result.seconds else None
        if spec.items > 1 and result.per_second is not None:
            result.items_per_second = round(result.per_second * spec.items, 1)
    if result.requests < requests:
        result.note = f"stopped at the {max_seconds:.0f}s limit after {result.requests} requests"
    if failures:
        result.note = (result.note + "; " if result.note else "") + failures[0][:120]
    return result


def _send(spec: Spec, client: Client, number: int) -> Any:
    body = spec.body(number) if spec.body else None
    return client.request(spec.method, spec.path, body=body, headers=dict(spec.headers))
