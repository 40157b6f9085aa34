"""Opaque page tokens for ListTools: where the last page ended, bound to its filters."""

import base64
import binascii
import json
from collections.abc import Iterable

from services.runtime.errors import InvalidArgument
from services.tool_registry.entries import ToolView

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def page_size_of(requested: int) -> int:
    """AIP-158: 0 means the default, larger than the maximum means the maximum."""
    if requested < 0:
        raise InvalidArgument(
            "page_size must not be negative", reason="INVALID_PAGE_SIZE", field="page_size"
        )
    return min(requested or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def encode(after: str, filters: tuple[str, ...]) -> str:
    raw = json.dumps({"after": after, "filters": list(filters)}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(token: str, filters: tuple[str, ...]) -> str:
    """The name the previous page ended at ("" for no token)."""
    if not token:
        return ""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        after, used = str(data["after"]), tuple(data["filters"])
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise InvalidArgument(
            "page_token is malformed", reason="INVALID_PAGE_TOKEN", field="page_token"
        ) from None
    if used != filters:
        raise InvalidArgument(
            "page_token belongs to a listing with other filters",
            reason="INVALID_PAGE_TOKEN",
            field="page_token",
        )
    return after


def select(
    views: Iterable[ToolView], *, tag: str, provider: str, page_size: int, page_token: str
) -> tuple[list[ToolView], str]:
    """Tools by name, filtered by tag and provider service; the page and the next token."""
    size = page_size_of(page_size)
    filters = (tag, provider)
    after = decode(page_token, filters)
    matching = [
        view
        for view in sorted(views, key=lambda v: v.definition.name)
        if view.definition.name > after
        and (not tag or tag in view.definition.tags)
        and (not provider or any(p.service == provider for p in view.providers))
    ]
    page = matching[:size]
    next_token = encode(page[-1].definition.name, filters) if len(matching) > size else ""
    return page, next_token
