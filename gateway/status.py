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


# HTTP status → gRPC code number, for an answer that carried no code of its own (a success,
# a mounted app's error): google.rpc.Code's mapping read backwards, one code per status.
GRPC_CODE: dict[int, int] = {
    400: 3,  # INVALID_ARGUMENT
    401: 16,  # UNAUTHENTICATED
    403: 7,  # PERMISSION_DENIED
    404: 5,  # NOT_FOUND
    409: 10,  # ABORTED
    429: 8,  # RESOURCE_EXHAUSTED
    499: 1,  # CANCELLED
    500: 13,  # INTERNAL
    501: 12,  # UNIMPLEMENTED
    503: 14,  # UNAVAILABLE
    504: 4,  # DEADLINE_EXCEEDED
}


def grpc_code(http: int) -> int:
    """The gRPC code number of an HTTP status: OK below 400, UNKNOWN for a status the table
    does not name (nor 0: no response was sent)."""
    if 0 < http < 400:
        return 0
    return GRPC_CODE.get(http, 2)
