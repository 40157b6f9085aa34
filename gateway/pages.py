"""The web pages: the travellers' page (`/`, `/trips/{id}`), the operators' (`/mesh`), the API's
(`/docs`, from /openapi.json) and their static files (`/static/...`), all shipped in the
package and read once at start.

Nothing is fetched from elsewhere: the Content-Security-Policy allows this origin only,
so that a page works offline and a trip's text can never run as script.
"""

import hashlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from gateway.responses import Send, send_response

STATIC_DIR = Path(__file__).parent / "static"
STATIC_PREFIX = "/static/"
_TRIP_PAGE = re.compile(r"/trips/[A-Za-z0-9_-]{1,128}")
_TYPES = {
    ".html": b"text/html; charset=utf-8",
    ".js": b"text/javascript; charset=utf-8",
    ".css": b"text/css; charset=utf-8",
    ".svg": b"image/svg+xml",
}
_SECURITY_HEADERS = (
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    # pages change with the package: revalidate each time, but not refetch (ETag)
    (b"cache-control", b"no-cache"),
)

PageEndpoint = Callable[[Send], Awaitable[None]]


@dataclass(frozen=True)
class StaticFile:
    body: bytes
    content_type: bytes
    etag: bytes

    async def send(self, send: Send) -> None:
        headers = (*_SECURITY_HEADERS, (b"etag", self.etag))
        await send_response(send, 200, self.body, self.content_type, headers)


class Pages:
    """Looks up the page or static file of a path; `None` for every other path."""

    def __init__(self, directory: Path = STATIC_DIR) -> None:
        self._files = {
            STATIC_PREFIX + path.relative_to(directory).as_posix(): _read(path)
            for path in sorted(directory.rglob("*"))
            if path.suffix in _TYPES
        }
        self._pages = {
            "/": self._files[STATIC_PREFIX + "index.html"],
            "/mesh": self._files[STATIC_PREFIX + "mesh.html"],
            "/docs": self._files[STATIC_PREFIX + "docs.html"],
        }

    def lookup(self, raw_path: str) -> tuple[str, PageEndpoint] | None:
        """(route label, endpoint) of a page or static file."""
        found = self._pages.get(raw_path) or self._files.get(raw_path)
        if found is not None:
            label = raw_path if raw_path in self._pages else STATIC_PREFIX + "*"
            return label, partial(StaticFile.send, found)
        if _TRIP_PAGE.fullmatch(raw_path):
            return "/trips/{trip}", partial(StaticFile.send, self._pages["/"])
        return None


def _read(path: Path) -> StaticFile:
    body = path.read_bytes()
    etag = b'"' + hashlib.sha256(body).hexdigest()[:16].encode() + b'"'
    return StaticFile(body, _TYPES[path.suffix], etag)
