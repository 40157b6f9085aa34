"""Typed errors of the Consul backend."""

from services.runtime import errors


class ConsulTokenError(errors.PermissionDenied):
    """Consul refused CONSUL_HTTP_TOKEN (HTTP 403: "ACL not found" or "Permission denied").

    A configuration error that retrying cannot fix: raised by `ConsulDiscovery.start()`
    and `register()` so that the server exits non-zero with `str(error)` as its message.
    """

    def __init__(self, message: str, *, consul_message: str) -> None:
        super().__init__(
            message,
            reason="CONSUL_TOKEN_REJECTED",
            metadata={"variable": "CONSUL_HTTP_TOKEN", "consul": consul_message},
            field="CONSUL_HTTP_TOKEN",
        )


class ConsulRejected(errors.FailedPrecondition):
    """Consul refused a request as malformed (HTTP 400 and other 4xx): a bug or bad metadata."""


class ConsulUnavailable(errors.Unavailable):
    """Consul did not answer, or answered 5xx. Background loops retry these with backoff."""
