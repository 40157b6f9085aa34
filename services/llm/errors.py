"""How a provider call failed, in terms the retry layer acts on.

Provider modules translate their SDK's exceptions into `ProviderError`; the chain
alone decides whether to wait, retry, fail over or give up.
"""

import email.utils
import time
from collections.abc import Mapping
from enum import StrEnum


class Failure(StrEnum):
    """Kinds of failure; the values are metric labels and fallback reasons."""

    RATE_LIMITED = "rate_limited"  # 429 from the provider
    UNAVAILABLE = "unavailable"  # 5xx, connection refused or reset
    TIMEOUT = "timeout"  # our per-call timeout fired with deadline left
    DEADLINE = "deadline"  # the caller's deadline left no time for the call
    BAD_REQUEST = "bad_request"  # 400, 404, 422: this request will never work here
    CONTEXT_WINDOW = "context_window"  # the input is longer than this model's context window
    AUTH = "auth"  # 401, 403: the key is wrong or lacks access
    BLOCKED = "blocked"  # the provider's content filter refused the request
    MALFORMED = "malformed"  # an answer that is not valid JSON of the schema, or breaks a rule
    CIRCUIT_OPEN = "circuit_open"  # the breaker kept us from calling
    THROTTLED = "throttled"  # our own rate limiter had no token in time
    BUDGET = "budget_exceeded"  # the caller's API key has spent its model budget for the day

    @property
    def retryable(self) -> bool:
        return self in (Failure.RATE_LIMITED, Failure.UNAVAILABLE, Failure.TIMEOUT)

    @property
    def counts_against_provider(self) -> bool:
        """Whether the circuit breaker counts it: the provider, not the request, is at fault.
        A context window too small is this model's limit for this request: the next model
        in the chain may take it, and this one stays good for shorter ones."""
        return self in (Failure.RATE_LIMITED, Failure.UNAVAILABLE, Failure.TIMEOUT, Failure.AUTH)


class ProviderError(Exception):
    """A failed provider call. `retry_after` is the provider's own hint, in seconds; the
    tokens are those the provider bills for it all the same (a blocked or refused answer)."""

    def __init__(
        self,
        failure: Failure,
        message: str,
        *,
        retry_after: float | None = None,
        input_tokens: int = 0,
        output_tokens: int = 0,
    ):
        super().__init__(message)
        self.failure = failure
        self.retry_after = retry_after
        self.input_tokens = input_tokens
        self.output_tokens = output_tokens


def failure_of_status(status: int) -> Failure:
    """The kind of failure an HTTP status of a provider means."""
    if status == 429:
        return Failure.RATE_LIMITED
    if status in (401, 403):
        return Failure.AUTH
    if status in (408, 504):
        return Failure.TIMEOUT
    if status >= 500:
        return Failure.UNAVAILABLE
    return Failure.BAD_REQUEST


def retry_after_of(headers: Mapping[str, str] | None) -> float | None:
    """Seconds from `retry-after-ms` or `Retry-After` (seconds or an HTTP date)."""
    if not headers:
        return None
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
