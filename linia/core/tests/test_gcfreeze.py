"""The web worker freezes what it holds after its first requests, and only then."""

from __future__ import annotations

from typing import Any

import pytest

from linia.core import gcfreeze
from linia.core.gcfreeze import FreezeLongLivedObjects


def test_freezes_after_the_given_request_counts_only(monkeypatch):
    calls: list[tuple[str, int]] = []
    app = FreezeLongLivedObjects(lambda environ, start_response: [b"ok"], after=frozenset({1, 3}))
    monkeypatch.setattr(gcfreeze.gc, "collect", lambda: calls.append(("collect", app.served)))
    monkeypatch.setattr(gcfreeze.gc, "freeze", lambda: calls.append(("freeze", app.served)))

    answers = [app({}, lambda *args: None) for _ in range(5)]

    assert answers == [[b"ok"]] * 5
    assert calls == [("collect", 1), ("freeze", 1), ("collect", 3), ("freeze", 3)]


def test_a_failing_request_still_counts(monkeypatch):
    frozen: list[int] = []

    def broken(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise RuntimeError("boom")

    app = FreezeLongLivedObjects(broken, after=frozenset({1}))
    monkeypatch.setattr(gcfreeze.gc, "collect", lambda: None)
    monkeypatch.setattr(gcfreeze.gc, "freeze", lambda: frozen.append(app.served))

    with pytest.raises(RuntimeError, match="boom"):
        app({}, lambda *args: None)

    assert frozen == [1]


def test_the_production_application_is_wrapped():
    from linia.config.wsgi import application

    assert isinstance(application, FreezeLongLivedObjects)
