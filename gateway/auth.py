"""API keys: read once at start, kept only as SHA-256 digests, compared in constant time.

Keys come from TRIPMESH_API_KEYS (comma-separated) and TRIPMESH_API_KEY_FILE, which is
either one key per line or YAML/JSON listing keys with their limits:

    keys:
      - name: mobile-app
        key_hash: sha256:9f86d08...   # sha256 of the key; the file holds no secret
        rpm: 120                     # requests a minute (default: TRIPMESH_RATE_LIMIT)
        usd_per_day: 5.0             # model spend a UTC day (default: no limit)
"""

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BEARER = "bearer "


class KeyFileError(ValueError):
    """The key file cannot be read; the message names TRIPMESH_API_KEY_FILE."""


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


@dataclass(frozen=True)
class ApiKey:
    """A key as the gateway knows it: a name for logs and limits, never the secret."""

    name: str
    digest: bytes
    rpm: int | None = None
    usd_per_day: float | None = None

    @classmethod
    def plain(cls, key: str) -> "ApiKey":
        digest = _digest(key)
        return cls("key-" + digest.hex()[:12], digest)


class ApiKeys:
    """The keys a client may present. Empty: auth is off (and the gateway binds loopback)."""

    def __init__(self, keys: Iterable[ApiKey]) -> None:
        self._keys = list({key.digest: key for key in keys}.values())

    @classmethod
    def from_settings(cls, api_keys: str, api_key_file: Path | None) -> "ApiKeys":
        """Keys of TRIPMESH_API_KEYS (comma-separated) and of the key file."""
        plain = dict.fromkeys(k.strip() for k in api_keys.split(","))
        keys = [ApiKey.plain(key) for key in plain if key]
        if api_key_file is not None:
            keys.extend(read_key_file(api_key_file))
        return cls(keys)

    @property
    def enabled(self) -> bool:
        return bool(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    @property
    def rates(self) -> set[int]:
        """The requests-per-minute limits keys of their own set."""
        return {key.rpm for key in self._keys if key.rpm is not None}

    def lookup(self, presented: str) -> ApiKey | None:
        """The key presented, or None.

        Every stored digest is compared, so that the time taken does not tell
        which key (or how much of one) matched.
        """
        digest = _digest(presented)
        found = None
        for key in self._keys:
            if hmac.compare_digest(digest, key.digest):
                found = key
        return found

    def identify(self, presented: str) -> str | None:
        """A stable, non-secret id of the key presented (for rate limits and logs), or None."""
        key = self.lookup(presented)
        return key.name if key else None


def read_key_file(path: Path) -> list[ApiKey]:
    """The keys of a file: YAML or JSON with names and limits, or one plain key a line."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise KeyFileError(f"TRIPMESH_API_KEY_FILE: cannot read {path}: {exc.strerror}") from None
    import yaml  # here: only a gateway with TRIPMESH_API_KEY_FILE reads YAML (0.8 MB)

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        data = None
    entries = data.get("keys") if isinstance(data, dict) else data
    if isinstance(entries, list) and all(isinstance(e, dict) for e in entries):
        return [_key_of(entry, index) for index, entry in enumerate(entries)]
    lines = (line.strip() for line in text.splitlines())
    return [ApiKey.plain(line) for line in lines if line and not line.startswith("#")]


def _key_of(entry: Mapping[str, Any], index: int) -> ApiKey:
    where = f"TRIPMESH_API_KEY_FILE: keys[{index}]"
    name, key_hash = entry.get("name"), str(entry.get("key_hash", ""))
    if not isinstance(name, str) or not name.strip():
        raise KeyFileError(f"{where}: name is required")
    hex_digest = key_hash.removeprefix("sha256:").lower()
    try:
        digest = bytes.fromhex(hex_digest)
    except ValueError:
        digest = b""
    if len(digest) != 32:
        raise KeyFileError(f"{where} ({name}): key_hash must be sha256:<64 hex digits>")
    rpm, usd = entry.get("rpm"), entry.get("usd_per_day")
    if rpm is not None and (not isinstance(rpm, int) or isinstance(rpm, bool) or rpm < 0):
        raise KeyFileError(f"{where} ({name}): rpm must be a whole number >= 0")
    if usd is not None and (not isinstance(usd, int | float) or isinstance(usd, bool) or usd < 0):
        raise KeyFileError(f"{where} ({name}): usd_per_day must be a number >= 0")
    return ApiKey(name.strip(), digest, rpm, None if usd is None else float(usd))


def presented_key(headers: Mapping[str, str]) -> str | None:
    """The key of `Authorization: Bearer KEY` or `X-API-Key: KEY`, if any."""
    authorization = headers.get("authorization", "")
    if authorization[: len(BEARER)].lower() == BEARER:
        return authorization[len(BEARER) :].strip() or None
    return headers.get("x-api-key", "").strip() or None
