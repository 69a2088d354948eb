"""Declarations every API endpoint shares, so that the OpenAPI schema says the same thing everywhere:
the error body, which error codes an operation documents, page sizes and the AGS path parameter."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import WithJsonSchema

# One page size for every list in the API (search hits, register, peers, hosts, suppliers).
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 50
MAX_PAGE = 1000

AGS_PATTERN = r"^[0-9]{8}$"
# Free text: anything but control characters (the search and the NUL guard answer 400 to those).
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"


class ErrorOut(Schema):
    error: str = Field(..., description="Maschinenlesbarer Fehlercode, z. B. invalid_parameter oder not_found")
    detail: str = Field(..., description="Was nicht stimmt, als deutscher Satz")


def responses(ok: Any, *errors: int) -> dict[int, Any]:
    """The documented answers of an operation: ``ok`` for 200, the error body for each status in ``errors``
    (400 is always there: every operation validates its parameters)."""
    return {200: ok, **dict.fromkeys(sorted({400, *errors}), ErrorOut)}


def documented(description: str, **schema: Any) -> Any:
    """A string parameter whose format the schema states but the view checks itself (with its own error
    code), e.g. ``ags: Annotated[str, documented(...)]``."""
    return WithJsonSchema({"type": "string", "description": description, **schema})


# The AGS in a path; ``municipality_or_error`` checks it, so that a malformed AGS keeps its code invalid_ags.
Ags = Annotated[str, documented("Amtlicher Gemeindeschlüssel, 8 Ziffern", pattern=AGS_PATTERN)]
