"""Keep the cyclic garbage collector off the objects a web worker keeps for its whole life.

A worker holds ~190,000 container objects once it has served each kind of page (modules,
URL patterns, compiled templates, translations, the stemmers' tables, the search caches).
CPython's oldest-generation collection walks all of them: measured at a million tickets, one
took 140–200 ms, landing on whichever request triggered it, and made the long tail of the
slower pages (the desk's knowledge-base list: p50 ~100 ms, p90 ~230 ms in-process).
`gc.freeze()` moves every object alive at that moment out of the collector's reach (they are
still freed by reference counting); it is called after a full collection, so no garbage is
frozen, at a few request counts while the worker fills its caches.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable
from typing import Any

# After how many requests a worker freezes what it holds (spaced out: the later freezes
# catch what rarely visited pages load).
FREEZE_AFTER = frozenset({1, 10, 100, 1000})

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class FreezeLongLivedObjects:
    """WSGI middleware: serve the request, then, at the FREEZE_AFTER'th request, collect
    and freeze (once per count, whichever thread gets there)."""

    def __init__(self, app: WsgiApp, *, after: frozenset[int] = FREEZE_AFTER) -> None:
        self.app = app
        self.after = after
        self.served = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        try:
            return self.app(environ, start_response)
        finally:
            with self.lock:
                self.served += 1
                freeze = self.served in self.after
            if freeze:
                gc.collect()
                gc.freeze()
