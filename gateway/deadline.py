"""The deadline of a request: `Grpc-Timeout`, else `X-Request-Timeout`, else the default."""

import re
from collections.abc import Mapping

from gateway.errors import HttpError, gateway_error
from services.runtime.errors import InvalidArgument

# gRPC's wire syntax: at most 8 digits and a unit (PROTOCOL-HTTP2.md).
_GRPC_TIMEOUT = re.compile(r"(\d{1,8})([HMSmun])")
_UNIT_SECONDS = {"H": 3600.0, "M": 60.0, "S": 1.0, "m": 1e-3, "u": 1e-6, "n": 1e-9}


def parse_grpc_timeout(text: str) -> float:
    """Seconds of a Grpc-Timeout value such as "5S" or "500m"; raises ValueError."""
    found = _GRPC_TIMEOUT.fullmatch(text.strip())
    if found is None:
        raise ValueError(f"bad Grpc-Timeout {text!r} (expected digits and one of H M S m u n)")
    return int(found.group(1)) * _UNIT_SECONDS[found.group(2)]


def parse_seconds(text: str) -> float:
    """Seconds of an X-Request-Timeout value such as "2.5"; raises ValueError."""
    try:
        seconds = float(text)
    except ValueError:
        raise ValueError(f"bad X-Request-Timeout {text!r} (expected seconds)") from None
    if not seconds > 0 or seconds == float("inf"):
        raise ValueError(f"bad X-Request-Timeout {text!r} (expected seconds above 0)")
    return seconds


def request_timeout(headers: Mapping[str, str], default: float, maximum: float) -> float:
    """The gRPC timeout of a request, at most `maximum`; raises HttpError (400) on a bad header."""
    try:
        if (grpc_timeout := headers.get("grpc-timeout")) is not None:
            seconds = parse_grpc_timeout(grpc_timeout)
        elif (request_timeout := headers.get("x-request-timeout")) is not None:
            seconds = parse_seconds(request_timeout)
        else:
            return default
    except ValueError as exc:
        raise _bad_timeout(str(exc)) from None
    return min(seconds, maximum)


def _bad_timeout(message: str) -> HttpError:
    return gateway_error(InvalidArgument, message, reason="INVALID_TIMEOUT")
