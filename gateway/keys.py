"""GET /v1/keys/me: the caller's key, its limits and what is left of today's model budget."""

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime

from gateway.errors import gateway_error
from gateway.exchange import exchange_of
from gateway.responses import Receive, Scope, Send, send_response
from services.runtime.errors import NotFound, Unimplemented
from services.runtime.state.spend import SpendLedger, reset_time

PATH = "/v1/keys/me"

_NUMBER_OR_NULL = {"type": ["number", "null"]}
OPERATION = {
    "operationId": "GetMyKey",
    "summary": "The caller's API key: its limits and what is left of today's model budget.",
    "description": (
        "Served by the gateway itself (no RPC behind it). `spentUsdToday` and"
        " `remainingUsdToday` are null when the spend is not known here: without shared"
        " state (TRIPMESH_STATE_URL) each agent process keeps its own. `resetTime` is the"
        " next UTC midnight, when the day's budget starts again."
    ),
    "tags": ["Keys"],
    "security": [{"bearer": []}, {"apiKey": []}],
    "responses": {
        "200": {
            "description": "The caller's key.",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["name", "requestsPerMinute", "resetTime"],
                        "properties": {
                            "name": {"type": "string", "description": "The key's name."},
                            "requestsPerMinute": {"type": "integer", "minimum": 0},
                            "usdPerDay": _NUMBER_OR_NULL,
                            "spentUsdToday": _NUMBER_OR_NULL,
                            "remainingUsdToday": _NUMBER_OR_NULL,
                            "resetTime": {"type": "string", "format": "date-time"},
                        },
                    }
                }
            },
        },
        **{status: {"$ref": "#/components/responses/Error"} for status in ("401", "429")},
    },
}


class KeysEndpoint:
    """Spend is read from the shared state; without it (`ledger` None) each agent process
    keeps its own, and the answer says the spend is not known here."""

    def __init__(
        self,
        ledger: SpendLedger | None,
        default_rpm: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._ledger = ledger
        self._default_rpm = default_rpm
        self._clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        exchange = exchange_of(scope)
        if exchange.method not in ("GET", "HEAD"):
            raise gateway_error(
                Unimplemented,
                f"{exchange.method} is not allowed on {PATH}; allowed: GET",
                reason="METHOD_NOT_ALLOWED",
                http=405,
                headers={"allow": "GET"},
            )
        key = exchange.key
        if key is None:
            raise gateway_error(
                NotFound, "no API key in use: the gateway runs without keys", reason="NO_API_KEY"
            )
        spent = await self._ledger.spent(key.name) if self._ledger is not None else None
        body: dict[str, object] = {
            "name": key.name,
            "requestsPerMinute": key.rpm if key.rpm is not None else self._default_rpm,
            "usdPerDay": key.usd_per_day,
            "spentUsdToday": spent,
            "remainingUsdToday": (
                max(0.0, key.usd_per_day - spent)
                if key.usd_per_day is not None and spent is not None
                else None
            ),
            "resetTime": datetime.fromtimestamp(reset_time(self._clock()), UTC)
            .isoformat(timespec="seconds")
            .replace("+00:00", "Z"),
        }
        await send_response(send, 200, json.dumps(body, separators=(",", ":")).encode())
