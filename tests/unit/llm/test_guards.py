"""The guards on their own: breaker, token bucket, Retry-After parsing."""

import email.utils
import random
import time

from services.llm.breaker import BreakerState, CircuitBreaker
from services.llm.caller import RetryPolicy
from services.llm.errors import Failure, ProviderError, failure_of_status, retry_after_of
from services.runtime.token_bucket import TokenBucket


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def state(breaker: CircuitBreaker) -> BreakerState:
    return breaker.state  # read afresh: the state moves with the clock


def test_breaker_opens_after_consecutive_failures_and_probes_after_the_cooldown() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=3, cooldown=10, clock=clock)
    for _ in range(2):
        assert breaker.try_acquire()
        breaker.record_failure()
    breaker.record_success()  # resets the count
    for _ in range(3):
        assert breaker.try_acquire()
        breaker.record_failure()
    assert state(breaker) is BreakerState.OPEN
    assert not breaker.try_acquire()
    assert breaker.retry_after() == 10

    clock.now = 10
    assert state(breaker) is BreakerState.HALF_OPEN
    assert breaker.try_acquire()  # the probe
    assert not breaker.try_acquire()  # only one at a time
    breaker.record_failure()
    assert state(breaker) is BreakerState.OPEN  # probe failed: another cooldown

    clock.now = 20
    assert breaker.try_acquire()
    breaker.record_success()
    assert state(breaker) is BreakerState.CLOSED


def test_a_released_probe_lets_the_next_one_go() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=1, cooldown=1, clock=clock)
    breaker.record_failure()
    clock.now = 1
    assert breaker.try_acquire()
    breaker.release()
    assert breaker.try_acquire()


def test_token_bucket_spaces_calls_and_refuses_waits_that_are_too_long() -> None:
    clock = Clock()
    bucket = TokenBucket(per_minute=60, burst=2, clock=clock)
    assert bucket.reserve(0) == 0
    assert bucket.reserve(0) == 0
    assert bucket.reserve(0.5) is None  # the next token is 1 s away: nothing taken
    assert bucket.reserve(5) == 1.0
    assert bucket.reserve(5) == 2.0  # reservations queue
    clock.now = 10
    assert bucket.reserve(0) == 0


def test_the_model_retry_waits_no_longer_than_max_wait() -> None:
    policy = RetryPolicy(
        attempts=3, backoff_base=0.5, backoff_cap=8.0, max_wait=5.0, call_timeout=9.0
    )
    retry = policy.retry(random.Random(1))
    assert (retry.initial, retry.maximum, retry.attempts) == (0.5, 5.0, 3)  # capped by max_wait
    soon = ProviderError(Failure.RATE_LIMITED, "HTTP 429", retry_after=5.0)
    assert retry.predicate(soon)
    assert retry.hint(soon) == 5.0
    assert not retry.predicate(ProviderError(Failure.RATE_LIMITED, "HTTP 429", retry_after=300))
    assert not retry.predicate(ProviderError(Failure.BAD_REQUEST, "HTTP 400"))
    assert retry.predicate(ProviderError(Failure.UNAVAILABLE, "HTTP 503"))
    assert retry.hint(ProviderError(Failure.UNAVAILABLE, "HTTP 503")) is None  # the backoff's


def test_retry_after_forms() -> None:
    assert retry_after_of({"retry-after": "3"}) == 3
    assert retry_after_of({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    date = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 28 < (retry_after_of({"retry-after": date}) or 0) <= 30
    assert retry_after_of({"retry-after": "soon"}) is None
    assert retry_after_of({}) is None


def test_statuses_map_to_failures() -> None:
    assert failure_of_status(429) is Failure.RATE_LIMITED
    assert failure_of_status(401) is Failure.AUTH
    assert failure_of_status(403) is Failure.AUTH
    assert failure_of_status(400) is Failure.BAD_REQUEST
    assert failure_of_status(404) is Failure.BAD_REQUEST
    assert failure_of_status(503) is Failure.UNAVAILABLE
    assert failure_of_status(504) is Failure.TIMEOUT
    assert not Failure.BLOCKED.retryable
    assert not Failure.BAD_REQUEST.retryable
