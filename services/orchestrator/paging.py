"""ListTrips paging: page sizes and opaque page tokens, shared by every store.

A token is the URL-safe base64 of the last trip's sort key (create time in
microseconds, id), so that the next page starts strictly after it even while
new trips are added.
"""

import base64
import binascii
import re
from dataclasses import dataclass

from services.runtime.errors import InvalidArgument

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
_KEY = re.compile(r"(\d{1,20}):([a-z0-9-]{1,63})")


@dataclass(frozen=True, order=True)
class PageKey:
    """Where a page ends, in newest-first order."""

    create_time_us: int
    trip_id: str


def page_size(requested: int) -> int:
    """The page size to use: 0 means the default, more than the maximum means the maximum."""
    if requested < 0:
        raise InvalidArgument(
            f"page_size must not be negative, got {requested}",
            reason="INVALID_PAGE_SIZE",
            field="page_size",
        )
    return min(requested or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def encode_token(key: PageKey) -> str:
    raw = f"{key.create_time_us}:{key.trip_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str) -> PageKey | None:
    """The key a token stands for (None for the first page); INVALID_ARGUMENT when malformed."""
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    match = _KEY.fullmatch(raw)
    if match is None:
        raise InvalidArgument(
            "page_token is not a token from a previous ListTrips response",
            reason="INVALID_PAGE_TOKEN",
            field="page_token",
        )
    return PageKey(int(match.group(1)), match.group(2))
