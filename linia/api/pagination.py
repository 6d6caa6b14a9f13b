"""Limit/offset pages: {"items": [...], "count": N}, the page size capped by the settings."""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Model, QuerySet

from .schemas.common import PageParams

M = TypeVar("M", bound=Model)


def paginate(queryset: QuerySet[M], page: PageParams) -> dict[str, Any]:
    """One page of an ordered queryset (two queries: the count and the page)."""
    limit = min(page.limit, settings.LINIA_API_MAX_PAGE_SIZE)
    items = list(queryset[page.offset : page.offset + limit])
    return {"items": items, "count": queryset.count()}
