"""gRPC status codes as HTTP statuses (the canonical table of google/rpc/code.proto)."""

import grpc

# Code number → HTTP status, as google.rpc.Code documents each code's HTTP mapping.
HTTP_STATUS: dict[int, int] = {
    0: 200,  # OK
    1: 499,  # CANCELLED (client closed request)
    2: 500,  # UNKNOWN
    3: 400,  # INVALID_ARGUMENT
    4: 504,  # DEADLINE_EXCEEDED
    5: 404,  # NOT_FOUND
    6: 409,  # ALREADY_EXISTS
    7: 403,  # PERMISSION_DENIED
    8: 429,  # RESOURCE_EXHAUSTED
    9: 400,  # FAILED_PRECONDITION
    10: 409,  # ABORTED
    11: 400,  # OUT_OF_RANGE
    12: 501,  # UNIMPLEMENTED
    13: 500,  # INTERNAL
    14: 503,  # UNAVAILABLE
    15: 500,  # DATA_LOSS
    16: 401,  # UNAUTHENTICATED
}

_CODES_BY_VALUE: dict[int, grpc.StatusCode] = {c.value[0]: c for c in grpc.StatusCode}


def http_status(code: int) -> int:
    """The HTTP status of a gRPC code number (500 for a code outside the table)."""
    return HTTP_STATUS.get(code, 500)


def status_code(code: int) -> grpc.StatusCode:
    """The grpc.StatusCode of a code number (UNKNOWN for a code outside the table)."""
    return _CODES_BY_VALUE.get(code, grpc.StatusCode.UNKNOWN)
