"""Typed errors of discovery.

Discovery sits below the server runtime, so these are plain exceptions: the
runtime's error interceptor maps each to its canonical gRPC code
(`services.runtime.errors.from_discovery_error`).
"""

from collections.abc import Mapping


class DiscoveryError(Exception):
    """Base of discovery's errors: a message, an UPPER_SNAKE reason, the setting at fault."""

    def __init__(
        self,
        message: str,
        *,
        reason: str,
        field: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.field = field
        self.metadata = dict(metadata or {})


class DiscoveryConfigError(DiscoveryError):
    """A discovery setting is malformed (CONSUL_HTTP_ADDR, CONSUL_CACERT): INVALID_ARGUMENT."""


class ConsulTokenError(DiscoveryError):
    """Consul refused CONSUL_HTTP_TOKEN (HTTP 403: "ACL not found" or "Permission denied").

    A configuration error that retrying cannot fix: raised by `ConsulDiscovery.start()`
    and `register()` so that the server exits non-zero with `str(error)` as its message.
    PERMISSION_DENIED.
    """

    def __init__(self, message: str, *, consul_message: str) -> None:
        super().__init__(
            message,
            reason="CONSUL_TOKEN_REJECTED",
            metadata={"variable": "CONSUL_HTTP_TOKEN", "consul": consul_message},
            field="CONSUL_HTTP_TOKEN",
        )


class ConsulRejected(DiscoveryError):
    """Consul refused a request as malformed (HTTP 400 and other 4xx): FAILED_PRECONDITION."""


class ConsulUnavailable(DiscoveryError):
    """Consul did not answer, or answered 5xx: UNAVAILABLE. Background loops retry these."""
