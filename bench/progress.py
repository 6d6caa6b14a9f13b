"""A tiny progress printer for long data builds (stderr; a bar on a terminal, lines in logs)."""

from __future__ import annotations

import sys
import time
from types import TracebackType


class Progress:
    """Counts work done towards `total` and redraws at most every `interval` seconds."""

    def __init__(self, label: str, total: int, *, unit: str = "rows", interval: float = 0.25):
        self.label = label
        self.total = max(total, 1)
        self.unit = unit
        self.interval = interval
        self.done = 0
        self.started = time.perf_counter()
        self._last_draw = 0.0
        self._last_decile = -1
        self._tty = sys.stderr.isatty()

    def __enter__(self) -> Progress:
        self._draw(force=True)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._draw(force=True, final=True)

    def advance(self, amount: int = 1) -> None:
        self.done += amount
        self._draw()

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def _draw(self, *, force: bool = False, final: bool = False) -> None:
        now = time.perf_counter()
        fraction = min(self.done / self.total, 1.0)
        if self._tty:
            if not force and now - self._last_draw < self.interval:
                return
        else:
            decile = int(fraction * 10)
            if not final and (decile == self._last_decile and not force):
                return
            self._last_decile = decile
        self._last_draw = now
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        remaining = (self.total - self.done) / rate if rate > 0 else 0.0
        width = 28
        filled = int(fraction * width)
        bar = "█" * filled + "·" * (width - filled)
        text = (
            f"{self.label:<22} {bar} {fraction * 100:5.1f}% "
            f"{self.done:>10,}/{self.total:,} {self.unit} {rate:>9,.0f}/s "
            + (f"{elapsed:6.1f}s" if final else f"eta {remaining:5.0f}s")
        )
        if self._tty:
            sys.stderr.write("\r" + text + ("\n" if final else ""))
        else:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()
