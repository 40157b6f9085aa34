"""The audit log: one JSON line per /v1 request, in its own file (TRIPMESH_AUDIT_LOG).

Who did what and how it ended: the key's id (a digest prefix, never the key), the
client address, method, route template (never the raw path, which can be anything a
client sends), status, request id and duration. A WatchedFileHandler, so that
logrotate can move the file; the file is created 0600.
"""

import logging
import logging.handlers
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from gateway.exchange import Exchange
from services.runtime.private_files import make_private_file


class AuditLog:
    """Writes audit lines to `path`; `keys_enabled` says whether `exchange.client` is a key."""

    def __init__(self, path: Path, keys_enabled: bool) -> None:
        self.path = make_private_file(path)
        self._keys_enabled = keys_enabled
        self._logger = logging.Logger(f"tripmesh.audit.{path}")  # not in the logging tree
        handler = logging.handlers.WatchedFileHandler(self.path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(message)s"))
        self._logger.addHandler(handler)
        self._handler = handler

    def record(self, exchange: Exchange, scope: Mapping[str, Any], seconds: float) -> None:
        """One line for an API request; other paths (health, metrics, docs) are not audited."""
        if not exchange.is_api:
            return
        client = scope.get("client")
        line = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "key": (exchange.client or None) if self._keys_enabled else None,
            "client": str(client[0]) if client else None,
            "method": exchange.method,
            "route": exchange.label,
            "status": exchange.status,
            "request_id": exchange.request_id,
            "duration_ms": round(seconds * 1000, 2),
        }
        # Straight to the handler: what Logger.info adds (finding the caller's frame,
        # filters, the level) is a third of the line's cost and nothing the line needs.
        text = orjson.dumps(line).decode()  # compact, as json.dumps(separators=(",", ":"))
        record = logging.LogRecord(self._logger.name, logging.INFO, "", 0, text, None, None)
        self._handler.handle(record)

    def close(self) -> None:
        for handler in list(self._logger.handlers):
            handler.close()
            self._logger.removeHandler(handler)


def audit_log_path(data_dir: Path, setting: str) -> Path | None:
    """Where the audit log goes: TRIPMESH_AUDIT_LOG, relative to the data directory; None
    when it is set empty (off)."""
    if not setting:
        return None
    return data_dir / setting  # an absolute setting stays absolute
