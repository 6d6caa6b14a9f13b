from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # allauth counts failed log-ins and reset requests in the cache; tests must not share them.
    cache.clear()
    yield
    cache.clear()
