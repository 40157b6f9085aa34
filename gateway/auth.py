"""API keys: read once at start, kept only as SHA-256 digests, compared in constant time."""

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from pathlib import Path

BEARER = "bearer "


class KeyFileError(ValueError):
    """The key file cannot be read; the message names TRIPMESH_API_KEY_FILE."""


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


class ApiKeys:
    """The keys a client may present. Empty: auth is off (and the gateway binds loopback)."""

    def __init__(self, keys: Iterable[str]) -> None:
        self._digests = [_digest(k) for k in dict.fromkeys(k.strip() for k in keys) if k]

    @classmethod
    def from_settings(cls, api_keys: str, api_key_file: Path | None) -> "ApiKeys":
        """Keys of TRIPMESH_API_KEYS (comma-separated) and of the key file (one per line)."""
        keys = api_keys.split(",")
        if api_key_file is not None:
            keys.extend(read_key_file(api_key_file))
        return cls(keys)

    @property
    def enabled(self) -> bool:
        return bool(self._digests)

    def __len__(self) -> int:
        return len(self._digests)

    def identify(self, presented: str) -> str | None:
        """A stable, non-secret id of the key presented (for rate limits and logs), or None.

        Every stored digest is compared, so that the time taken does not tell
        which key (or how much of one) matched.
        """
        digest = _digest(presented)
        matched = False
        for stored in self._digests:
            matched |= hmac.compare_digest(digest, stored)
        return "key-" + digest.hex()[:12] if matched else None


def read_key_file(path: Path) -> list[str]:
    """Keys of a file, one per line; blank lines and `#` comments are skipped."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise KeyFileError(f"TRIPMESH_API_KEY_FILE: cannot read {path}: {exc.strerror}") from None
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def presented_key(headers: Mapping[str, str]) -> str | None:
    """The key of `Authorization: Bearer KEY` or `X-API-Key: KEY`, if any."""
    authorization = headers.get("authorization", "")
    if authorization[: len(BEARER)].lower() == BEARER:
        return authorization[len(BEARER) :].strip() or None
    return headers.get("x-api-key", "").strip() or None
