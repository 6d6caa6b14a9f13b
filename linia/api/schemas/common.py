"""Shapes shared by every router: ids, references, pages, errors, and the input base class."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from ninja import Path, Schema
from pydantic import AfterValidator, ConfigDict, Field, field_validator

MAX_ID = 2**63 - 1
MAX_OFFSET = 10**9

# A database id: positive and within a 64-bit integer, so that no lookup overflows.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]

# A path parameter: a ticket number or a database id.
TicketNumber = Annotated[int, Path(..., ge=1, le=MAX_ID, description="The ticket number.")]
PathId = Annotated[int, Path(..., ge=1, le=MAX_ID)]

T = TypeVar("T")


class InputSchema(Schema):
    """Base of every request body: unknown fields and NUL characters are refused (422)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError(_("NUL characters are not allowed"))
        return value


def check_email(value: str) -> str:
    """An e-mail address, lower-cased; "" stays "" (raises ValueError for anything else)."""
    value = value.strip().lower()
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError(_("Enter a valid e-mail address")) from None
    return value


# An e-mail address or "" (lower-cased).
Email = Annotated[str, Field(max_length=254), AfterValidator(check_email)]


class NamedRef(Schema):
    id: int
    name: str


class PersonRef(Schema):
    id: int
    name: str
    email: str


class Page(Schema, Generic[T]):
    """One page of a list: the items and how many there are in all."""

    items: list[T]
    count: int


class PageParams(Schema):
    limit: int = Field(
        25, ge=1, description="Items per page (capped at settings.LINIA_API_MAX_PAGE_SIZE)."
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")


class CursorPage(Schema, Generic[T]):
    """One page of a long list, paged by cursor: pass `next_cursor` as `after` for the next
    page (empty on the last one). `count` stops at 10,000 (1,000 for a list filtered by text):
    beyond, `count_exact` is false."""

    items: list[T]
    count: int
    count_exact: bool = True
    next_cursor: str = ""


class CursorParams(Schema):
    after: str = Field(
        "",
        max_length=64,
        description="The `next_cursor` of the previous page; the list continues after it "
        "whatever its depth (`offset` must then be 0).",
    )


class ErrorOut(Schema):
    code: str = Field(description="Stable, machine-readable error code.")
    message: str = Field(description="Readable, translated explanation.")


class InvalidOut(ErrorOut):
    errors: list[dict[str, Any]] = Field(description="One entry per invalid input field.")


ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    413: ErrorOut,
    422: InvalidOut,
}
